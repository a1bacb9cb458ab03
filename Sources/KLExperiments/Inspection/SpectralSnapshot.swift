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

    /// ‖ω‖ of a fixed map's current frequencies: the columns of its ω buffer (d × M), or for
    /// FastFood the rows of V (|S_i|·‖G‖, exact for its ±1 B).
    static func fixedNorms(_ map: any FeatureMap) -> [Double] {
        let buffers = Dictionary(map.buffers.map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first })
        if let omega = buffers["omega"], omega.rank == 2 {
            let (d, m) = (omega.shape[0], omega.shape[1]), values = omega.scalars.map(Double.init)
            return (0..<m).map { j in (0..<d).reduce(0) { $0 + values[$1 * m + j] * values[$1 * m + j] }.squareRoot() }
        }
        if let scale = buffers["drawnScale"], let gaussian = buffers["drawnGaussian"] {
            return FastFoodDiagonals.rowNorms(scale: scale.scalars.map(Double.init), gaussian: gaussian.scalars.map(Double.init))
        }
        return []
    }
}
