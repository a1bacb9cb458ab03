import KLTensor

/// ω_l ~ N(0, I_d) independently (spec §3.1): the plain Monte-Carlo reference for every component.
public struct GaussianFrequencies: FrequencySource {
    /// The order in which the generator's stream fills ω.
    public let order: GaussianDrawOrder

    /// A source of independent Gaussian frequencies, drawn in `order`.
    public init(order: GaussianDrawOrder = .byFrequency) { self.order = order }

    public var name: String { "gaussian" }
    public var summary: String { "independent N(0, I) frequencies (plain Monte Carlo)" }
    public var isMarginallyGaussian: Bool { true }

    public func frequencies(count: Int, dimension: Int, generator: inout RandomGenerator) -> [Float] {
        order.normalRows(count: count, dimension: dimension, generator: &generator)
    }
}

/// The order in which a source of independent N(0, I_d) frequencies consumes its generator's
/// normal stream. Both give the same law; the order only decides which frequencies a seed makes.
public enum GaussianDrawOrder: Sendable {
    /// Frequency after frequency: ω_l is values l·d ..< (l+1)·d (the grid's pairs).
    case byFrequency
    /// Coordinate after coordinate, as the official code's `torch.randn(d, M)`: coordinate i of
    /// every frequency is values i·M ..< (i+1)·M. The named kernels that are presets of the grid
    /// draw this way, so that their draws — and checkpoints written before they were presets —
    /// stay exactly what they were.
    case byCoordinate

    /// `count` frequencies of dimension `dimension`, row after row (count × dimension).
    func normalRows(count: Int, dimension: Int, generator: inout RandomGenerator) -> [Float] {
        let values = generator.normal(count: count * dimension)
        switch self {
        case .byFrequency:
            return values
        case .byCoordinate:
            var rows = [Float](repeating: 0, count: values.count)
            for coordinate in 0..<dimension {
                for frequency in 0..<count { rows[frequency * dimension + coordinate] = values[coordinate * count + frequency] }
            }
            return rows
        }
    }
}
