import KLTensor

/// Learned FastFood frequencies, `fastfood-learned` (FastFoodL, spec random-features.md §3.6): per
/// block V = (1/√d')·S H G Π H B with some of the diagonals S, G, B learned and the others, with the
/// permutation Π, drawn again on the map's schedule; blocks are stacked and cut to M rows of the
/// first d columns. V is materialised at every call (O(M·d'·log d')), so components that read
/// ‖ω_l‖² get exact lengths.
///
/// The grid's `fastfood-learned` learns all three, starting from an exact FastFood draw (B
/// Rademacher, G ~ N(0, I), S_ii = χ_{d'}/‖G‖), so training starts from the component's own kernel
/// with unbiased features. The paper's FastFood kernels are presets with the official convention
/// (`FastFoodConvention.official`): the learned diagonals start N(0, 1/d') (a nearly flat kernel,
/// spec kl-transformer.md §9 B7) and every redraw draws all three diagonals, used or not.
public struct LearnedFastFoodFrequencies: LearnedFrequencySource {
    /// The diagonals that are parameters; the others are drawn at every redraw.
    public let learned: FastFoodDiagonalSet
    /// How the learned diagonals start and what a redraw draws.
    public let convention: FastFoodConvention

    /// FastFood frequencies learning `learned`, with `convention`'s initialisation and redraws.
    public init(learning learned: FastFoodDiagonalSet = .all, convention: FastFoodConvention = .exactDraw) {
        self.learned = learned
        self.convention = convention
    }

    /// `fastfood-learned`, or `fastfood` for blocks that learn nothing (every diagonal drawn, the fixed law).
    public var name: String { learned.isEmpty ? "fastfood" : "fastfood-learned" }
    public var learnsParameters: Bool { !learned.isEmpty }
    public var summary: String { "FastFood blocks with learned diagonals S, G, B (Π redrawn), starting from an exact draw" }
    /// With the exact-draw start every row is exactly N(0, I) at initialisation; training makes the
    /// law whatever it learns.
    public var isMarginallyGaussian: Bool { true }

    public func makeModel(count: Int, dimension: Int, generator: inout RandomGenerator) -> any LearnedFrequencyModel {
        LearnedFastFoodModel(count: count, dimension: dimension, learned: learned, convention: convention, generator: &generator)
    }
}

/// The diagonals of a FastFood block V = (1/√d')·S H G Π H B.
public struct FastFoodDiagonalSet: OptionSet, Sendable {
    public let rawValue: Int
    /// The set with these bits: 1 S, 2 G, 4 B.
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// S, the row lengths.
    public static let scale = FastFoodDiagonalSet(rawValue: 1)
    /// G, the Gaussian diagonal between the transforms.
    public static let gaussian = FastFoodDiagonalSet(rawValue: 2)
    /// B, the signs before the first transform.
    public static let signs = FastFoodDiagonalSet(rawValue: 4)
    /// S, G and B.
    public static let all: FastFoodDiagonalSet = [.scale, .gaussian, .signs]
}

/// How learned FastFood diagonals start and which draws a redraw makes.
public enum FastFoodConvention: Sendable {
    /// Learned diagonals start from an exact FastFood draw; a redraw draws Π and the diagonals
    /// that are not learned.
    case exactDraw
    /// As the official code (and the paper's FastFood kernels before they were presets): learned
    /// diagonals start N(0, 1/d'), drawn in the order S, G, B; a redraw draws, per block, Π, B, G
    /// and the χ lengths of S, whether or not they are learned.
    case official
}

/// The parameters, draws and permutations of one map's learned FastFood frequencies.
public final class LearnedFastFoodModel: LearnedFrequencyModel {
    /// M, d, the padded block size d' and the number of blocks.
    public let count: Int, dimension: Int, blockSize: Int, blocks: Int
    /// Which diagonals are parameters.
    public let learned: FastFoodDiagonalSet
    let convention: FastFoodConvention
    /// The learned diagonals by name ("scale", "gaussian", "signs"), one row per block, (blocks, d').
    private let parametersByName: [String: Tensor]
    /// The diagonals as last drawn, one row per block, (blocks, d'); used where not learned.
    private var drawn: [String: Tensor]
    /// The current permutation of each block, stored as floats so it travels with the buffers, (blocks, d').
    public private(set) var permutations: Tensor

    private static let names = ["scale", "gaussian", "signs"]
    private static let members: [FastFoodDiagonalSet] = [.scale, .gaussian, .signs]
    private static let capitalised = ["scale": "Scale", "gaussian": "Gaussian", "signs": "Signs"]

    init(count: Int, dimension: Int, learned: FastFoodDiagonalSet, convention: FastFoodConvention, generator: inout RandomGenerator) {
        let size = FrequencyBlocks.paddedDimension(dimension)
        let blocks = (count + size - 1) / size
        (self.count, self.dimension, blockSize, self.blocks) = (count, dimension, size, blocks)
        (self.learned, self.convention) = (learned, convention)
        let shape = [blocks, size]
        var initial: [String: Tensor] = [:]
        switch convention {
        case .exactDraw:
            let draw = Self.draw(blocks: blocks, size: size, permuting: false, generator: &generator)
            initial = draw.diagonals
        case .official:
            for (name, member) in zip(Self.names, Self.members) where learned.contains(member) {
                initial[name] = Tensor.randomNormal(shape, standardDeviation: 1 / Float(size).squareRoot(), generator: &generator)
            }
        }
        var parameters: [String: Tensor] = [:]
        for (name, member) in zip(Self.names, Self.members) where learned.contains(member) {
            parameters[name] = Tensor(shape: shape, scalars: initial[name]!.scalars, requiresGrad: true)
        }
        parametersByName = parameters
        drawn = Dictionary(uniqueKeysWithValues: Self.names.map { ($0, Tensor.ones(shape)) })
        permutations = Tensor(shape: shape, scalars: (0..<blocks).flatMap { _ in (0..<size).map(Float.init) })
    }

    /// Blocks of random diagonals as one exact FastFood draw per block — B Rademacher, G ~ N(0, I),
    /// S_ii = χ_{d'}/‖G‖ — each block's permutation first when `permuting`.
    private static func draw(blocks: Int, size: Int, permuting: Bool, generator: inout RandomGenerator)
        -> (diagonals: [String: Tensor], permutations: [Float]) {
        var signs: [Float] = [], gaussian: [Float] = [], scale: [Float] = [], permutations: [Float] = []
        for _ in 0..<blocks {
            if permuting { permutations += generator.permutation(size).map(Float.init) }
            signs += generator.rademacher(count: size)
            let g = generator.normal(count: size)
            let norm = max(g.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot(), .leastNormalMagnitude)
            gaussian += g
            scale += generator.chi(degreesOfFreedom: size, count: size).map { $0 / norm }
        }
        let shape = [blocks, size]
        return (["signs": Tensor(shape: shape, scalars: signs), "gaussian": Tensor(shape: shape, scalars: gaussian),
                 "scale": Tensor(shape: shape, scalars: scale)], permutations)
    }

    /// S as used: the learned one or the current draw, (blocks, d').
    public var scale: Tensor { diagonal("scale") }
    /// G as used, (blocks, d').
    public var gaussian: Tensor { diagonal("gaussian") }
    /// B as used, (blocks, d').
    public var signs: Tensor { diagonal("signs") }

    private func diagonal(_ name: String) -> Tensor { parametersByName[name] ?? drawn[name]! }

    public var parameters: [NamedParameter] {
        Self.names.compactMap { name in parametersByName[name].map { NamedParameter(name, $0) } }
    }

    /// The permutations, and the drawn diagonals that are used (`drawnScale`, … for those not learned).
    public var buffers: [NamedParameter] {
        [NamedParameter("permutations", permutations)]
            + Self.names.filter { parametersByName[$0] == nil }.map { NamedParameter("drawn" + Self.capitalised[$0]!, drawn[$0]!) }
    }

    public func redraw(generator: inout RandomGenerator) {
        let size = blockSize
        if convention == .official || learned != .all {
            let draw = Self.draw(blocks: blocks, size: size, permuting: true, generator: &generator)
            permutations = Tensor(shape: [blocks, size], scalars: draw.permutations)
            drawn = draw.diagonals
        } else {
            permutations = Tensor(shape: [blocks, size], scalars: (0..<blocks).flatMap { _ in generator.permutation(size).map(Float.init) })
        }
    }

    /// Row j of the block product applied to e_j is column j of V_b, so each block's result is V_bᵀ:
    /// its column i is the frequency V_b's row i, the layout of ω.
    public func omega(training: Bool) -> Tensor {
        let size = blockSize
        let identity = Tensor(shape: [size, size], scalars: (0..<(size * size)).map { $0 / size == $0 % size ? 1 : 0 })
        let permutationRows = permutations.scalars.map { Int($0) }
        let (scale, gaussian, signs) = (self.scale, self.gaussian, self.signs)
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
