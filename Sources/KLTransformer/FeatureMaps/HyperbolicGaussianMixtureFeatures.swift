import Foundation
import KLTensor

/// Hyperbolic GMM-PRF (`mix-gauss-positive-hyperbolic`, spec §2.11; in the official code, not in the
/// paper's table): ω_h = e^{σ_h/2}·ε + μ_h with one scalar log-variance per head, ε ∈ R^{d×n/2}, and
/// the antithetic pair φ = [exp(x̃ᵀω − c), exp(−x̃ᵀω − c)], c = ‖x̃‖² + ½ln n (m = n).
public final class HyperbolicGaussianMixtureFeatures: FeatureMap {
    public let inputDimension: Int
    /// The official `n_dims`: n/2 frequencies, n features.
    public let nominalDimensions: Int
    /// Number of heads.
    public let heads: Int
    /// Learned means μ, (H, d); init U(±0.5).
    public let mean: Tensor
    /// Learned scalar log-variance per head σ, (H,); init U(±0.5).
    public let logVariance: Tensor
    public var randomness: FeatureRandomness
    /// The current standard-normal draw ε, (d, n/2).
    public private(set) var epsilon: Tensor

    public var featureCount: Int { 2 * (nominalDimensions / 2) }

    /// A map with n = `nominalDimensions`.
    public init(inputDimension d: Int, heads: Int, nominalDimensions: Int, generator: inout RandomGenerator,
                randomness: FeatureRandomness) {
        inputDimension = d
        self.heads = heads
        self.nominalDimensions = nominalDimensions
        mean = Initialization.uniform([heads, d], bound: 0.5, generator: &generator)
        logVariance = Initialization.uniform([heads], bound: 0.5, generator: &generator)
        self.randomness = randomness
        epsilon = Tensor.zeros([d, nominalDimensions / 2])
        redraw()
    }

    public var parameters: [NamedParameter] { [NamedParameter("mean", mean), NamedParameter("logVariance", logVariance)] }

    public var buffers: [NamedParameter] { [NamedParameter("epsilon", epsilon)] }

    public func redraw() {
        epsilon = Tensor.randomNormal([inputDimension, nominalDimensions / 2], generator: &randomness.generator)
    }

    public func features(_ x: Tensor, isQuery: Bool, training: Bool) -> Tensor {
        let d = inputDimension, half = nominalDimensions / 2
        let omega = (logVariance * 0.5).exp().reshaped(to: [heads, 1, 1]) * epsilon.reshaped(to: [1, d, half])
            + mean.reshaped(to: [heads, d, 1])
        let scaled = FeatureMath.scaled(x)
        let u = Tensor.headwiseProjection(scaled, omega)
        let offset = FeatureMath.squaredNorm(scaled) + Float(0.5 * Foundation.log(Double(nominalDimensions)))
        return FeatureMath.positive(u, offset: offset, hyperbolic: true)
    }
}
