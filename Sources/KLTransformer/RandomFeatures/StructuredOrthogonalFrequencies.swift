import KLTensor

/// Products of normalised Hadamard matrices and random sign diagonals, √d'·H̄D₁H̄D₂…H̄D_k: SORF
/// with k = 3 (spec §3.3) and ROM's S-Rademacher family for other k (§3.4). A block has d' (the
/// next power of two ≥ d) orthogonal rows of length √d'; independent blocks are stacked and the
/// first d columns kept. The entries are discrete, so estimates carry a small bias that fades as
/// d grows.
public struct StructuredOrthogonalFrequencies: FrequencySource {
    /// The number k of H̄D factors.
    public let products: Int

    /// SORF (`products` 3) or an S-Rademacher ROM with another number of factors.
    public init(products: Int) {
        precondition(products >= 1, "StructuredOrthogonalFrequencies: need at least one H̄D product")
        self.products = products
    }

    public var name: String { products == 3 ? "sorf" : "rom" }
    public var summary: String {
        products == 3 ? "SORF: √d'·H̄D₁H̄D₂H̄D₃, fast structured orthogonal rows (small bias)"
                      : "ROM S-Rademacher: √d'·∏ H̄D_i with \(products) factors (small bias)"
    }
    public var isMarginallyGaussian: Bool { false }

    public func frequencies(count: Int, dimension: Int, generator: inout RandomGenerator) -> [Float] {
        FrequencyBlocks.paddedSquareBlocks(count: count, dimension: dimension, generator: &generator) {
            block(size: $0, generator: &$1)
        }
    }

    /// One block W = √d'·H̄D₁…H̄D_k as a row-major d'×d' matrix. Built by transforming the rows of
    /// the identity from the right: row i of W is e_iᵀW, and e_iᵀ(H̄D) = (H̄e_i)ᵀD since H̄ is symmetric,
    /// so each factor is a Hadamard transform of every row followed by a column sign flip.
    func block(size: Int, generator: inout RandomGenerator) -> [Float] {
        var matrix = [Double](repeating: 0, count: size * size)
        for i in 0..<size { matrix[i * size + i] = 1 }
        let normalisation = 1 / Double(size).squareRoot()
        for _ in 0..<products {
            let signs = generator.rademacher(count: size)
            FrequencyBlocks.hadamardRows(&matrix, rows: size, size: size)
            for row in 0..<size {
                for column in 0..<size { matrix[row * size + column] *= normalisation * Double(signs[column]) }
            }
        }
        let scale = Double(size).squareRoot()
        return matrix.map { Float($0 * scale) }
    }
}
