import KLTensor

/// The Gaussian-kernel version of a softmax-kernel exponential component, named `<component>-rbf`
/// (spec random-features.md §1): KG(x, y) = e^{−‖x‖²/2}·SM(x, y)·e^{−‖y‖²/2}, so each side's
/// log-features lose another ½‖x‖² and the estimate stays unbiased and positive.
///
/// With the learned GMM spectrum, `posrf-rbf+gmm` is the paper's GMM-PRF kernel
/// exp(μᵀz + ½zᵀΓz − ‖x‖² − ‖y‖²); with orthogonal frequencies `posrf-hyp-rbf+orf` is the Gaussian PRF
/// of the official code. Every softmax-kernel component gets this version automatically
/// (`RandomFeatureKernel.components`).
public struct GaussianKernelVersion: ComponentFunction {
    /// The softmax-kernel component whose features are reweighted.
    public let base: any ComponentFunction

    /// The Gaussian-kernel version of `base`, which must estimate the softmax kernel with log-features.
    public init(of base: any ComponentFunction) {
        precondition(base.estimatedKernel == .softmax, "GaussianKernelVersion: \(base.name) does not estimate the softmax kernel")
        self.base = base
    }

    public var name: String { base.name + "-rbf" }
    public var summary: String { "\(base.name) × e^{−‖x‖²/2} on each side (Gaussian kernel)" }
    public var estimatedKernel: EstimatedKernel { .gaussian }
    public var featuresPerFrequency: Int { base.featuresPerFrequency }
    public var extraFeatures: Int { base.extraFeatures }
    public var usesFrequencyLengths: Bool { base.usesFrequencyLengths }
    public var isAsymmetric: Bool { base.isAsymmetric }
    public var readsSequenceStatistics: Bool { base.readsSequenceStatistics }
    public var normPenalty: Float { base.normPenalty + 0.5 }

    public func features(queries: Tensor, keys: Tensor, omega: Tensor, statistics: SequenceStatistics,
                         phases: (queries: Tensor, keys: Tensor)?) -> ComponentFeatures {
        guard case .logarithmic(let logQ, let logK) = base.features(queries: queries, keys: keys, omega: omega,
                                                                    statistics: statistics, phases: phases) else {
            preconditionFailure("GaussianKernelVersion: \(base.name) has no log-features")
        }
        func halfSquaredNorm(_ x: Tensor) -> Tensor { x.squared().sum(alongAxes: [-1], keepingDimensions: true) * 0.5 }
        return .logarithmic(queries: logQ - halfSquaredNorm(queries), keys: logK - halfSquaredNorm(keys))
    }

    /// For plain PosRF (not mirrored), the stabilised features in the one fused op PosRF itself
    /// uses: its log-features ωᵀx − ½‖x‖² + c less another ½‖x‖² are ωᵀx − ‖x‖² + c, the norm offset
    /// at weight 1. Replaces a log-feature pass, a subtraction pass and the exponential's two passes
    /// (Generator-PRF and FastFood-PRF, whose learned ω has no spectrum transform).
    public func stabilizedFeatures(queries: Tensor, keys: Tensor, omega: Tensor, keyMask: Tensor?) -> (queries: Tensor, keys: Tensor)? {
        guard let positive = base as? PositiveComponent, !positive.mirrorsMean else { return nil }
        return (ExponentialFeatures.stabilizedFeatures(queries, omega: omega, hyperbolic: positive.hyperbolic, normWeight: 1, shift: .perRow),
                ExponentialFeatures.stabilizedFeatures(keys, omega: omega, hyperbolic: positive.hyperbolic, normWeight: 1,
                                                       shift: .perSequence(keyMask: keyMask)))
    }

    /// PosRF's form with the norm at weight 1 (see `stabilizedFeatures`).
    public var positiveFeatureForm: PositiveFeatureForm? {
        guard let form = base.positiveFeatureForm, form.normWeight == 0.5 else { return nil }
        return PositiveFeatureForm(hyperbolic: form.hyperbolic, normWeight: 1)
    }
}
