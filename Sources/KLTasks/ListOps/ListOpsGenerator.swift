import KLTensor

/// Generates ListOps data with LRA's sampler (`lra_benchmarks/data/listops.py`, data spec §2),
/// seeded with our Philox `RandomGenerator` so a seed always gives the same data.
///
/// The distribution is LRA's: `gen(depth)` draws `r ~ U[0, 1)` while `depth < maxDepth`
/// (`r = 1` at the last level); `r > 0.25` makes a leaf with a uniform digit, otherwise
/// `n ~ U{2 … maxArguments}` arguments are generated in order and only then is the operator
/// drawn uniformly from `ListOpsOperator.allCases`. Trees come from `gen(1)`; one is kept only if
/// `minLength < length < maxLength` (strict) and its serialisation has not been kept before.
/// The random draws happen in LRA's order, one `RandomGenerator` call per Python `random` call:
/// `nextDouble()` for `random.random()`, `nextInt(below:)` for `choice`/`randint`.
///
/// LRA then iterates a Python set, whose order is effectively random, and cuts it into splits.
/// We keep the deduplicated examples in generation order, shuffle them with the same generator
/// (continuing its stream), and cut train, validation and test in that order.
public struct ListOpsGenerator: Sendable {
    /// The generator's parameters; the defaults are LRA's release flags.
    public struct Configuration: Hashable, Sendable, Codable {
        /// The deepest level at which an operation may appear (LRA `max_depth`, 10): at this depth
        /// every node is a leaf.
        public var maxDepth: Int
        /// The most arguments an operation takes (LRA `max_args`, 10); the fewest is 2.
        public var maxArguments: Int
        /// Kept trees are strictly longer than this (LRA `min_length`, 500).
        public var minLength: Int
        /// Kept trees are strictly shorter than this (LRA `max_length`, 2000).
        public var maxLength: Int
        /// Training examples (LRA 96,000).
        public var trainCount: Int
        /// Validation examples (LRA 2,000).
        public var validationCount: Int
        /// Test examples (LRA 2,000).
        public var testCount: Int
        /// The seed of the `RandomGenerator` that drives sampling and the split shuffle.
        public var seed: UInt64

        /// A configuration; every default is LRA's release value (seed 0 is ours: LRA was unseeded).
        public init(
            maxDepth: Int = 10, maxArguments: Int = 10, minLength: Int = 500, maxLength: Int = 2000,
            trainCount: Int = 96_000, validationCount: Int = 2_000, testCount: Int = 2_000, seed: UInt64 = 0
        ) {
            self.maxDepth = maxDepth
            self.maxArguments = maxArguments
            self.minLength = minLength
            self.maxLength = maxLength
            self.trainCount = trainCount
            self.validationCount = validationCount
            self.testCount = testCount
            self.seed = seed
        }

        /// The total number of examples asked for.
        public var totalCount: Int { trainCount + validationCount + testCount }

        /// Throws `DataError.invalidConfiguration` unless the parameters can produce examples.
        public func validate() throws {
            func fail(_ message: String) throws -> Never { throw DataError.invalidConfiguration(message) }
            if maxDepth < 1 { try fail("maxDepth must be at least 1, got \(maxDepth)") }
            if maxArguments < 2 { try fail("maxArguments must be at least 2, got \(maxArguments)") }
            if minLength < 0 { try fail("minLength must not be negative, got \(minLength)") }
            if maxLength - minLength < 2 {
                try fail("the window minLength < length < maxLength is empty (\(minLength), \(maxLength))")
            }
            if trainCount < 0 || validationCount < 0 || testCount < 0 {
                try fail("example counts must not be negative (\(trainCount), \(validationCount), \(testCount))")
            }
        }
    }

    /// LRA's `VALUE_P`: a node at depth below `maxDepth` is a leaf when `r > valueProbability`.
    public static let valueProbability = 0.25

    /// Consecutive draws without a new example after which `generate()` gives up.
    public static let stallLimit = 2_000_000

    /// The parameters.
    public let configuration: Configuration

    /// A generator with the given parameters.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Draws one tree with LRA's `gen(1)`, advancing `random`; no window or duplicate filter.
    public func sampleTree(using random: inout RandomGenerator) -> ListOpsTree {
        var codes: [UInt8] = []
        sample(depth: 1, into: &codes, using: &random)
        return ListOpsTree(codes: codes)
    }

    /// Whether `length` lies strictly inside the configured window.
    public func accepts(length: Int) -> Bool {
        configuration.minLength < length && length < configuration.maxLength
    }

    /// Generates the deduplicated examples in generation order, exactly `count` of them, and
    /// reports how many trees were drawn. Throws `DataError.generationStalled` when
    /// `stallLimit` consecutive draws bring nothing new.
    public func generateExamples(
        count: Int, using random: inout RandomGenerator, stallLimit: Int = ListOpsGenerator.stallLimit
    ) throws -> (examples: [ListOpsExample], draws: Int) {
        try configuration.validate()
        var examples: [ListOpsExample] = []
        examples.reserveCapacity(count)
        var seen = Set<String>(minimumCapacity: count)
        var codes: [UInt8] = []
        codes.reserveCapacity(4 * configuration.maxLength)
        var draws = 0
        var drawsSinceNew = 0
        while examples.count < count {
            codes.removeAll(keepingCapacity: true)
            let complete = sample(depth: 1, into: &codes, using: &random, limit: configuration.maxLength)
            draws += 1
            drawsSinceNew += 1
            if complete && accepts(length: codes.count) {
                let tree = ListOpsTree(codes: codes)
                let source = tree.source
                if seen.insert(source).inserted {
                    examples.append(ListOpsExample(source: source, label: tree.value, length: codes.count))
                    drawsSinceNew = 0
                    continue
                }
            }
            if drawsSinceNew >= stallLimit {
                throw DataError.generationStalled(accepted: examples.count, requested: count, draws: drawsSinceNew)
            }
        }
        return (examples, draws)
    }

    /// Generates the whole data set: `totalCount` distinct examples from a generator seeded with
    /// `seed`, shuffled (with the same generator) and cut into train, validation and test.
    public func generate() throws -> ListOpsSplits {
        var random = RandomGenerator(seed: configuration.seed)
        var examples = try generateExamples(count: configuration.totalCount, using: &random).examples
        random.shuffle(&examples)
        let trainEnd = configuration.trainCount
        let validationEnd = trainEnd + configuration.validationCount
        return ListOpsSplits(
            train: Array(examples[..<trainEnd]),
            validation: Array(examples[trainEnd..<validationEnd]),
            test: Array(examples[validationEnd...]))
    }

    /// LRA's `gen(depth)`, appending the subtree's prefix codes to `codes`. The operator's slot is
    /// reserved before the arguments and filled after them, because LRA draws the operator last.
    /// Recursion is at most `maxDepth` deep.
    ///
    /// With a `limit`, the draw is abandoned (returns false, leaving `codes` incomplete) as soon as
    /// `codes` holds `limit` tokens: the finished tree could only be longer, so it would be
    /// rejected anyway. Each draw uses fresh randomness, so skipping the rest of a doomed draw
    /// leaves the distribution of kept trees exactly as LRA's; it only saves the time of building
    /// large rejected trees.
    @discardableResult
    private func sample(
        depth: Int, into codes: inout [UInt8], using random: inout RandomGenerator, limit: Int = .max
    ) -> Bool {
        let r = depth < configuration.maxDepth ? random.nextDouble() : 1
        if r > Self.valueProbability {
            codes.append(UInt8(random.nextInt(below: 10)))
            return codes.count < limit
        }
        let argumentCount = 2 + random.nextInt(below: configuration.maxArguments - 1)
        let operatorSlot = codes.count
        codes.append(0)
        for _ in 0..<argumentCount {
            guard sample(depth: depth + 1, into: &codes, using: &random, limit: limit) else { return false }
        }
        let operation = ListOpsOperator.allCases[random.nextInt(below: ListOpsOperator.allCases.count)]
        codes[operatorSlot] = ListOpsTree.operatorBase + UInt8(operation.rawValue)
        codes.append(ListOpsTree.closeCode)
        return codes.count < limit
    }
}
