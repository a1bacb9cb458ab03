/// The train, validation and test documents of a `TextCorpus` (see `TextCorpus.splits`).
public struct CorpusSplits: Hashable, Sendable {
    /// The documents to train on.
    public var train: [TextDocument]
    /// The documents held out for choosing hyper-parameters and early stopping.
    public var validation: [TextDocument]
    /// The documents held out for the final evaluation.
    public var test: [TextDocument]

    /// Splits from their three parts.
    public init(train: [TextDocument], validation: [TextDocument], test: [TextDocument]) {
        self.train = train
        self.validation = validation
        self.test = test
    }
}
