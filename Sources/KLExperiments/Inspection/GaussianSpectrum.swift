import Foundation
import KLTensor
import KLTransformer

/// A learned Gaussian spectral density read from a feature map: for each component (a head, a
/// mixture component, or the one Gaussian every head shares) the mean of ω and its covariance.
///
/// GMM-PRF (and every pair of the grid with the learned `gmm` source): N(μ_h, diag(e^{σ_h})); hyperbolic GMM-PRF: N(μ_h, e^{σ_h}·I); GMM-RKS and Gauss-RKS:
/// ½N(μ, ΣᵀΣ) + ½N(−μ, ΣᵀΣ) (the mean is given with its sign, the mixture is symmetric);
/// GMM-mixture: C components N(μ_c, diag(e^{σ_c})) weighted by π = softmax(w), shared by the heads.
public struct GaussianSpectrum: Sendable, Equatable {
    /// One Gaussian.
    public struct Component: Sendable, Equatable {
        /// The mean μ (d values).
        public var mean: [Double]
        /// The marginal variances, the diagonal of the covariance (d values).
        public var variance: [Double]
        /// A full covariance factor F (d × d row-major, covariance FᵀF), or nil when the covariance
        /// is the diagonal `variance`.
        public var factor: [Double]?
        /// The mixture weight π (1 for a single Gaussian).
        public var weight: Double

        /// The marginal standard deviations √variance.
        public var standardDeviation: [Double] { variance.map { $0.squareRoot() } }

        /// F·x for a vector x (d values): √variance ⊙ x for a diagonal covariance.
        public func factorTimes(_ x: [Double]) -> [Double] {
            let d = mean.count
            guard let factor else { return zip(variance, x).map { $0.squareRoot() * $1 } }
            return (0..<d).map { row in (0..<d).reduce(0) { $0 + factor[row * d + $1] * x[$1] } }
        }
    }

    /// The components.
    public var components: [Component]
    /// True when every head uses all the components (a shared Gaussian or a mixture); false when
    /// component h belongs to head h.
    public var sharedByHeads: Bool
    /// Whether the density is the symmetric mixture of N(±μ, ·) (the RKS maps).
    public var symmetric: Bool

    /// What a component is called in charts and the summary: "head" or "component".
    public var componentName: String { sharedByHeads && components.count > 1 ? "component" : sharedByHeads ? "shared" : "head" }

    /// The components head `h` uses.
    public func components(forHead h: Int) -> [Component] { sharedByHeads ? components : [components[h]] }

    /// The spectrum of a Gaussian-family map, or nil for any other map.
    public init?(_ map: any FeatureMap) {
        switch map {
        case let map as RandomFeatureMap:
            switch map.spectrum {
            case let spectrum as LearnedGaussianSpectrum:
                components = Self.diagonal(mean: spectrum.mean, logVariance: spectrum.logVariance, weights: nil)
                (sharedByHeads, symmetric) = (false, false)
            case let spectrum as LearnedIsotropicSpectrum:
                let d = spectrum.mean.shape[1]
                let expanded = spectrum.logVariance.scalars.flatMap { [Float](repeating: $0, count: d) }
                components = Self.diagonal(mean: spectrum.mean, logVariance: Tensor(shape: spectrum.mean.shape, scalars: expanded), weights: nil)
                (sharedByHeads, symmetric) = (false, false)
            case let spectrum as LearnedFullCovarianceSpectrum:
                let d = spectrum.mean.shape[1], means = spectrum.mean.scalars.map(Double.init)
                let factors = spectrum.covarianceFactor.scalars.map(Double.init)
                components = (0..<spectrum.mean.shape[0]).map { p in
                    let factor = Array(factors[(p * d * d)..<((p + 1) * d * d)])
                    let variance = (0..<d).map { i in (0..<d).reduce(0) { $0 + factor[$1 * d + i] * factor[$1 * d + i] } }
                    return Component(mean: Array(means[(p * d)..<((p + 1) * d)]), variance: variance, factor: factor, weight: 1)
                }
                sharedByHeads = spectrum.isSharedByHeads
                symmetric = (map.kernel.component as? TrigonometricComponent)?.symmetricMean ?? false
            default:
                return nil
            }
        case let map as GaussianMixtureAlaCarteFeatures:
            let probabilities: Tensor = withoutGradients { map.mixtureLogits.softmax() }
            let weights = probabilities.scalars.map { Double($0) }
            components = Self.diagonal(mean: map.mean, logVariance: map.logVariance, weights: weights)
            (sharedByHeads, symmetric) = (true, true)
        default:
            return nil
        }
    }

    /// Components N(μ_c, diag(e^{σ_c})) from (C, d) tensors of means and log-variances.
    private static func diagonal(mean: Tensor, logVariance: Tensor, weights: [Double]?) -> [Component] {
        let (count, d) = (mean.shape[0], mean.shape[1])
        let means = mean.scalars.map(Double.init), logs = logVariance.scalars.map(Double.init)
        return (0..<count).map { c in
            Component(mean: Array(means[(c * d)..<((c + 1) * d)]), variance: logs[(c * d)..<((c + 1) * d)].map { exp($0) },
                      factor: nil, weight: weights?[c] ?? 1)
        }
    }
}
