import KLTensor
import KLTransformer

/// One layer's spectral distribution as numbers, by kernel family: what the charts draw and the
/// summary reports, taken once from the initial and once from the trained map.
public enum SpectralSnapshot: Sendable, Equatable {
    /// A learned Gaussian (mixture): μ and σ per dimension.
    case gaussian(GaussianSpectrum)
    /// FastFood's learned diagonals.
    case fastFood(FastFoodDiagonals)
    /// A generator's frequencies for a fixed noise sample.
    case generated(GeneratedFrequencies)
    /// A fixed distribution: the norms ‖ω‖ of the map's current frequencies.
    case fixed(frequencyNorms: [Double])

    /// The snapshot of `map` (of `family`); `samples` and `seed` fix the generator's noise.
    public init(map: any FeatureMap, family: KernelFamily, samples: Int, seed: UInt64) {
        switch family.spectrum {
        case .gaussian:
            self = GaussianSpectrum(map).map { .gaussian($0) } ?? .fixed(frequencyNorms: [])
        case .fastFood:
            self = FastFoodDiagonals(map).map { .fastFood($0) } ?? .fixed(frequencyNorms: [])
        case .generator:
            self = GeneratedFrequencies(map, samples: samples, seed: seed).map { .generated($0) } ?? .fixed(frequencyNorms: [])
        case .fixed:
            self = .fixed(frequencyNorms: Self.fixedNorms(map))
        }
    }

    /// ‖ω‖ of a fixed map's current frequencies: the columns of its ω (d × M), as drawn or, for a
    /// random FastFood map, as its current diagonals build it; empty for a map without frequencies.
    static func fixedNorms(_ map: any FeatureMap) -> [Double] {
        let omega: KLTensor.Tensor
        if let map = map as? RandomFeatureMap {
            omega = withoutGradients { map.currentOmega(training: false) }
        } else if let buffer = map.buffers.first(where: { $0.name == "omega" })?.tensor, buffer.rank == 2 {
            omega = buffer
        } else {
            return []
        }
        let (d, m) = (omega.shape[0], omega.shape[1]), values = omega.scalars.map(Double.init)
        return (0..<m).map { j in (0..<d).reduce(0) { $0 + values[$1 * m + j] * values[$1 * m + j] }.squareRoot() }
    }
}
