/// A language-model corpus: a named list of documents in a fixed order, with deterministic
/// train / validation / test splits cut by whole documents.
///
/// The loaders (`ShakespearePlays`, `GCIDEDictionary`, `PlainTextCorpus`) give their documents
/// in a fixed order (file names sorted, or file order), so a split depends only on the files, the
/// fractions and the seed.
public struct TextCorpus: Hashable, Sendable {
    /// The corpus's name, for listings (`shakespeare`, `gcide`, or a file path).
    public var name: String
    /// The documents, in the loader's fixed order.
    public var documents: [TextDocument]

    /// A corpus from its name and documents.
    public init(name: String, documents: [TextDocument]) {
        self.name = name
        self.documents = documents
    }

    /// The total size of the documents in bytes.
    public var byteCount: Int { documents.reduce(0) { $0 + $1.bytes.count } }

    /// Train, validation and test sets of whole documents, drawn at random with `seed`:
    /// `validationFraction` and `testFraction` of the documents (rounded) go to validation and
    /// test, the rest to training; each split keeps the corpus's order. The same corpus, fractions
    /// and seed always give the same splits (`SeededSplit`), and the three are disjoint and
    /// together hold every document.
    public func splits(validationFraction: Double = 0.05, testFraction: Double = 0.05, seed: UInt64 = 0) -> CorpusSplits {
        let parts = SeededSplit.partition(
            count: documents.count, fractions: [validationFraction, testFraction], seed: seed,
            purpose: Self.splitPurpose)
        return CorpusSplits(
            train: parts[0].map { documents[$0] },
            validation: parts[1].map { documents[$0] },
            test: parts[2].map { documents[$0] })
    }

    /// `SeededSplit`'s purpose constant for corpus splits ("corpus" in ASCII), so they draw a
    /// stream unrelated to the other data sets' splits for the same seed.
    static let splitPurpose: UInt64 = 0x636F_7270_7573
}
