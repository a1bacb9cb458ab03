import Foundation
import KLTensor

/// Document-pair matching built from 20 Newsgroups: the offline stand-in for LRA's Retrieval
/// (AAN) task. A pair is labelled 1 when both documents come from the same newsgroup, 0 when they
/// come from different ones.
///
/// ## How pairs are drawn
/// - Documents: the training file's documents, split (seeded) into a training pool and a
///   validation pool of `validationFraction` (the same hold-out as `NewsgroupsDataset` with the
///   same seed); the test file's documents are the test pool. Pairs are drawn inside one pool,
///   so **no document appears in two splits**.
/// - Count: `pairsPerDocument` × the pool's size, rounded down to an even number, **half
///   positive and half negative**.
/// - Each pair starts from an anchor document. Anchors are taken in turn from a seeded
///   permutation of the pool (a fresh one whenever it runs out), so every document anchors about
///   `pairsPerDocument` pairs. A positive pair adds a uniformly drawn *other* document of the
///   anchor's group (anchors alone in their group are skipped); a negative pair adds a uniformly
///   drawn document of any other group. Which of the two comes first is a coin flip. A pair
///   already drawn (in either order) is drawn again, so pairs are distinct.
/// - The positives are drawn first, then the negatives, then the list is shuffled.
/// Everything is a pure function of the files and `seed` (a Philox stream per split), so the
/// splits are reproducible. Each document is byte-tokenised and cut to `maximumLength` tokens
/// (4,000 by default, LRA's per-document length); `tokens` is the first document, `pairedTokens`
/// the second, the original lengths count all their bytes.
public enum NewsgroupPairs {
    /// One pair of documents and its label.
    public struct Pair: Hashable, Sendable {
        /// The document the model reads first.
        public var first: LabeledText
        /// The document the model reads second.
        public var second: LabeledText
        /// 1 when both documents are from the same group, else 0.
        public var label: Int

        /// A pair from its parts.
        public init(first: LabeledText, second: LabeledText, label: Int) {
            self.first = first
            self.second = second
            self.label = label
        }

        /// The pair example: both documents byte-tokenised and truncated to `maximumLength`.
        public func example(maximumLength: Int?) -> ClassificationExample {
            let tokenizer = ByteTokenizer()
            let one = tokenizer.encode(bytes: first.bytes, maximumLength: maximumLength)
            let two = tokenizer.encode(bytes: second.bytes, maximumLength: maximumLength)
            return ClassificationExample(
                tokens: one.tokens, label: label, originalLength: one.originalLength,
                pairedTokens: two.tokens, pairedOriginalLength: two.originalLength)
        }
    }

    /// The number of classes (different groups, same group).
    public static let classCount = 2
    /// The constant mixed into the seed for the pair draws.
    static let pairPurpose: UInt64 = 0x3230_4E47_5061_6972   // "20NGPair"

    /// Reads `20newsgroups-{train,test}.tab` from `directory` (or one level below it) and builds
    /// the pair splits described in the type's documentation.
    public static func make(
        from directory: URL, maximumLength: Int = ByteTextLength.retrievalDocument,
        validationFraction: Double = NewsgroupsDataset.defaultValidationFraction,
        pairsPerDocument: Int = 1, seed: UInt64 = 0
    ) throws -> LabeledSplits {
        try make(from: NewsgroupsCorpus(directory: directory), maximumLength: maximumLength,
                 validationFraction: validationFraction, pairsPerDocument: pairsPerDocument, seed: seed)
    }

    /// Builds the pair splits from an already-read corpus.
    public static func make(
        from corpus: NewsgroupsCorpus, maximumLength: Int = ByteTextLength.retrievalDocument,
        validationFraction: Double = NewsgroupsDataset.defaultValidationFraction,
        pairsPerDocument: Int = 1, seed: UInt64 = 0
    ) throws -> LabeledSplits {
        try TextParameters.check(maximumLength: maximumLength)
        let pairs = try pairSplits(of: corpus, validationFraction: validationFraction, pairsPerDocument: pairsPerDocument, seed: seed)
        return LabeledSplits(
            train: pairs.train.map { $0.example(maximumLength: maximumLength) },
            validation: pairs.validation.map { $0.example(maximumLength: maximumLength) },
            test: pairs.test.map { $0.example(maximumLength: maximumLength) },
            vocabularySize: ByteTokenizer.vocabularySize, classCount: classCount)
    }

    /// The pairs of the three splits, untokenised (for inspection and for tests: each document
    /// keeps its file and line).
    public static func pairSplits(
        of corpus: NewsgroupsCorpus, validationFraction: Double = NewsgroupsDataset.defaultValidationFraction,
        pairsPerDocument: Int = 1, seed: UInt64 = 0
    ) throws -> (train: [Pair], validation: [Pair], test: [Pair]) {
        try TextParameters.check(fractions: [("validationFraction", validationFraction)])
        guard pairsPerDocument > 0 else {
            throw DataError.invalidConfiguration("pairsPerDocument must be positive, got \(pairsPerDocument)")
        }
        let (train, validation) = NewsgroupsDataset.heldOut(corpus.train, fraction: validationFraction, seed: seed)
        let key = SeededSplit.key(seed: seed, purpose: pairPurpose)
        func draw(_ pool: [LabeledText], stream: UInt64, name: String) throws -> [Pair] {
            var random = RandomGenerator(state: .init(key: key, counterLow: 0, counterHigh: stream))
            let count = pool.count * pairsPerDocument / 2 * 2
            return try pairs(of: pool, count: count, using: &random, poolName: name)
        }
        return (try draw(train, stream: 0, name: "training"),
                try draw(validation, stream: 1, name: "validation"),
                try draw(corpus.test, stream: 2, name: "test"))
    }

    /// `count` distinct pairs (`count` even) from `pool`, half positive and half negative, drawn
    /// as the type's documentation describes; none from an empty pool (a validation fraction of
    /// 0). Throws `DataError.invalidConfiguration` when a non-empty pool cannot give at least one
    /// pair of each kind, or that many distinct pairs of each kind (say, fewer than two groups).
    static func pairs(
        of pool: [LabeledText], count: Int, using random: inout RandomGenerator, poolName: String
    ) throws -> [Pair] {
        let half = count / 2
        if pool.isEmpty { return [] }
        guard half > 0 else {
            throw DataError.invalidConfiguration("the \(poolName) pool has \(pool.count) document(s), too few to pair; hold out more documents")
        }
        var members: [Int: [Int]] = [:]
        for (index, document) in pool.enumerated() { members[document.label, default: []].append(index) }
        let sizes = members.values.map(\.count)
        let possiblePositives = sizes.reduce(0) { $0 + $1 * ($1 - 1) / 2 }
        let possibleNegatives = (pool.count * pool.count - sizes.reduce(0) { $0 + $1 * $1 }) / 2
        guard possiblePositives >= half, possibleNegatives >= half else {
            throw DataError.invalidConfiguration(
                "the \(poolName) pool (\(pool.count) documents in \(members.count) groups) allows \(possiblePositives) distinct same-group and \(possibleNegatives) different-group pairs; \(half) of each were asked for")
        }

        var anchors: [Int] = []
        var nextAnchor = 0
        func anchor(_ random: inout RandomGenerator) -> Int {
            if nextAnchor == anchors.count {
                anchors = random.permutation(pool.count)
                nextAnchor = 0
            }
            defer { nextAnchor += 1 }
            return anchors[nextAnchor]
        }

        var drawn = Set<Int>()
        var pairs: [Pair] = []
        pairs.reserveCapacity(count)
        // A draw limit far above what any feasible request needs, so a pathological pool stops
        // with an error rather than looping.
        let drawLimit = 1000 * count + 100_000
        var draws = 0
        for positive in [true, false] {
            var made = 0
            while made < half {
                draws += 1
                guard draws <= drawLimit else {
                    throw DataError.generationStalled(accepted: pairs.count, requested: count, draws: draws)
                }
                let a = anchor(&random)
                let b: Int
                if positive {
                    let group = members[pool[a].label] ?? []
                    guard group.count > 1 else { continue }
                    let pick = group[random.nextInt(below: group.count - 1)]
                    b = pick == a ? group[group.count - 1] : pick
                } else {
                    let pick = random.nextInt(below: pool.count)
                    guard pool[pick].label != pool[a].label else { continue }
                    b = pick
                }
                guard drawn.insert(Swift.min(a, b) * pool.count + Swift.max(a, b)).inserted else { continue }
                let (first, second) = random.nextInt(below: 2) == 0 ? (a, b) : (b, a)
                pairs.append(Pair(first: pool[first], second: pool[second], label: positive ? 1 : 0))
                made += 1
            }
        }
        random.shuffle(&pairs)
        return pairs
    }
}
