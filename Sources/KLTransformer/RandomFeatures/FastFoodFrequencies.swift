import KLTensor

/// Fixed FastFood frequencies (spec §3.6): per block V = (1/√d')·S H G Π H B with H the ±1
/// Hadamard matrix, B random signs, Π a random permutation, G a Gaussian diagonal and
/// S_ii = χ_{d'} / ‖G‖, so that every row is exactly N(0, I_{d'}); the first d columns are kept.
/// Materialised here (a d'×d' matrix per block) so that any component, including those that need
/// the exact row lengths ‖ω_l‖², can use it.
public struct FastFoodFrequencies: FrequencySource {
    /// A source of random FastFood blocks.
    public init() {}

    public var name: String { "fastfood" }
    public var summary: String { "FastFood S·H·G·Π·H·B blocks, all random (exact marginals)" }
    public var isMarginallyGaussian: Bool { true }

    public func frequencies(count: Int, dimension: Int, generator: inout RandomGenerator) -> [Float] {
        FrequencyBlocks.paddedSquareBlocks(count: count, dimension: dimension, generator: &generator) {
            block(size: $0, generator: &$1)
        }
    }

    /// One block V, row-major d'×d'. Column j of V is V·e_j = (1/√d')·S H G Π H (B_j e_j): the
    /// matrix is built column by column as the columns of B, transformed by H, permuted, scaled
    /// by G, transformed again and scaled by S/√d'. Rows and columns are swapped so that the
    /// Hadamard transforms run over contiguous rows.
    func block(size: Int, generator: inout RandomGenerator) -> [Float] {
        let signs = generator.rademacher(count: size)
        let permutation = generator.permutation(size)
        let gaussian = generator.normal(count: size)
        let lengths = generator.chi(degreesOfFreedom: size, count: size)
        let gaussianNorm = gaussian.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
        // columns[j] holds column j of the product so far (transposed storage).
        var columns = [Double](repeating: 0, count: size * size)
        for j in 0..<size { columns[j * size + j] = Double(signs[j]) }
        FrequencyBlocks.hadamardRows(&columns, rows: size, size: size)
        var permuted = [Double](repeating: 0, count: size * size)
        for j in 0..<size {
            for i in 0..<size { permuted[j * size + i] = columns[j * size + permutation[i]] * Double(gaussian[i]) }
        }
        FrequencyBlocks.hadamardRows(&permuted, rows: size, size: size)
        var block = [Float](repeating: 0, count: size * size)
        let normalisation = 1 / Double(size).squareRoot()
        for i in 0..<size {
            let scale = Double(lengths[i]) / max(gaussianNorm, .leastNormalMagnitude) * normalisation
            for j in 0..<size { block[i * size + j] = Float(permuted[j * size + i] * scale) }
        }
        return block
    }
}
