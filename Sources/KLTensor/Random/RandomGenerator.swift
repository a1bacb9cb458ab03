/// A seeded, counter-based random number generator (Philox4x32-10) whose output is fixed by the
/// seed alone: the same on every machine and for every `Parallel.threadCount`.
///
/// ## The stream
/// The generator's stream is the sequence of 128-bit Philox blocks `philox(counter: i, key: seed)`
/// for `i = 0, 1, 2, ...`; each block holds four 32-bit words. `state` holds the key and the index
/// of the next unused block, and nothing else, so saving `state` (it is `Codable`) and restoring it
/// later continues the stream exactly, as a training checkpoint needs.
///
/// ## How calls advance the counter
/// Every call takes whole blocks, starting at the counter, and moves the counter past them, so
/// consecutive calls never reuse a block:
/// - `nextUInt32`, `nextUInt64`, `nextFloat`, `nextDouble`, `next` take one block each (using one
///   or two of its words);
/// - `nextInt(below:)`, `shuffle(_:)` and `permutation(_:)` read words one after another (one word
///   per bounded integer up to 2^32, two above, and an extra draw on the rare rejection of Lemire's
///   method) and take every block they touched;
/// - a bulk fill of `n` elements takes `ceil(n / 4)` blocks, and element `i` is made from block
///   `counter + i / 4` only, so its value does not depend on which thread computed it. Uniform,
///   Rademacher and Bernoulli elements use word `i % 4`; normals come in Box–Muller pairs, elements
///   `4b, 4b+1` from words 0 and 1 of block `b` and elements `4b+2, 4b+3` from words 2 and 3;
/// - `chi(degreesOfFreedom:count:)` takes the blocks of `count · d` normals (sample `k` squares
///   normals `k·d ..< (k+1)·d`), and `orthogonalGaussianBlocks(rows:columns:)` those of
///   `2 · rows · columns` normals (see there).
///
/// The map from seed to values is part of this type's contract (checkpoints and seeded tests rely
/// on it): change it only deliberately, and say so.
public struct RandomGenerator: Sendable, Codable, Equatable {
    /// Everything that determines the rest of a generator's output: the Philox key and the 128-bit
    /// index of the next unused block.
    public struct State: Sendable, Codable, Hashable {
        /// The Philox key; word 0 of Random123's key is the low 32 bits. `init(seed:)` uses the
        /// seed itself.
        public var key: UInt64
        /// The low 64 bits of the index of the next unused block.
        public var counterLow: UInt64
        /// The high 64 bits of the index of the next unused block.
        public var counterHigh: UInt64

        /// Creates a state from its key and the two halves of its block counter.
        public init(key: UInt64, counterLow: UInt64 = 0, counterHigh: UInt64 = 0) {
            self.key = key
            self.counterLow = counterLow
            self.counterHigh = counterHigh
        }
    }

    /// The generator's complete state; assign a saved value to resume a stream where it was saved.
    public var state: State

    /// Creates a generator whose stream is determined by `seed` (used as the Philox key), starting
    /// at block 0. Distinct seeds give unrelated streams.
    public init(seed: UInt64) {
        state = State(key: seed)
    }

    /// Creates a generator that continues the stream captured in `state`.
    public init(state: State) {
        self.state = state
    }

    /// The index of the next unused block.
    var counter: PhiloxCounter {
        get { PhiloxCounter(low: state.counterLow, high: state.counterHigh) }
        set {
            state.counterLow = newValue.low
            state.counterHigh = newValue.high
        }
    }

    /// Takes the next `count` blocks: returns the index of the first and moves the counter past them.
    mutating func reserveBlocks(_ count: Int) -> PhiloxCounter {
        let first = counter
        counter = first.advanced(by: UInt64(count))
        return first
    }

    /// Takes the blocks for `elements` bulk elements (four per block).
    mutating func reserveBlocks(forElements elements: Int) -> PhiloxCounter {
        reserveBlocks(elements / 4 + (elements % 4 == 0 ? 0 : 1))
    }

    /// Reads words sequentially from the stream, then moves the counter past every block touched.
    mutating func withWordStream<Result>(_ body: (inout PhiloxWordStream) -> Result) -> Result {
        var stream = PhiloxWordStream(key: state.key, next: counter)
        let result = body(&stream)
        counter = stream.next
        return result
    }

    // MARK: Scalars

    /// Returns the four words of the next block: the primitive that the other scalar calls use.
    public mutating func nextBlock() -> (UInt32, UInt32, UInt32, UInt32) {
        Philox4x32.block(counter: reserveBlocks(1), key: state.key)
    }

    /// Returns a uniformly distributed 32-bit integer (word 0 of the next block).
    public mutating func nextUInt32() -> UInt32 {
        nextBlock().0
    }

    /// Returns a uniformly distributed 64-bit integer (words 0 and 1 of the next block, word 1 high).
    public mutating func nextUInt64() -> UInt64 {
        let block = nextBlock()
        return UInt64(block.1) << 32 | UInt64(block.0)
    }

    /// Returns a uniform `Float` in `[0, 1)` with 24 random bits: a multiple of 2^-24.
    public mutating func nextFloat() -> Float {
        Self.unitFloat(nextUInt32())
    }

    /// Returns a uniform `Double` in `[0, 1)` with 53 random bits: a multiple of 2^-53.
    public mutating func nextDouble() -> Double {
        Double(nextUInt64() >> 11) * 0x1p-53
    }

    /// Returns a uniformly distributed integer in `0 ..< bound`, without bias (Lemire's
    /// multiply-and-reject method). `bound` must be positive.
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound, got \(bound)")
        return withWordStream { Int($0.nextInt(below: UInt64(bound))) }
    }

    /// Shuffles `collection` in place with the Fisher–Yates algorithm; every permutation is equally
    /// likely.
    public mutating func shuffle<C: MutableCollection & RandomAccessCollection>(_ collection: inout C) {
        let count = collection.count
        guard count > 1 else { return }
        withWordStream { stream in
            let start = collection.startIndex
            for i in stride(from: count - 1, to: 0, by: -1) {
                let j = Int(stream.nextInt(below: UInt64(i + 1)))
                if j != i {
                    collection.swapAt(
                        collection.index(start, offsetBy: i), collection.index(start, offsetBy: j))
                }
            }
        }
    }

    /// Returns a uniformly random permutation of `0 ..< n` (a shuffled `Array(0 ..< n)`).
    public mutating func permutation(_ n: Int) -> [Int] {
        precondition(n >= 0, "permutation size must not be negative, got \(n)")
        var result = Array(0..<n)
        shuffle(&result)
        return result
    }

    /// Converts a word to a uniform `Float` in `[0, 1)` from its top 24 bits.
    @inline(__always)
    static func unitFloat(_ word: UInt32) -> Float {
        Float(Int32(bitPattern: word >> 8)) * 0x1p-24
    }

    // MARK: Bulk fills

    /// Fills `buffer` with uniform samples from `[low, high)` (`low` itself when they are equal).
    ///
    /// Each element is `low + (high - low) · u`, with `u` a multiple of 2^-24 in `[0, 1)`, kept
    /// below `high` where rounding would reach it. Takes `ceil(buffer.count / 4)` blocks.
    public mutating func fillUniform(_ buffer: UnsafeMutableBufferPointer<Float>, low: Float = 0, high: Float = 1) {
        precondition(low <= high, "fillUniform needs low <= high, got \(low) > \(high)")
        fill(buffer, kernel: UniformKernel(low: low, high: high), costPerItem: 1)
    }

    /// Fills `buffer` with normal samples of the given mean and standard deviation (Box–Muller on
    /// Philox words, computed in `Float`; see `BoxMuller`). Takes `ceil(buffer.count / 4)` blocks.
    public mutating func fillNormal(
        _ buffer: UnsafeMutableBufferPointer<Float>, mean: Float = 0, standardDeviation: Float = 1
    ) {
        fill(buffer, kernel: NormalKernel(mean: mean, standardDeviation: standardDeviation), costPerItem: 2)
    }

    /// Fills `buffer` with independent random signs, -1 or +1 with equal probability (the sign is
    /// the top bit of the element's word). Takes `ceil(buffer.count / 4)` blocks.
    public mutating func fillRademacher(_ buffer: UnsafeMutableBufferPointer<Float>) {
        fill(buffer, kernel: RademacherKernel(), costPerItem: 1)
    }

    /// Fills `buffer` with independent 0/`value` values, `value` with probability `probability`
    /// (exact to 2^-32): dropout's keep masks, already scaled by 1/(1−p) when `value` is that. The
    /// decisions do not depend on `value`. Takes `ceil(buffer.count / 4)` blocks.
    public mutating func fillBernoulli(_ buffer: UnsafeMutableBufferPointer<Float>, probability: Float, value: Float = 1) {
        precondition((0...1).contains(probability), "Bernoulli probability must lie in [0, 1], got \(probability)")
        fill(buffer, kernel: BernoulliKernel(probability: probability, value: value), costPerItem: 1)
    }

    /// The Philox words of the next `count` elements of the bulk stream, as the fills take them (the
    /// same blocks, and the same generator state after), handed to `body(elements, lanes, offset)` a
    /// batch at a time, in parallel, instead of being turned into floats: element
    /// `elements.lowerBound + i` is word `(offset + i) % 4` of block `(offset + i) / 4` of `lanes`.
    /// Dropout decides, multiplies and records its keep mask from them in one pass.
    mutating func forEachWordBatch(count: Int, costPerItem: Int, _ body: (Range<Int>, PhiloxLanes, Int) -> Void) {
        guard count > 0 else { return }
        let first = reserveBlocks(forElements: count)
        let key = state.key
        Parallel.forRanges(count, costPerItem: costPerItem) { start, end in
            Self.forEachBatch(key: key, first: first, elements: start..<end, body)
        }
    }

    /// Returns `count` uniform samples from `[low, high)`, as `fillUniform(_:low:high:)` makes them.
    public mutating func uniform(count: Int, low: Float = 0, high: Float = 1) -> [Float] {
        makeArray(count) { $0.fillUniform($1, low: low, high: high) }
    }

    /// Returns `count` normal samples, as `fillNormal(_:mean:standardDeviation:)` makes them.
    public mutating func normal(count: Int, mean: Float = 0, standardDeviation: Float = 1) -> [Float] {
        makeArray(count) { $0.fillNormal($1, mean: mean, standardDeviation: standardDeviation) }
    }

    /// Returns `count` random signs (±1), as `fillRademacher(_:)` makes them.
    public mutating func rademacher(count: Int) -> [Float] {
        makeArray(count) { $0.fillRademacher($1) }
    }

    /// Returns `count` 0/1 values, 1 with probability `probability`, as `fillBernoulli(_:probability:)`
    /// makes them.
    public mutating func bernoulli(count: Int, probability: Float) -> [Float] {
        makeArray(count) { $0.fillBernoulli($1, probability: probability) }
    }

    /// Builds an array of `count` floats with one of the fills.
    private mutating func makeArray(
        _ count: Int, _ fill: (inout RandomGenerator, UnsafeMutableBufferPointer<Float>) -> Void
    ) -> [Float] {
        precondition(count >= 0, "count must not be negative, got \(count)")
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(&self, buffer)
            initialized = count
        }
    }

    /// Takes the blocks for `buffer` and fills it with `kernel`, split over threads by element range.
    private mutating func fill<Kernel: PhiloxKernel>(
        _ buffer: UnsafeMutableBufferPointer<Float>, kernel: Kernel, costPerItem: Int
    ) {
        let count = buffer.count
        guard count > 0, let base = buffer.baseAddress else { return }
        let first = reserveBlocks(forElements: count)
        let key = state.key
        Parallel.forRanges(count, costPerItem: costPerItem) { start, end in
            Self.generate(kernel, key: key, first: first, elements: start..<end, into: base + start)
        }
    }

    /// Blocks computed per batch in `generate`; the batch's words and floats live on the stack.
    static let batchBlocks = 64

    /// Writes elements `elements` of the bulk stream that starts at block `first` to `destination`
    /// (element `elements.lowerBound` at `destination[0]`): element `i` comes from block
    /// `first + i / 4` through `kernel`, whatever range the caller asks for.
    static func generate<Kernel: PhiloxKernel>(
        _ kernel: Kernel, key: UInt64, first: PhiloxCounter, elements: Range<Int>,
        into destination: UnsafeMutablePointer<Float>
    ) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 4 * batchBlocks) { scratch in
            forEachBatch(key: key, first: first, elements: elements) { range, lanes, offset in
                let blocks = (offset + range.count + 3) / 4
                let target = destination + (range.lowerBound - elements.lowerBound)
                if offset == 0 && range.count == 4 * blocks {
                    kernel.apply(lanes, blocks: blocks, into: target)
                } else {
                    kernel.apply(lanes, blocks: blocks, into: scratch.baseAddress!)
                    target.update(from: scratch.baseAddress! + offset, count: range.count)
                }
            }
        }
    }

    /// Computes the blocks of elements `elements` of the bulk stream that starts at block `first`,
    /// `batchBlocks` at a time into stack memory, and calls `body(range, lanes, offset)` for each
    /// batch: element `range.lowerBound + i` is word `(offset + i) % 4` of block `(offset + i) / 4`.
    static func forEachBatch(key: UInt64, first: PhiloxCounter, elements: Range<Int>,
                             _ body: (Range<Int>, PhiloxLanes, Int) -> Void) {
        guard !elements.isEmpty else { return }
        let batch = batchBlocks
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 4 * batch) { words in
            let w = words.baseAddress!
            let lanes = PhiloxLanes(w0: w, w1: w + batch, w2: w + 2 * batch, w3: w + 3 * batch)
            var block = elements.lowerBound / 4
            let endBlock = (elements.upperBound - 1) / 4 + 1
            while block < endBlock {
                let blocks = min(batch, endBlock - block)
                Philox4x32.blocks(
                    first: first.advanced(by: UInt64(block)), count: blocks, key: key,
                    lanes.w0, lanes.w1, lanes.w2, lanes.w3)
                let batchStart = 4 * block
                let low = max(batchStart, elements.lowerBound), high = min(batchStart + 4 * blocks, elements.upperBound)
                body(low..<high, lanes, low - batchStart)
                block += blocks
            }
        }
    }

    // MARK: Derived distributions

    /// Returns `count` samples of the chi distribution with `d` degrees of freedom: each is the
    /// length of a vector of `d` independent standard normals, `sqrt(z_1² + ... + z_d²)`, summed in
    /// `Double`. FastFood uses them as the scaling matrix `S`, so that its rows have the lengths of
    /// Gaussian rows.
    ///
    /// Takes the blocks of `count · d` bulk normals; sample `k` uses normals `k·d ..< (k+1)·d`.
    public mutating func chi(degreesOfFreedom d: Int, count: Int) -> [Float] {
        precondition(d >= 1, "chi needs at least one degree of freedom, got \(d)")
        precondition(count >= 0, "count must not be negative, got \(count)")
        let (total, overflow) = d.multipliedReportingOverflow(by: count)
        precondition(!overflow, "chi: count × degrees of freedom overflows")
        let first = reserveBlocks(forElements: total)
        let key = state.key
        return [Float](unsafeUninitializedCapacity: count) { out, initialized in
            let outBase = out.baseAddress
            Parallel.forRanges(count, costPerItem: 2 * d) { start, end in
                let chunk = 4 * Self.batchBlocks
                withUnsafeTemporaryAllocation(of: Float.self, capacity: chunk) { normals in
                    let z = normals.baseAddress!
                    for k in start..<end {
                        var sum = 0.0
                        var i = k * d
                        let sampleEnd = i + d
                        while i < sampleEnd {
                            let m = min(chunk, sampleEnd - i)
                            Self.generate(NormalKernel.standard, key: key, first: first, elements: i..<(i + m), into: z)
                            for t in 0..<m { sum += Double(z[t]) * Double(z[t]) }
                            i += m
                        }
                        outBase![k] = Float(sum.squareRoot())
                    }
                }
            }
            initialized = count
        }
    }

    /// Returns a `rows × columns` row-major matrix of Performer-style orthogonal random features:
    /// each row is marginally `N(0, I_columns)`, and rows `b·columns ..< (b+1)·columns` (a block)
    /// are mutually orthogonal, which lowers the variance of random-feature kernel estimates
    /// compared with independent rows. The last block has fewer rows when `rows` is not a multiple
    /// of `columns`.
    ///
    /// A block's directions are the rows of a Haar-distributed orthogonal matrix: the rows of a
    /// Gaussian matrix `G`, orthonormalised in order by modified Gram–Schmidt in `Double` (that is
    /// `Q` from the QR factorisation of `Gᵀ` with the diagonal of `R` positive, which is the sign fix
    /// that makes `Q` Haar). Each row is then scaled by the length of its own independent Gaussian
    /// vector of length `columns` (chi-distributed), so rows have the norms Gaussian rows would have.
    ///
    /// Takes the blocks of `2 · rows · columns` bulk normals: row `r` of `G` is normals
    /// `r·columns ..< (r+1)·columns`, and the vector that sets the norm of row `r` is normals
    /// `(rows + r)·columns ..< (rows + r + 1)·columns`. Cost: `2 · columns³` flops per full block.
    public mutating func orthogonalGaussianBlocks(rows: Int, columns: Int) -> [Float] {
        precondition(rows >= 0, "rows must not be negative, got \(rows)")
        precondition(columns >= 1, "columns must be positive, got \(columns)")
        guard rows > 0 else { return [] }
        let c = columns
        let gaussians = normal(count: 2 * rows * c)
        var result = [Float](repeating: 0, count: rows * c)
        var q = [Double](repeating: 0, count: min(rows, c) * c)
        gaussians.withUnsafeBufferPointer { g in
            result.withUnsafeMutableBufferPointer { out in
                q.withUnsafeMutableBufferPointer { qBuffer in
                    let q = qBuffer.baseAddress!
                    let g = g.baseAddress!
                    var blockStart = 0
                    while blockStart < rows {
                        let k = min(c, rows - blockStart)
                        for t in 0..<(k * c) { q[t] = Double(g[blockStart * c + t]) }
                        Self.orthonormaliseRows(q, rows: k, columns: c)
                        for i in 0..<k {
                            let r = blockStart + i
                            let normRow = g + (rows + r) * c
                            var sumSquares = 0.0
                            for t in 0..<c { sumSquares += Double(normRow[t]) * Double(normRow[t]) }
                            let scale = sumSquares.squareRoot()
                            let qRow = q + i * c
                            let outRow = out.baseAddress! + r * c
                            for t in 0..<c { outRow[t] = Float(qRow[t] * scale) }
                        }
                        blockStart += k
                    }
                }
            }
        }
        return result
    }

    /// Orthonormalises the `rows` rows (of length `columns`, `rows <= columns`) of the row-major
    /// matrix at `q` in place, in order, by modified Gram–Schmidt: row `i` is normalised, then its
    /// component is removed from every later row (those updates run in parallel; each row's result
    /// does not depend on the split).
    static func orthonormaliseRows(_ q: UnsafeMutablePointer<Double>, rows: Int, columns: Int) {
        for i in 0..<rows {
            let row = q + i * columns
            let inverseNorm = 1 / dot(row, row, count: columns).squareRoot()
            for t in 0..<columns { row[t] *= inverseNorm }
            let later = rows - i - 1
            Parallel.forRanges(later, costPerItem: 4 * columns) { start, end in
                for j in (i + 1 + start)..<(i + 1 + end) {
                    let other = q + j * columns
                    let projection = dot(row, other, count: columns)
                    for t in 0..<columns { other[t] -= projection * row[t] }
                }
            }
        }
    }

    /// The dot product of `count` doubles at `a` and `b`, summed in four interleaved partial sums
    /// (a fixed order, so the result is reproducible, but not latency-bound on one accumulator).
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var t = 0
        while t + 4 <= count {
            s0 += a[t] * b[t]
            s1 += a[t + 1] * b[t + 1]
            s2 += a[t + 2] * b[t + 2]
            s3 += a[t + 3] * b[t + 3]
            t += 4
        }
        while t < count {
            s0 += a[t] * b[t]
            t += 1
        }
        return (s0 + s1) + (s2 + s3)
    }
}

extension RandomGenerator: RandomNumberGenerator {
    /// Returns `nextUInt64()`, so the generator can drive the standard library's random APIs
    /// (`Int.random(in:using:)`, `shuffled(using:)`); those use their own algorithms, so prefer
    /// this type's methods where the exact values matter.
    public mutating func next() -> UInt64 {
        nextUInt64()
    }
}

// MARK: - Sequential words

/// Reads a generator's stream one 32-bit word at a time, for the sequential, variable-length
/// consumers (bounded integers with rejection, shuffles); `RandomGenerator.withWordStream` moves
/// the generator's counter past every block the stream touched.
struct PhiloxWordStream {
    /// The generator's key.
    let key: UInt64
    /// The index of the next block to compute.
    var next: PhiloxCounter
    /// The current block's words.
    private var words: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
    /// How many of `words` have been read (4: none left).
    private var used = 4

    /// Starts reading at block `next`.
    init(key: UInt64, next: PhiloxCounter) {
        self.key = key
        self.next = next
    }

    /// Returns the next word, computing a new block when the current one is used up.
    @inline(__always)
    mutating func nextWord() -> UInt32 {
        if used == 4 {
            words = Philox4x32.block(counter: next, key: key)
            next = next.advanced(by: 1)
            used = 0
        }
        defer { used += 1 }
        switch used {
        case 0: return words.0
        case 1: return words.1
        case 2: return words.2
        default: return words.3
        }
    }

    /// Returns the next two words as one 64-bit integer, the first word low.
    @inline(__always)
    mutating func nextWord64() -> UInt64 {
        let low = nextWord()
        return UInt64(nextWord()) << 32 | UInt64(low)
    }

    /// Returns an unbiased integer in `0 ..< bound` (`bound > 0`) by Lemire's method ("Fast random
    /// integer generation in an interval", 2019): the high half of `word · bound`, redrawing when
    /// the low half falls in the `2^w mod bound` values that would bias it. Uses 32-bit words when
    /// `bound` fits in 32 bits, 64-bit ones otherwise.
    mutating func nextInt(below bound: UInt64) -> UInt64 {
        if bound <= UInt64(UInt32.max) {
            let s = UInt32(bound)
            var product = UInt64(nextWord()) &* bound
            if UInt32(truncatingIfNeeded: product) < s {
                let threshold = (0 &- s) % s
                while UInt32(truncatingIfNeeded: product) < threshold {
                    product = UInt64(nextWord()) &* bound
                }
            }
            return product >> 32
        }
        var product = nextWord64().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = nextWord64().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }
}

// MARK: - Bulk kernels

/// The four word lanes of a batch of blocks: word `k` of block `j` is `w{k}[j]`.
struct PhiloxLanes {
    let w0: UnsafeMutablePointer<UInt32>
    let w1: UnsafeMutablePointer<UInt32>
    let w2: UnsafeMutablePointer<UInt32>
    let w3: UnsafeMutablePointer<UInt32>
}

/// Turns a batch of Philox blocks into floats, four per block, written to `out[4j ..< 4j+4]` for
/// block `j`; a pure function of the words, which is what keeps bulk fills thread-count invariant.
protocol PhiloxKernel {
    /// Converts `blocks` blocks of `lanes` into `4 · blocks` floats at `out`.
    func apply(_ lanes: PhiloxLanes, blocks: Int, into out: UnsafeMutablePointer<Float>)
}

/// A kernel that maps each 32-bit word to one float on its own.
protocol WordwisePhiloxKernel: PhiloxKernel {
    /// The float of one word.
    func value(_ word: UInt32) -> Float
}

extension WordwisePhiloxKernel {
    func apply(_ lanes: PhiloxLanes, blocks: Int, into out: UnsafeMutablePointer<Float>) {
        for j in 0..<blocks {
            out[4 * j] = value(lanes.w0[j])
            out[4 * j + 1] = value(lanes.w1[j])
            out[4 * j + 2] = value(lanes.w2[j])
            out[4 * j + 3] = value(lanes.w3[j])
        }
    }
}

/// Uniform floats in `[low, high)`.
struct UniformKernel: WordwisePhiloxKernel {
    let low: Float
    let scale: Float
    /// The largest value allowed: just below `high` (or `low` when the interval is empty).
    let largest: Float

    init(low: Float, high: Float) {
        self.low = low
        scale = high - low
        largest = high > low ? high.nextDown : low
    }

    @inline(__always)
    func value(_ word: UInt32) -> Float {
        min(low + scale * RandomGenerator.unitFloat(word), largest)
    }
}

/// Normal floats by Box–Muller, two per word pair.
struct NormalKernel: PhiloxKernel {
    let mean: Float
    let standardDeviation: Float

    /// Mean 0, standard deviation 1.
    static let standard = NormalKernel(mean: 0, standardDeviation: 1)

    func apply(_ lanes: PhiloxLanes, blocks: Int, into out: UnsafeMutablePointer<Float>) {
        for j in 0..<blocks {
            let (z0, z1) = BoxMuller.pair(lanes.w0[j], lanes.w1[j])
            let (z2, z3) = BoxMuller.pair(lanes.w2[j], lanes.w3[j])
            out[4 * j] = mean + standardDeviation * z0
            out[4 * j + 1] = mean + standardDeviation * z1
            out[4 * j + 2] = mean + standardDeviation * z2
            out[4 * j + 3] = mean + standardDeviation * z3
        }
    }
}

/// Random signs: +1 when the word's top bit is clear, -1 when it is set.
struct RademacherKernel: WordwisePhiloxKernel {
    @inline(__always)
    func value(_ word: UInt32) -> Float {
        Float(bitPattern: Float(1).bitPattern | (word & 0x8000_0000))
    }
}

/// 0/1 floats: 1 when the word is below `probability · 2^32`.
struct BernoulliKernel: WordwisePhiloxKernel {
    /// Words below this give `kept`.
    let threshold: UInt32
    /// Whether every element is kept (`probability == 1`, which `threshold` cannot express).
    let always: Bool
    /// The value of a kept element (a dropped one is 0).
    let kept: Float

    init(probability: Float, value: Float = 1) {
        always = probability >= 1
        threshold = always ? 0 : UInt32((Double(probability) * 0x1p32).rounded())
        kept = value
    }

    @inline(__always)
    func value(_ word: UInt32) -> Float {
        word < threshold || always ? kept : 0
    }
}
