import KLTensor

/// Signed circulant random features (spec §3.5): per block one w ~ N(0, I_d), rows the d cyclic
/// shifts of w, each row multiplied by an independent random sign. Every row is exactly N(0, I_d)
/// (a permutation of w, signed); rows of a block share their entries, which can raise the variance.
public struct SignedCirculantFrequencies: FrequencySource {
    /// A source of signed circulant blocks.
    public init() {}

    public var name: String { "scrf" }
    public var summary: String { "signed circulant blocks: cyclic shifts of one Gaussian vector (exact marginals)" }
    public var isMarginallyGaussian: Bool { true }

    public func frequencies(count: Int, dimension d: Int, generator: inout RandomGenerator) -> [Float] {
        FrequencyBlocks.stacked(count: count, dimension: d, blockRows: d, blockWidth: d, block: { generator in
            let w = generator.normal(count: d), signs = generator.rademacher(count: d)
            var block = [Float](repeating: 0, count: d * d)
            for row in 0..<d {
                for column in 0..<d { block[row * d + column] = signs[row] * w[(column - row + d) % d] }
            }
            return block
        }, generator: &generator)
    }
}
