import KLTensor

/// GMM-RKS (`mix-gauss-fourier`, spec §2.5): trigonometric random features whose spectral density is
/// learned per head as the symmetric mixture ½N(μ_h, Σ_hᵀΣ_h) + ½N(−μ_h, Σ_hᵀΣ_h).
///
/// Ω_h = Σ_hᵀε (ε ∈ R^{d×M} ~ N(0, I), M = n/4, shared by heads), ω±_h = Ω_h ± μ_h, and
/// φ_h(x) = √(4/n)·[cos(x̃ᵀω⁺), sin(x̃ᵀω⁺), cos(x̃ᵀω⁻), sin(x̃ᵀω⁻)] followed by the constant s.
/// Kernel: φ_s(q)·φ_s(k) ≈ 2·exp(−½ΔᵀΣᵀΣΔ)·cos(μᵀΔ) + s², Δ = q̃ − k̃ — note the factor 2 of the
/// official code (spec §9 B5), kept for fidelity. The trigonometric part ranges over [−2, 2], so the
/// attention denominator can be ≤ 0; `LinearAttention` guards it (see there).
///
/// With `sharedAcrossHeads` one μ ∈ R^d and Σ ∈ R^{d×d} serve every head (the official
/// `gauss-fourier`, a single learned Gaussian).
public final class GaussianMixtureFourierFeatures: FeatureMap {
    public let inputDimension: Int
    /// The official `n_dims` (after the smoothed class's −1): M = n/4 frequencies, scale √(4/n).
    public let nominalDimensions: Int
    /// Number of heads of the attention layer.
    public let heads: Int
    /// The appended constant s.
    public let smoothing: Float
    /// Learned means μ, (P, d) with P = heads, or 1 when shared.
    public let mean: Tensor
    /// Learned covariance factors Σ, (P, d, d); covariance ΣᵀΣ.
    public let covarianceFactor: Tensor
    public var randomness: FeatureRandomness
    /// The current standard-normal draw ε, (d, M).
    public private(set) var epsilon: Tensor

    public var featureCount: Int { 4 * (nominalDimensions / 4) + 1 }

    /// A map with n = `nominalDimensions`; parameters drawn from `generator` with the official
    /// initialisation (Σ Xavier-uniform with PyTorch's fans of (P, d, d); μ U(±1/√fan_in)).
    public init(inputDimension d: Int, heads: Int, nominalDimensions: Int, smoothing: Float = 1,
                sharedAcrossHeads: Bool = false, generator: inout RandomGenerator, randomness: FeatureRandomness) {
        precondition(nominalDimensions >= 4, "GaussianMixtureFourierFeatures: need at least 4 dimensions, got \(nominalDimensions)")
        inputDimension = d
        self.heads = heads
        self.nominalDimensions = nominalDimensions
        self.smoothing = smoothing
        let components = sharedAcrossHeads ? 1 : heads
        if sharedAcrossHeads {
            covarianceFactor = Initialization.xavierUniform([1, d, d], fanIn: d, fanOut: d, generator: &generator)
            mean = Initialization.uniform([1, d], bound: 1 / Float(d).squareRoot(), generator: &generator)
        } else {
            let fans = Initialization.torchFans([components, d, d])
            covarianceFactor = Initialization.xavierUniform([components, d, d], fanIn: fans.fanIn, fanOut: fans.fanOut,
                                                            generator: &generator)
            mean = Initialization.uniform([components, d], bound: 1 / Float(fans.fanIn).squareRoot(), generator: &generator)
        }
        self.randomness = randomness
        epsilon = Tensor.zeros([d, nominalDimensions / 4])
        redraw()
    }

    public var parameters: [NamedParameter] {
        [NamedParameter("mean", mean), NamedParameter("covarianceFactor", covarianceFactor)]
    }

    public var buffers: [NamedParameter] { [NamedParameter("epsilon", epsilon)] }

    public func redraw() {
        epsilon = Tensor.randomNormal([inputDimension, nominalDimensions / 4], generator: &randomness.generator)
    }

    public func features(_ x: Tensor, isQuery: Bool, training: Bool) -> Tensor {
        let d = inputDimension, components = mean.shape[0]
        let omega = Tensor.matmul(covarianceFactor, epsilon, transposeA: true)        // (P, d, M)
        let shift = mean.reshaped(to: [components, d, 1])
        var plus = omega + shift, minus = omega - shift
        if components != heads {
            plus = plus.expanded(to: [heads, d, plus.shape[2]])
            minus = minus.expanded(to: [heads, d, minus.shape[2]])
        }
        let scaled = FeatureMath.scaled(x)
        let uPlus = Tensor.headwiseProjection(scaled, plus), uMinus = Tensor.headwiseProjection(scaled, minus)
        let phi = Tensor.concatenate([FeatureMath.trigonometric(uPlus, scale: (4 / Float(nominalDimensions)).squareRoot()),
                                      FeatureMath.trigonometric(uMinus, scale: (4 / Float(nominalDimensions)).squareRoot())], alongAxis: -1)
        return FeatureMath.appendingConstant(phi, smoothing)
    }
}
