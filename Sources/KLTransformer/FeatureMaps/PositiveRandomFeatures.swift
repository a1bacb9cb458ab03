import Foundation
import KLTensor

/// Positive random features with hyperbolic pairs, φ(x) = [exp(x̃ᵀω − c), exp(−x̃ᵀω − c)] with
/// ω ∈ R^{d×M}, M = n/2 (fast-transformers' `Favor` and `GaussianPRF`, spec §2.3):
/// - `.softmax` (FAVOR+): c = ‖x̃‖²/2 + ½ln n, E[φ(q)·φ(k)] = exp(q·k/√d);
/// - `.gaussian` (Gaussian PRF): c = ‖x̃‖² + ½ln n, E[φ(q)·φ(k)] = exp(−‖q̃ − k̃‖²/2).
///
/// Orthogonal ω is drawn correctly: the official code's square-ω case leaves ω ≡ 0 (spec §9 B1),
/// which turns these baselines into query-independent pooling. We do not reproduce that bug.
public final class PositiveRandomFeatures: FeatureMap {
    /// Which kernel the positive features estimate.
    public enum Kernel: Sendable {
        /// exp(q·k/√d), the softmax kernel.
        case softmax
        /// exp(−‖q − k‖²/(2√d)), the Gaussian kernel.
        case gaussian
    }

    public let inputDimension: Int
    /// The official `n_dims`: M = n/2 frequencies, 2M features.
    public let nominalDimensions: Int
    /// The kernel estimated.
    public let kernel: Kernel
    /// Whether ω is drawn in orthogonal blocks.
    public let orthogonal: Bool
    public var randomness: FeatureRandomness
    /// The current frequencies ω, (d, M).
    public private(set) var omega: Tensor

    public var featureCount: Int { 2 * (nominalDimensions / 2) }

    /// A map with n = `nominalDimensions`.
    public init(inputDimension: Int, nominalDimensions: Int, kernel: Kernel, orthogonal: Bool = true,
                randomness: FeatureRandomness) {
        precondition(nominalDimensions >= 2, "PositiveRandomFeatures: need at least 2 dimensions, got \(nominalDimensions)")
        self.inputDimension = inputDimension
        self.nominalDimensions = nominalDimensions
        self.kernel = kernel
        self.orthogonal = orthogonal
        self.randomness = randomness
        omega = Tensor.zeros([inputDimension, nominalDimensions / 2])
        redraw()
    }

    public var buffers: [NamedParameter] { [NamedParameter("omega", omega)] }

    public func redraw() {
        omega = SpectralDraw.gaussianFrequencies(d: inputDimension, count: nominalDimensions / 2, orthogonal: orthogonal,
                                                  generator: &randomness.generator)
    }

    public func features(_ x: Tensor, isQuery: Bool, training: Bool) -> Tensor {
        let scaled = FeatureMath.scaled(x)
        let u = Tensor.matmul(scaled, omega)
        let normWeight: Float = kernel == .softmax ? 0.5 : 1
        let offset = FeatureMath.squaredNorm(scaled) * normWeight + Float(0.5 * Foundation.log(Double(nominalDimensions)))
        return FeatureMath.positive(u, offset: offset, hyperbolic: true)
    }
}

/// FAVOR+ with exp-only positive features as in google-research's Performer (peers-and-lra.md §1.2):
/// φ(x) = m^{-1/2}(exp(x̃ᵀω − ‖x̃‖²/2 − c) + 10⁻⁴), ω ∈ R^{d×m} orthogonal. The stabiliser c is the
/// per-row maximum of x̃ᵀω for queries and the maximum over the whole sequence and all features for
/// keys (per batch element and head); it is treated as a constant (no gradient). The key constant
/// cancels between numerator and denominator of attention, the query one too (row-wise), up to the
/// 10⁻⁴ term; it keeps exp from overflowing for inputs of large norm.
public final class ExponentialRandomFeatures: FeatureMap {
    public let inputDimension: Int
    public let featureCount: Int
    /// Whether ω is drawn in orthogonal blocks.
    public let orthogonal: Bool
    public var randomness: FeatureRandomness
    /// The current frequencies ω, (d, m).
    public private(set) var omega: Tensor

    /// A map with `featureCount` = m features.
    public init(inputDimension: Int, featureCount: Int, orthogonal: Bool = true, randomness: FeatureRandomness) {
        precondition(featureCount >= 1, "ExponentialRandomFeatures: need at least one feature")
        self.inputDimension = inputDimension
        self.featureCount = featureCount
        self.orthogonal = orthogonal
        self.randomness = randomness
        omega = Tensor.zeros([inputDimension, featureCount])
        redraw()
    }

    public var buffers: [NamedParameter] { [NamedParameter("omega", omega)] }

    public func redraw() {
        omega = SpectralDraw.gaussianFrequencies(d: inputDimension, count: featureCount, orthogonal: orthogonal,
                                                  generator: &randomness.generator)
    }

    public func features(_ x: Tensor, isQuery: Bool, training: Bool) -> Tensor {
        let scaled = FeatureMath.scaled(x)
        let u = Tensor.matmul(scaled, omega)                                       // (N, L, H, m)
        let stabiliser = withoutGradients {
            isQuery ? u.max(alongAxes: [-1], keepingDimensions: true)
                    : u.max(alongAxes: [1, 3], keepingDimensions: true)
        }
        let offset = FeatureMath.squaredNorm(scaled) * 0.5 + stabiliser
        return (FeatureMath.positive(u, offset: offset) + 1e-4) * (1 / Float(featureCount).squareRoot())
    }
}
