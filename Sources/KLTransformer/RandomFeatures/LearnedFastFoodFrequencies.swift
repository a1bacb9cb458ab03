import KLTensor

/// Learned FastFood frequencies, `fastfood-learned` (FastFoodL, spec random-features.md §3.6): per
/// block V = (1/√d')·S H G Π H B with S, G and B learned diagonals and Π a random permutation
/// redrawn on the map's schedule; blocks are stacked and cut to M rows of the first d columns.
///
/// The diagonals start from an exact FastFood draw (B Rademacher, G ~ N(0, I), S_ii = χ_{d'}/‖G‖),
/// so training starts from the component's own kernel with unbiased features, rather than from the
/// nearly flat kernel of the official N(0, 1/d) initialisation (spec kl-transformer.md §9 B7). V is
/// materialised at every call (O(M·d'·log d')), so components that read ‖ω_l‖² get exact lengths.
public struct LearnedFastFoodFrequencies: LearnedFrequencySource {
    /// The learned FastFood source.
    public init() {}

    public var name: String { "fastfood-learned" }
    public var summary: String { "FastFood blocks with learned diagonals S, G, B (Π redrawn), starting from an exact draw" }
    /// At initialisation every row is exactly N(0, I); training makes the law whatever it learns.
    public var isMarginallyGaussian: Bool { true }

    public func makeModel(count: Int, dimension: Int, generator: inout RandomGenerator) -> any LearnedFrequencyModel {
        LearnedFastFoodModel(count: count, dimension: dimension, generator: &generator)
    }
}

/// The parameters and permutations of one map's learned FastFood frequencies.
final class LearnedFastFoodModel: LearnedFrequencyModel {
    let count: Int, dimension: Int, blockSize: Int, blocks: Int
    /// Learned S, G and B, one row per block, (blocks, d').
    let scale: Tensor, gaussian: Tensor, signs: Tensor
    /// The current permutation of each block, stored as floats so it travels with the buffers, (blocks, d').
    private(set) var permutations: Tensor

    init(count: Int, dimension: Int, generator: inout RandomGenerator) {
        let size = FrequencyBlocks.paddedDimension(dimension)
        let blocks = (count + size - 1) / size
        (self.count, self.dimension, blockSize, self.blocks) = (count, dimension, size, blocks)
        var signs: [Float] = [], gaussian: [Float] = [], scale: [Float] = []
        for _ in 0..<blocks {
            signs += generator.rademacher(count: size)
            let g = generator.normal(count: size)
            let norm = max(g.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot(), .leastNormalMagnitude)
            gaussian += g
            scale += generator.chi(degreesOfFreedom: size, count: size).map { $0 / norm }
        }
        self.signs = Tensor(shape: [blocks, size], scalars: signs, requiresGrad: true)
        self.gaussian = Tensor(shape: [blocks, size], scalars: gaussian, requiresGrad: true)
        self.scale = Tensor(shape: [blocks, size], scalars: scale, requiresGrad: true)
        permutations = Tensor(shape: [blocks, size], scalars: (0..<blocks).flatMap { _ in (0..<size).map(Float.init) })
    }

    var parameters: [NamedParameter] {
        [NamedParameter("scale", scale), NamedParameter("gaussian", gaussian), NamedParameter("signs", signs)]
    }

    var buffers: [NamedParameter] { [NamedParameter("permutations", permutations)] }

    func redraw(generator: inout RandomGenerator) {
        let size = blockSize
        permutations = Tensor(shape: [blocks, size], scalars: (0..<blocks).flatMap { _ in generator.permutation(size).map(Float.init) })
    }

    /// Row j of the block product applied to e_j is column j of V_b, so each block's result is V_bᵀ:
    /// its column i is the frequency V_b's row i, the layout of ω.
    func omega(training: Bool) -> Tensor {
        let size = blockSize
        let identity = Tensor(shape: [size, size], scalars: (0..<(size * size)).map { $0 / size == $0 % size ? 1 : 0 })
        let permutationRows = permutations.scalars.map { Int($0) }
        let transposedBlocks = (0..<blocks).map { block -> Tensor in
            func row(_ diagonal: Tensor) -> Tensor { diagonal.slice(alongAxis: 0, from: block, count: 1) }
            let order = Array(permutationRows[(block * size)..<((block + 1) * size)])
            let mixed = (identity * row(signs)).hadamardTransform().gathering(order, alongAxis: -1)
            return (mixed * row(gaussian)).hadamardTransform() * row(scale) * (1 / Float(size).squareRoot())
        }
        let all = blocks == 1 ? transposedBlocks[0] : Tensor.concatenate(transposedBlocks, alongAxis: 1)
        return all.slice(alongAxis: 0, from: 0, count: dimension).slice(alongAxis: 1, from: 0, count: count)
    }
}
