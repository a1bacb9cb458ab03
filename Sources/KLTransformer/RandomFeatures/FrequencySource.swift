import KLTensor

/// Where a random-feature map's frequencies ω come from: the "weight matrix" half of a kernel of
/// the random-feature grid (spec random-features.md §3), crossed with a `ComponentFunction`.
///
/// A source draws `count` frequencies of dimension d from its own seeded generator; the map that
/// owns it decides when to draw again (`RedrawPolicy`). Every source is meant to imitate
/// ω ~ N(0, I_d), the law every component function assumes; `isMarginallyGaussian` says whether it
/// does so exactly (then every component stays unbiased, spec §4.1) or approximately (structured
/// or discrete rows: a small bias, largest for the exponential components).
public protocol FrequencySource: Sendable {
    /// The name after the `+` of `COMPONENT+SOURCE`, e.g. "orf".
    var name: String { get }
    /// One line for `klt kernels`.
    var summary: String { get }
    /// Whether each frequency is exactly N(0, I_d) on its own (the rows may still be coupled).
    var isMarginallyGaussian: Bool { get }
    /// The fewest frequencies of dimension `dimension` the source can draw.
    func minimumCount(dimension: Int) -> Int
    /// Why `count` frequencies of dimension `dimension` cannot be drawn, or nil when they can.
    func refusal(count: Int, dimension: Int) -> String?
    /// `count` frequencies of dimension `dimension`, row after row (count × dimension).
    func frequencies(count: Int, dimension: Int, generator: inout RandomGenerator) -> [Float]
    /// Why `component` cannot use these frequencies (spec §4.1–4.2), or nil when the pair is valid.
    func refusal(pairedWith component: any ComponentFunction) -> String?
}

extension FrequencySource {
    /// One frequency unless a source needs more.
    public func minimumCount(dimension: Int) -> Int { 1 }

    /// Every component may use a source unless it says otherwise.
    public func refusal(pairedWith component: any ComponentFunction) -> String? { nil }

    /// Any positive dimension and a count of at least `minimumCount(dimension:)`.
    public func refusal(count: Int, dimension: Int) -> String? {
        guard dimension >= 1 else { return "needs a dimension of at least 1, got \(dimension)" }
        let minimum = minimumCount(dimension: dimension)
        guard count >= minimum else { return "\(name) needs at least \(minimum) frequencies of dimension \(dimension), got \(count)" }
        return nil
    }

    /// The frequencies as ω ∈ R^{d×count}, one per column: the layout of `Tensor.matmul(x, ω)`.
    func omega(count: Int, dimension: Int, generator: inout RandomGenerator) -> Tensor {
        let rows = frequencies(count: count, dimension: dimension, generator: &generator)
        return Tensor(shape: [count, dimension], scalars: rows).transposed(0, 1)
    }
}

/// Helpers shared by the structured sources: power-of-two padding and stacking independent blocks.
enum FrequencyBlocks {
    /// The smallest power of two ≥ `d` (the Hadamard sources' block size d').
    static func paddedDimension(_ d: Int) -> Int {
        var size = 1
        while size < d { size *= 2 }
        return size
    }

    /// Stacks independent blocks of `blockRows` rows of width `blockWidth` made by `block` until
    /// `count` rows exist, keeping the first `count` rows and the first `dimension` columns (the
    /// zero-padding rule of [ORF16] for a d that is not the block width).
    static func stacked(count: Int, dimension: Int, blockRows: Int, blockWidth: Int,
                        block: (inout RandomGenerator) -> [Float], generator: inout RandomGenerator) -> [Float] {
        var rows: [Float] = []
        rows.reserveCapacity(count * dimension)
        while rows.count < count * dimension {
            let values = block(&generator)
            for row in 0..<blockRows where rows.count < count * dimension {
                rows.append(contentsOf: values[(row * blockWidth)..<(row * blockWidth + dimension)])
            }
        }
        return rows
    }

    /// Independent d'×d' blocks (d' = `paddedDimension(dimension)`) made by `block(d', &generator)`,
    /// stacked and cut to `count` rows of the first `dimension` columns: the Hadamard sources' layout.
    static func paddedSquareBlocks(count: Int, dimension: Int, generator: inout RandomGenerator,
                                   block: (Int, inout RandomGenerator) -> [Float]) -> [Float] {
        let size = paddedDimension(dimension)
        return stacked(count: count, dimension: dimension, blockRows: size, blockWidth: size,
                       block: { block(size, &$0) }, generator: &generator)
    }

    /// The unnormalised fast Walsh–Hadamard transform of every row of a (rows × size) matrix, in
    /// place (size a power of two): y = H x with H's entries ±1.
    static func hadamardRows(_ matrix: inout [Double], rows: Int, size: Int) {
        for row in 0..<rows {
            let base = row * size
            var half = 1
            while half < size {
                var start = 0
                while start < size {
                    for i in start..<(start + half) {
                        let a = matrix[base + i], b = matrix[base + i + half]
                        matrix[base + i] = a + b
                        matrix[base + i + half] = a - b
                    }
                    start += 2 * half
                }
                half *= 2
            }
        }
    }
}
