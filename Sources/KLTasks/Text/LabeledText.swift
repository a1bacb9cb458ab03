/// One labelled document as read from a text data set, before tokenisation: its raw bytes, its
/// class and where it came from.
///
/// Loaders keep documents in this form when they still have work to do on them, such as pairing
/// 20 Newsgroups documents for retrieval; the source location makes every document identifiable
/// (tests check that no document falls in two splits) and traceable back to its file and line.
public struct LabeledText: Hashable, Sendable {
    /// The text's bytes, exactly as in the file (UTF-8 for every set the library reads).
    public var bytes: [UInt8]
    /// The class, in `0 ..< classCount` of the data set.
    public var label: Int
    /// The file the document came from.
    public var path: String
    /// The document's 1-based line in `path` (1 for a file that holds one document).
    public var line: Int

    /// A document from its fields.
    public init(bytes: [UInt8], label: Int, path: String, line: Int) {
        self.bytes = bytes
        self.label = label
        self.path = path
        self.line = line
    }

    /// The example a byte-level model reads: the first `maximumLength` bytes as `ByteTokenizer`
    /// ids, the label, and the byte count before truncation as `originalLength`.
    public func example(maximumLength: Int?) -> ClassificationExample {
        let (tokens, originalLength) = ByteTokenizer().encode(bytes: bytes, maximumLength: maximumLength)
        return ClassificationExample(tokens: tokens, label: label, originalLength: originalLength)
    }
}

extension Array where Element == LabeledText {
    /// A seeded 80/10/10 train/validation/test split of these texts as byte-level examples: the
    /// split the short-sentence sets use, whose files carry no split of their own. `purpose` keeps
    /// each data set's shuffle distinct for the same seed.
    func seededSplits(classCount: Int, maximumLength: Int, seed: UInt64, purpose: UInt64) -> LabeledSplits {
        let parts = SeededSplit.partition(count: count, fractions: [0.1, 0.1], seed: seed, purpose: purpose)
        func examples(_ indices: [Int]) -> [ClassificationExample] {
            indices.map { self[$0].example(maximumLength: maximumLength) }
        }
        return LabeledSplits(train: examples(parts[0]), validation: examples(parts[1]), test: examples(parts[2]),
                             vocabularySize: ByteTokenizer.vocabularySize, classCount: classCount)
    }
}
