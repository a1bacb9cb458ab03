import Foundation
import KLTensor

/// Random Fourier features (random kitchen sinks) of the Gaussian (RBF) kernel:
/// φ(x) = √(2/n)·[cos(x̃ᵀω), sin(x̃ᵀω)] with ω ∈ R^{d×M}, M = n/2, columns N(0, I) (i.i.d. or in
/// orthogonal blocks), so E[φ(q)·φ(k)] = exp(−‖q̃ − k̃‖²/2) (spec §2.3). The smoothed variant (the
/// paper's `rbf-fourier`) appends a constant feature s, adding s² to the kernel so that the linear
/// attention denominator is shifted away from zero.
public final class RandomFourierFeatures: FeatureMap {
    public let inputDimension: Int
    /// The official `n_dims` (after the smoothed class's −1): M = n/2 frequencies, scale √(2/n).
    public let nominalDimensions: Int
    /// The appended constant, or nil for plain RFF.
    public let smoothing: Float?
    /// Whether ω is drawn in orthogonal blocks.
    public let orthogonal: Bool
    public var randomness: FeatureRandomness
    /// The current frequencies ω, (d, M).
    public private(set) var omega: Tensor

    public var featureCount: Int { 2 * (nominalDimensions / 2) + (smoothing == nil ? 0 : 1) }

    /// A map with `nominalDimensions` = n (M = n/2 frequencies).
    public init(inputDimension: Int, nominalDimensions: Int, smoothing: Float? = nil, orthogonal: Bool = false,
                randomness: FeatureRandomness) {
        precondition(nominalDimensions >= 2, "RandomFourierFeatures: need at least 2 dimensions, got \(nominalDimensions)")
        self.inputDimension = inputDimension
        self.nominalDimensions = nominalDimensions
        self.smoothing = smoothing
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
        let u = Tensor.matmul(FeatureMath.scaled(x), omega)
        let phi = FeatureMath.trigonometric(u, scale: (2 / Float(nominalDimensions)).squareRoot())
        return smoothing.map { FeatureMath.appendingConstant(phi, $0) } ?? phi
    }
}

/// Draws of spectral samples shared by several maps.
enum SpectralDraw {
    /// ω ∈ R^{d×count} with N(0, I) columns: i.i.d., or orthogonal in blocks of d columns with each
    /// column rescaled by the norm of an independent Gaussian vector (the Performer's regularised
    /// orthogonal features: marginally still N(0, I), jointly lower-variance).
    static func gaussianFrequencies(d: Int, count: Int, orthogonal: Bool, generator: inout RandomGenerator) -> Tensor {
        if orthogonal {
            // rows of the generator's (count × d) matrix are the frequencies
            let rows = generator.orthogonalGaussianBlocks(rows: count, columns: d)
            return Tensor(shape: [count, d], scalars: rows).transposed(0, 1)
        }
        return Tensor.randomNormal([d, count], generator: &generator)
    }
}
