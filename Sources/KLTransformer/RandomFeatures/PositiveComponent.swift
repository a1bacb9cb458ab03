import KLTensor

/// PosRF, FAVOR+'s positive random features (spec §2.2): φ(x) = (1/√M)·exp(ωᵀx − ‖x‖²/2), or the
/// hyperbolic pair (1/√(2M))·e^{−‖x‖²/2}[exp(ωᵀx), exp(−ωᵀx)] (lower variance), unbiased for the
/// softmax kernel and positive, so attention weights are never negative.
public struct PositiveComponent: ComponentFunction {
    /// Whether each frequency gives the ± pair.
    public let hyperbolic: Bool
    /// Whether the hyperbolic pair of a learned spectrum's frequency ω = μ + Lε is ±ω, the mean's
    /// sign flipping with ε's (hyperbolic GMM-PRF), rather than μ ± Lε.
    public let mirrorsMean: Bool

    /// PosRF, plain or with hyperbolic pairs (±ω when `mirrorsMean`).
    public init(hyperbolic: Bool, mirrorsMean: Bool = false) {
        precondition(hyperbolic || !mirrorsMean, "PositiveComponent: only hyperbolic pairs can mirror the mean")
        self.hyperbolic = hyperbolic
        self.mirrorsMean = mirrorsMean
    }

    public var name: String { hyperbolic ? "posrf-hyp" : "posrf" }
    public var summary: String {
        hyperbolic ? "positive hyperbolic pairs exp(±ωᵀx − ‖x‖²/2) (softmax kernel, FAVOR+)"
                   : "positive features exp(ωᵀx − ‖x‖²/2) (softmax kernel, FAVOR+)"
    }
    public var estimatedKernel: EstimatedKernel { .softmax }
    public var featuresPerFrequency: Int { hyperbolic ? 2 : 1 }
    public var usesFrequencyLengths: Bool { false }

    public func features(queries: Tensor, keys: Tensor, omega: Tensor, statistics: SequenceStatistics,
                         phases: (queries: Tensor, keys: Tensor)?) -> ComponentFeatures {
        let logQ = ExponentialFeatures.logFeatures(queries, omega: omega, a: nil, hyperbolic: hyperbolic)
        let logK = ExponentialFeatures.logFeatures(keys, omega: omega, a: nil, hyperbolic: hyperbolic)
        guard mirrorsMean, let phases else { return .logarithmic(queries: logQ, keys: logK) }
        return .logarithmic(queries: mirrored(logQ, phase: phases.queries), keys: mirrored(logK, phase: phases.keys))
    }

    /// Without a learned spectrum there is no phase to mirror, so the log-features are the plain
    /// ones and the fused stabilised exponential computes the features from the projections directly.
    public func stabilizedFeatures(queries: Tensor, keys: Tensor, omega: Tensor, keyMask: Tensor?) -> (queries: Tensor, keys: Tensor)? {
        (ExponentialFeatures.stabilizedFeatures(queries, omega: omega, hyperbolic: hyperbolic, shift: .perRow),
         ExponentialFeatures.stabilizedFeatures(keys, omega: omega, hyperbolic: hyperbolic, shift: .perSequence(keyMask: keyMask)))
    }

    /// exp([±]ωᵀx − ½‖x‖² + c − shift), unless the pairs mirror a learned mean.
    public var positiveFeatureForm: PositiveFeatureForm? {
        mirrorsMean ? nil : PositiveFeatureForm(hyperbolic: hyperbolic, normWeight: 0.5)
    }

    /// The map adds the spectrum's log-factor, μᵀx included, to every log-feature; for ±ω the
    /// second half needs −μᵀx instead, so it is given −2μᵀx here.
    private func mirrored(_ logFeatures: Tensor, phase: Tensor) -> Tensor {
        let half = logFeatures.shape[logFeatures.rank - 1] / 2
        let parts = logFeatures.split(sizes: [half, half], alongAxis: -1)
        return Tensor.concatenate([parts[0], parts[1] - phase * 2], alongAxis: -1)
    }
}
