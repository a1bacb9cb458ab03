import KLTasks
import KLTraining

extension TaskOptions {
    /// The task's splits as the model in `contents` reads them. A model of the task's own ids reads
    /// sequences cut at its length (the data's length when it was trained). A model fine-tuned from
    /// a pre-trained encoder reads them through its stored tokeniser: the bytes are cut where
    /// training cut them (the task's default, or the `--max-tokens` given) and then re-encoded, as
    /// `klt train` did, with the tokens capped at the model's length.
    func splits(for contents: Checkpoint.Contents) throws -> LabeledSplits {
        var options = self
        guard let tokenizer = try contents.storedTokenizer() else {
            options.maxTokens = options.maxTokens ?? contents.configuration.maxLength
            return try options.load(scale: .cpu) { print($0) }
        }
        var splits = try options.load(scale: .cpu) { print($0) }.reencoded(with: tokenizer)
        let length = contents.configuration.maxLength
        func capped(_ examples: [ClassificationExample]) -> [ClassificationExample] {
            examples.map { ClassificationExample(tokens: Array($0.tokens.prefix(length)), label: $0.label,
                                                 pairedTokens: $0.pairedTokens.map { Array($0.prefix(length)) }) }
        }
        (splits.train, splits.validation, splits.test) = (capped(splits.train), capped(splits.validation), capped(splits.test))
        return splits
    }
}
