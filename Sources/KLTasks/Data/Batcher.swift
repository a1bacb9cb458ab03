import KLTensor

/// Cuts a data set into `ClassificationBatch`es: shuffled for training, in order for evaluation.
///
/// The training order of epoch `e` is a pure function of `(seed, e)`: a Philox stream with a key
/// derived from the seed and the epoch as the high half of the block counter, so epochs get
/// disjoint streams and a run resumed at epoch `e`, batch `k` reproduces exactly the batches it
/// would have seen (`shuffledBatches(epoch: e)[k...]`), with no generator state to save. Batches
/// are built only when accessed, so an epoch of long sequences never sits padded in memory.
/// Pair examples (retrieval) batch the same way: their second sequences come through in the
/// batch's `pairedTokens`, padded like the first (`paddedLength` applies to both).
public struct Batcher: Sendable {
    /// The examples batched, indexed as in the data set.
    public let examples: [ClassificationExample]
    /// Rows per batch (the last batch of an epoch may have fewer, see `dropsLastPartialBatch`).
    public let batchSize: Int
    /// The seed of the per-epoch shuffles.
    public let seed: UInt64
    /// Pad (and truncate) every batch to exactly this length; nil pads to each batch's longest example.
    public let paddedLength: Int?
    /// Whether shuffled (training) epochs leave out a final batch smaller than `batchSize`.
    /// Sequential (evaluation) batches always keep it.
    public let dropsLastPartialBatch: Bool

    /// A batcher over `examples`.
    public init(
        examples: [ClassificationExample], batchSize: Int, seed: UInt64 = 0,
        paddedLength: Int? = nil, dropsLastPartialBatch: Bool = false
    ) {
        precondition(batchSize > 0, "batchSize must be positive, got \(batchSize)")
        precondition(paddedLength.map { $0 >= 0 } ?? true, "paddedLength must not be negative")
        self.examples = examples
        self.batchSize = batchSize
        self.seed = seed
        self.paddedLength = paddedLength
        self.dropsLastPartialBatch = dropsLastPartialBatch
    }

    /// The example order of training epoch `epoch` (0-based): a permutation of the indices that
    /// depends only on `seed` and `epoch`.
    public func order(epoch: Int) -> [Int] {
        precondition(epoch >= 0, "epoch must not be negative, got \(epoch)")
        var random = RandomGenerator(state: .init(key: Self.shuffleKey(seed: seed), counterLow: 0, counterHigh: UInt64(epoch)))
        return random.permutation(examples.count)
    }

    /// The batches of training epoch `epoch`, in the shuffled order of `order(epoch:)`.
    public func shuffledBatches(epoch: Int) -> Batches {
        var order = order(epoch: epoch)
        if dropsLastPartialBatch { order.removeLast(order.count % batchSize) }
        return Batches(examples: examples, order: order, batchSize: batchSize, paddedLength: paddedLength)
    }

    /// The batches in data-set order, the last partial batch kept: for evaluation.
    public func sequentialBatches() -> Batches {
        Batches(examples: examples, order: Array(examples.indices), batchSize: batchSize, paddedLength: paddedLength)
    }

    /// The number of batches in a shuffled (training) epoch.
    public var batchesPerEpoch: Int {
        dropsLastPartialBatch ? examples.count / batchSize : (examples.count + batchSize - 1) / batchSize
    }

    /// The Philox key of the shuffles: SplitMix64's finaliser of the seed mixed with a constant,
    /// so the shuffle stream differs from a `RandomGenerator(seed: seed)` used elsewhere (say, for
    /// the weights) with the same seed.
    static func shuffleKey(seed: UInt64) -> UInt64 {
        var z = seed ^ 0x4261_7463_6865_7273   // "Batchers"
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The batches of one pass, built on access: batch `i` holds the examples at
    /// `order[i·batchSize ..< min((i+1)·batchSize, order.count)]`.
    public struct Batches: RandomAccessCollection, Sendable {
        /// The data set.
        let examples: [ClassificationExample]
        /// The example indices of the pass, in order.
        public let order: [Int]
        /// Rows per full batch.
        let batchSize: Int
        /// The fixed padded length, if any.
        let paddedLength: Int?

        /// The first batch index, 0.
        public var startIndex: Int { 0 }
        /// One past the last batch index.
        public var endIndex: Int { (order.count + batchSize - 1) / batchSize }

        /// Builds batch `index`.
        public subscript(index: Int) -> ClassificationBatch {
            precondition(index >= 0 && index < endIndex, "batch index \(index) out of range 0..<\(endIndex)")
            let indices = Array(order[(index * batchSize)..<Swift.min((index + 1) * batchSize, order.count)])
            return ClassificationBatch(
                examples: indices.lazy.map { examples[$0] }, paddedLength: paddedLength, exampleIndices: indices)
        }
    }
}
