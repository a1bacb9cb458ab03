import Foundation
import KLTensor

/// FastFood random features (Le, Sarlós, Smola 2013; spec §2.7–2.8): the Gaussian frequency matrix is
/// replaced by the structured V = (1/√d)·S·H·G·Π·H·B, applied in O(d log d) with two fast
/// Walsh–Hadamard transforms H, a random permutation Π, and diagonal S, G, B.
///
/// - Random (`rbf-fastfood`): B Rademacher, G ~ N(0, I), S_i = χ_d sample / ‖G‖, so V's rows have
///   norm ≈ χ_d and φ estimates the Gaussian kernel.
/// - Learned (`fs-fastfood`: S; `fsgb-fastfood`, the paper's FastFood-RKS: S, G and B): the learned
///   diagonals are parameters, init N(0, 1/d) as in the official code (spec §9 B7: a nearly flat
///   initial kernel), shared by every head. Π and the non-learned diagonals are redrawn by the policy
///   (the official code: every forward pass).
///
/// Features: `.trigonometric` φ = (1/√d)[cos(Vx̃), sin(Vx̃)] plus the constant s (m = 2d + 1);
/// `.positive` (FastFood-PRF, which crashes at construction in the official code, §9 B2 — fixed here)
/// φ = exp(Vx̃ − ‖x̃‖² − ½ln d) (m = d). d must be a power of two.
public final class FastFoodFeatures: FeatureMap {
    /// Which features are built from the structured frequencies.
    public enum Features: Sendable {
        /// cos/sin pairs plus a smoothing constant (RKS).
        case trigonometric(smoothing: Float)
        /// exp features (PRF).
        case positive
    }

    public let inputDimension: Int
    /// RKS or PRF features.
    public let kind: Features
    /// Learned S (nil: drawn).
    public let learnedScale: Tensor?
    /// Learned G (nil: drawn).
    public let learnedGaussian: Tensor?
    /// Learned B (nil: drawn).
    public let learnedSigns: Tensor?
    public var randomness: FeatureRandomness
    /// The current permutation Π, stored as floats so that it travels with the other buffers.
    public private(set) var permutation: Tensor
    private var drawnScale: Tensor, drawnGaussian: Tensor, drawnSigns: Tensor

    public var featureCount: Int {
        switch kind {
        case .trigonometric: 2 * inputDimension + 1
        case .positive: inputDimension
        }
    }

    /// A FastFood map learning the diagonals named in `learnScale` / `learnGaussianAndSigns`.
    public init(inputDimension d: Int, kind: Features, learnScale: Bool, learnGaussianAndSigns: Bool,
                generator: inout RandomGenerator, randomness: FeatureRandomness) {
        precondition(d > 0 && d & (d - 1) == 0, "FastFoodFeatures: the per-head dimension \(d) must be a power of two")
        inputDimension = d
        self.kind = kind
        let deviation = 1 / Float(d).squareRoot()
        learnedScale = learnScale ? Tensor.randomNormal([d], standardDeviation: deviation, generator: &generator, requiresGrad: true) : nil
        learnedGaussian = learnGaussianAndSigns
            ? Tensor.randomNormal([d], standardDeviation: deviation, generator: &generator, requiresGrad: true) : nil
        learnedSigns = learnGaussianAndSigns
            ? Tensor.randomNormal([d], standardDeviation: deviation, generator: &generator, requiresGrad: true) : nil
        self.randomness = randomness
        permutation = Tensor(shape: [d], scalars: (0..<d).map(Float.init))
        drawnScale = .ones([d])
        drawnGaussian = .ones([d])
        drawnSigns = .ones([d])
        redraw()
    }

    public var parameters: [NamedParameter] {
        [("scale", learnedScale), ("gaussian", learnedGaussian), ("signs", learnedSigns)]
            .compactMap { name, tensor in tensor.map { NamedParameter(name, $0) } }
    }

    public var buffers: [NamedParameter] {
        [NamedParameter("permutation", permutation), NamedParameter("drawnScale", drawnScale),
         NamedParameter("drawnGaussian", drawnGaussian), NamedParameter("drawnSigns", drawnSigns)]
    }

    public func redraw() {
        let d = inputDimension
        permutation = Tensor(shape: [d], scalars: randomness.generator.permutation(d).map(Float.init))
        drawnSigns = Tensor.randomRademacher([d], generator: &randomness.generator)
        drawnGaussian = Tensor.randomNormal([d], generator: &randomness.generator)
        let chi = randomness.generator.chi(degreesOfFreedom: d, count: d)
        let gaussianNorm = drawnGaussian.scalars.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        drawnScale = Tensor(shape: [d], scalars: chi.map { $0 / gaussianNorm })
    }

    /// V·x̃ for x̃ of shape (…, d).
    func structuredProjection(_ scaled: Tensor) -> Tensor {
        let signs = learnedSigns ?? drawnSigns, gaussian = learnedGaussian ?? drawnGaussian, scale = learnedScale ?? drawnScale
        let mixed = (scaled * signs).hadamardTransform().gathering(permutation.scalars.map { Int($0) }, alongAxis: -1)
        return (mixed * gaussian).hadamardTransform() * scale * (1 / Float(inputDimension).squareRoot())
    }

    public func features(_ x: Tensor, isQuery: Bool, training: Bool) -> Tensor {
        let scaled = FeatureMath.scaled(x)
        let projected = structuredProjection(scaled)
        switch kind {
        case .trigonometric(let smoothing):
            let phi = FeatureMath.trigonometric(projected, scale: 1 / Float(inputDimension).squareRoot())
            return FeatureMath.appendingConstant(phi, smoothing)
        case .positive:
            let offset = FeatureMath.squaredNorm(scaled) + Float(0.5 * Foundation.log(Double(inputDimension)))
            return FeatureMath.positive(projected, offset: offset)
        }
    }
}
