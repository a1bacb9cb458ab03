import KLTensor

/// Orthogonal random features (spec §3.2): blocks of d orthonormal rows (Gram–Schmidt on Gaussian
/// rows, so each block is Haar-distributed), each row rescaled by an independent χ_d length. Every
/// row is still exactly N(0, I_d); rows within a block are orthogonal, which lowers the variance.
public struct OrthogonalFrequencies: FrequencySource {
    /// A source of orthogonal frequencies with χ-distributed lengths.
    public init() {}

    public var name: String { "orf" }
    public var summary: String { "orthogonal blocks with χ_d row lengths (exact marginals, lower variance)" }
    public var isMarginallyGaussian: Bool { true }

    public func frequencies(count: Int, dimension: Int, generator: inout RandomGenerator) -> [Float] {
        generator.orthogonalGaussianBlocks(rows: count, columns: dimension)
    }
}
