import Foundation
import KLTasks
import KLTraining
import KLTransformer

/// A checkpoint's model restored beside the examples of one split of its task, with everything
/// checked before the model is built (the task fits the model, the examples fit its lengths, the
/// batches fit in memory): what `klt eval` and `klt attack` start from.
struct CheckpointOnSplit {
    /// The checkpoint as read.
    let contents: Checkpoint.Contents
    /// The restored model.
    let model: SequenceClassifier
    /// The task's splits (the training split gives the majority-class baseline).
    let splits: LabeledSplits
    /// The examples of the chosen split.
    let examples: [ClassificationExample]

    /// Reads `checkpoint`, loads `split` ("train", "validation" or "test") of the task in `data`,
    /// and restores the model.
    init(checkpoint: String, data: TaskOptions, split: String, batchSize: Int) throws {
        contents = try Checkpoint.read(from: URL(fileURLWithPath: checkpoint))
        let configuration = contents.configuration
        splits = try data.splits(for: contents)
        examples = switch split {
        case "train": splits.train
        case "validation": splits.validation
        default: splits.test
        }
        try Evaluate.checkTask(data.trainingTask, splits: splits, fit: contents)
        try Trainer.checkExamples(examples, fit: configuration)
        let longest = examples.map { max($0.tokens.count, $0.pairedTokens?.count ?? 0) }.max() ?? 0
        try MemoryPlan(configuration: configuration, batchSize: min(batchSize, max(examples.count, 1)), length: longest,
                       training: false).check()
        model = try SequenceClassifier(configuration: configuration, seed: 0)
        try Checkpoint.restore(contents, into: model)
    }
}
