import KLTensor

/// A learned Gaussian spectrum with a full covariance: N(μ_p, Σ_pᵀΣ_p), ω = μ_p + Σ_pᵀε, per head
/// (p = h) or one Gaussian shared by the heads (p = 0): GMM-RKS's and Gauss-RKS's spectrum (spec
/// kl-transformer.md §2.5), whose TrigRF features at ±μ (`TrigonometricComponent.symmetricMean`)
/// make the density the symmetric mixture ½N(μ, ΣᵀΣ) + ½N(−μ, ΣᵀΣ).
///
/// The inputs become x' = Σ_p x, so that ε·x' = (Σ_pᵀε)ᵀx; initialised as the official code:
/// Σ Xavier-uniform (with PyTorch's fans of a (P, d, d) tensor when per head), μ U(±1/√fan_in).
public final class LearnedFullCovarianceSpectrum: LearnedSpectrum {
    /// Learned means μ, (P, d).
    public let mean: Tensor
    /// Learned covariance factors Σ, (P, d, d); the covariance is ΣᵀΣ.
    public let covarianceFactor: Tensor
    /// The number of heads the spectrum serves.
    public let heads: Int

    /// Whether one Gaussian serves every head.
    public var isSharedByHeads: Bool { mean.shape[0] == 1 && heads > 1 }

    /// A spectrum for `heads` heads of dimension `d` (one shared by them when `sharedByHeads`),
    /// drawn from `generator` in the official order: Σ, then μ.
    public init(heads: Int, dimension d: Int, sharedByHeads: Bool, generator: inout RandomGenerator) {
        self.heads = heads
        if sharedByHeads {
            covarianceFactor = Initialization.xavierUniform([1, d, d], fanIn: d, fanOut: d, generator: &generator)
            mean = Initialization.uniform([1, d], bound: 1 / Float(d).squareRoot(), generator: &generator)
        } else {
            let fans = Initialization.torchFans([heads, d, d])
            covarianceFactor = Initialization.xavierUniform([heads, d, d], fanIn: fans.fanIn, fanOut: fans.fanOut, generator: &generator)
            mean = Initialization.uniform([heads, d], bound: 1 / Float(fans.fanIn).squareRoot(), generator: &generator)
        }
    }

    public var parameters: [NamedParameter] {
        [NamedParameter("mean", mean), NamedParameter("covarianceFactor", covarianceFactor)]
    }

    public func transform(_ x: Tensor, normPenalty: Float) -> (inputs: Tensor, logFactor: Tensor, phase: Tensor) {
        let (components, d) = (mean.shape[0], mean.shape[1])
        var (factors, means) = (covarianceFactor.transposed(1, 2), mean)     // x' = x·Σᵀ per head
        if components != heads {
            factors = factors.expanded(to: [heads, d, d])
            means = means.expanded(to: [heads, d])
        }
        return Self.transformed(x, Tensor.headwiseProjection(x, factors), mean: means, normPenalty: normPenalty)
    }
}
