/// A padded batch of classification examples in the layout the model takes: token ids flat,
/// row-major `batchSize × sequenceLength`, right-padded with the padding id (0), with each row's
/// real length and label alongside.
///
/// The lengths drive the key-padding mask (position `j` of row `b` is real iff
/// `j < lengths[b]`), so padding never has to be recognised from the ids themselves.
///
/// A batch of pair examples (retrieval) carries the second sequences the same way, in
/// `pairedTokens` (`batchSize × pairedSequenceLength`) with `pairedLengths`, padded by the same
/// rule as the first; for single-sequence examples those are empty and 0, so single-sequence
/// code need not know about pairs.
public struct ClassificationBatch: Hashable, Sendable {
    /// Token ids, `batchSize × sequenceLength`, row-major; positions past a row's length hold
    /// the padding id.
    public var tokens: [Int]
    /// Each row's number of real tokens (at most `sequenceLength`).
    public var lengths: [Int]
    /// Each row's class.
    public var labels: [Int]
    /// The number of rows.
    public var batchSize: Int
    /// The number of positions per row.
    public var sequenceLength: Int
    /// For each row, the index of its example in the data set it came from (for tracing and
    /// for checking that an epoch visits every example).
    public var exampleIndices: [Int]
    /// The second sequences of a pair batch, `batchSize × pairedSequenceLength`, row-major and
    /// right-padded like `tokens`; empty when no example of the batch is a pair.
    public var pairedTokens: [Int]
    /// Each row's number of real tokens in its second sequence (at most
    /// `pairedSequenceLength`); empty when no example of the batch is a pair.
    public var pairedLengths: [Int]
    /// The number of positions per row of `pairedTokens`; 0 when no example is a pair.
    public var pairedSequenceLength: Int

    /// The padding id (ListOps, byte-level text and the model all reserve 0 for padding).
    public static let paddingID = 0

    /// Pads `examples` (rows in the given order) to the longest of them, or to exactly
    /// `paddedLength` when given: longer examples are then truncated to it. `exampleIndices`
    /// defaults to `0 ..< examples.count`. When any example is a pair, the second sequences are
    /// padded (or truncated) the same way, to their own longest or to `paddedLength`; a row whose
    /// example has no second sequence then gets an empty one (length 0).
    public init(
        examples: some Collection<ClassificationExample>, paddedLength: Int? = nil, exampleIndices: [Int]? = nil
    ) {
        precondition(paddedLength.map { $0 >= 0 } ?? true, "paddedLength must not be negative")
        let batchSize = examples.count
        let sequenceLength = paddedLength ?? examples.reduce(0) { max($0, $1.tokens.count) }
        var tokens = [Int](repeating: Self.paddingID, count: batchSize * sequenceLength)
        var lengths: [Int] = []
        var labels: [Int] = []
        lengths.reserveCapacity(batchSize)
        labels.reserveCapacity(batchSize)
        tokens.withUnsafeMutableBufferPointer { out in
            for (row, example) in examples.enumerated() {
                let length = min(example.tokens.count, sequenceLength)
                example.tokens.withUnsafeBufferPointer { source in
                    for position in 0..<length { out[row * sequenceLength + position] = source[position] }
                }
                lengths.append(length)
                labels.append(example.label)
            }
        }
        self.tokens = tokens
        self.lengths = lengths
        self.labels = labels
        self.batchSize = batchSize
        self.sequenceLength = sequenceLength
        self.exampleIndices = exampleIndices ?? Array(0..<batchSize)
        precondition(self.exampleIndices.count == batchSize, "one example index per row")
        (pairedTokens, pairedLengths, pairedSequenceLength) = Self.padPairs(examples, paddedLength: paddedLength)
    }

    /// Whether the batch holds pair examples (then `pairedLengths` has one entry per row).
    public var isPaired: Bool { pairedLengths.count == batchSize && batchSize > 0 }

    /// The id at `position` of row `row`'s second sequence.
    public func pairedToken(row: Int, position: Int) -> Int {
        pairedTokens[row * pairedSequenceLength + position]
    }

    /// The padded second sequences of `examples`, or nothing when none of them is a pair.
    private static func padPairs(
        _ examples: some Collection<ClassificationExample>, paddedLength: Int?
    ) -> (tokens: [Int], lengths: [Int], sequenceLength: Int) {
        guard examples.contains(where: { $0.pairedTokens != nil }) else { return ([], [], 0) }
        let sequenceLength = paddedLength ?? examples.reduce(0) { max($0, $1.pairedTokens?.count ?? 0) }
        var tokens = [Int](repeating: paddingID, count: examples.count * sequenceLength)
        var lengths: [Int] = []
        lengths.reserveCapacity(examples.count)
        tokens.withUnsafeMutableBufferPointer { out in
            for (row, example) in examples.enumerated() {
                let paired = example.pairedTokens ?? []
                let length = min(paired.count, sequenceLength)
                paired.withUnsafeBufferPointer { source in
                    for position in 0..<length { out[row * sequenceLength + position] = source[position] }
                }
                lengths.append(length)
            }
        }
        return (tokens, lengths, sequenceLength)
    }

    /// The id at `position` of row `row`.
    public subscript(row: Int, position: Int) -> Int {
        tokens[row * sequenceLength + position]
    }
}
