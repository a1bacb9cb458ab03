/// A classification task's three splits, tokenised, with what a model needs to know about them.
///
/// Every loader and generator of the library ends in one of these, so the trainer and `klt` treat
/// all tasks alike.
public struct LabeledSplits: Sendable {
    /// Training examples.
    public var train: [ClassificationExample]
    /// Validation examples (model selection).
    public var validation: [ClassificationExample]
    /// Test examples (reported once, for the selected model).
    public var test: [ClassificationExample]
    /// Token ids are in 0..<vocabularySize (0 = padding).
    public var vocabularySize: Int
    /// Labels are in 0..<classCount.
    public var classCount: Int

    /// Splits from their parts.
    public init(train: [ClassificationExample], validation: [ClassificationExample], test: [ClassificationExample],
                vocabularySize: Int, classCount: Int) {
        self.train = train
        self.validation = validation
        self.test = test
        self.vocabularySize = vocabularySize
        self.classCount = classCount
    }
}
