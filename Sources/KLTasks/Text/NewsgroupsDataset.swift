import Foundation

/// 20 Newsgroups as a byte-level, 20-way document classification task: the offline stand-in for
/// LRA's Text task (IMDb, which no package ships).
///
/// Tokens are `ByteTokenizer` ids (vocabulary 257), truncated to `maximumLength` (LRA's presets
/// are `ByteTextLength.lraCode` = 1,000 and `.lraPaper` = 4,000). The files have no validation
/// set, so a seeded `validationFraction` (10% by default) of the training file is held out (the
/// same documents for the same seed and file, whatever `maximumLength`); the test split is the
/// test file. Each split keeps file order.
public enum NewsgroupsDataset {
    /// The number of classes.
    public static let classCount = 20
    /// The share of the training file held out for validation by default.
    public static let defaultValidationFraction = 0.1
    /// The constant mixed into the seed for the validation hold-out (`NewsgroupPairs` uses the
    /// same hold-out, so a seed gives the same validation documents to both tasks).
    static let holdOutPurpose: UInt64 = 0x3230_4E47_5661_6C69   // "20NGVali"

    /// Reads `20newsgroups-train.tab` and `20newsgroups-test.tab` from `directory` (or one level
    /// below it) and tokenises them; see the type's documentation for the splits. Throws a
    /// `DataError` or `TextDataError` naming the file and line of the first problem.
    public static func load(
        from directory: URL, maximumLength: Int = ByteTextLength.lraCode,
        validationFraction: Double = defaultValidationFraction, seed: UInt64 = 0
    ) throws -> LabeledSplits {
        try TextParameters.check(maximumLength: maximumLength)
        try TextParameters.check(fractions: [("validationFraction", validationFraction)])
        return try splits(of: NewsgroupsCorpus(directory: directory), maximumLength: maximumLength,
                          validationFraction: validationFraction, seed: seed)
    }

    /// Tokenises an already-read corpus (see `load(from:maximumLength:validationFraction:seed:)`).
    /// The class count is the corpus's number of categories (20 for the real files).
    public static func splits(
        of corpus: NewsgroupsCorpus, maximumLength: Int = ByteTextLength.lraCode,
        validationFraction: Double = defaultValidationFraction, seed: UInt64 = 0
    ) throws -> LabeledSplits {
        try TextParameters.check(maximumLength: maximumLength)
        try TextParameters.check(fractions: [("validationFraction", validationFraction)])
        let (train, validation) = heldOut(corpus.train, fraction: validationFraction, seed: seed)
        return LabeledSplits(
            train: train.map { $0.example(maximumLength: maximumLength) },
            validation: validation.map { $0.example(maximumLength: maximumLength) },
            test: corpus.test.map { $0.example(maximumLength: maximumLength) },
            vocabularySize: ByteTokenizer.vocabularySize, classCount: corpus.categories.count)
    }

    /// Splits the training documents into those kept for training and a seeded `fraction` held
    /// out for validation, each in file order.
    static func heldOut(
        _ documents: [LabeledText], fraction: Double, seed: UInt64
    ) -> (train: [LabeledText], validation: [LabeledText]) {
        let parts = SeededSplit.partition(count: documents.count, fractions: [fraction], seed: seed, purpose: holdOutPurpose)
        return (parts[0].map { documents[$0] }, parts[1].map { documents[$0] })
    }
}
