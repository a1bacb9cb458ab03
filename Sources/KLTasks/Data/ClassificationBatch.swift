/// A padded batch of classification examples in the layout the model takes: token ids flat,
/// row-major `batchSize × sequenceLength`, right-padded with the padding id (0), with each row's
/// real length and label alongside.
///
/// The lengths drive the key-padding mask (position `j` of row `b` is real iff
/// `j < lengths[b]`), so padding never has to be recognised from the ids themselves.
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

    /// The padding id (ListOps, byte-level text and the model all reserve 0 for padding).
    public static let paddingID = 0

    /// Pads `examples` (rows in the given order) to the longest of them, or to exactly
    /// `paddedLength` when given: longer examples are then truncated to it. `exampleIndices`
    /// defaults to `0 ..< examples.count`.
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
    }

    /// The id at `position` of row `row`.
    public subscript(row: Int, position: Int) -> Int {
        tokens[row * sequenceLength + position]
    }
}
