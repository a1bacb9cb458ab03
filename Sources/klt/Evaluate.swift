import ArgumentParser
import Foundation
import KLTasks
import KLTraining
import KLTransformer

/// `klt eval`: load a checkpoint and report its loss and accuracy on a split.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Evaluate a checkpoint on a data split.")

    @Option(help: "Checkpoint file (.safetensors) written by `klt train`.")
    var checkpoint: String
    @Option(help: "Split: train, validation or test.")
    var split = "test"
    @Option(parsing: .unconditional, help: "Examples per batch.")
    var batchSize = 32
    @OptionGroup var data: TaskOptions

    func validate() throws {
        guard ["train", "validation", "test"].contains(split) else {
            throw ValidationError("unknown --split '\(split)'; available: train, validation, test")
        }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
    }

    func run() throws {
        let loaded = try CheckpointOnSplit(checkpoint: checkpoint, data: data, split: split, batchSize: batchSize)
        let (model, examples, splits, contents) = (loaded.model, loaded.examples, loaded.splits, loaded.contents)
        let configuration = contents.configuration
        let evaluation = Trainer.evaluate(model, Batcher(examples: examples, batchSize: batchSize), limit: nil)
        let majority = Trainer.majorityBaseline(trainLabels: splits.train.map(\.label), evaluationLabels: examples.map(\.label))
        print(String(format: "%@ %@ (%d examples): accuracy %.2f%%, loss %.4f (majority-class baseline %.2f%%); kernel %@, trained %d steps",
                     data.task, split, evaluation.count, 100 * evaluation.accuracy, evaluation.loss, 100 * majority,
                     configuration.kernel, contents.state.step))
    }

    /// Refuses a task whose data the checkpoint's model cannot read: token ids beyond its vocabulary,
    /// another number of classes, or pairs for a single-sequence model (and the reverse). The message
    /// gives both sizes and both tasks (the checkpoint's from the `run.json` beside it, when there is one).
    static func checkTask(_ task: TrainingTask, splits: LabeledSplits, fit contents: Checkpoint.Contents) throws {
        let configuration = contents.configuration
        let record = try? RunRecord.read(from: contents.url.deletingLastPathComponent())
        let trainedOn = record.flatMap { $0.configuration == configuration ? $0.task : nil }
        let origin = "\(contents.url.path) (\(trainedOn.map { "trained on task \($0)" } ?? "a model") with kernel \(configuration.kernel))"
        let advice = trainedOn.map { " Evaluate it with --task \($0) (and the same data options)." } ?? " Evaluate it on the task it was trained on."
        if splits.vocabularySize > configuration.vocabularySize {
            throw TrainingError.incompatibleCheckpoint("\(origin) reads token ids 0..<\(configuration.vocabularySize), but task \(task.rawValue) has token ids 0..<\(splits.vocabularySize).\(advice)")
        }
        if splits.classCount != configuration.classes {
            throw TrainingError.incompatibleCheckpoint("\(origin) has \(configuration.classes) classes, but task \(task.rawValue) has \(splits.classCount).\(advice)")
        }
        if task.isPairTask != configuration.pairInputs {
            throw TrainingError.incompatibleCheckpoint("\(origin) classifies \(configuration.pairInputs ? "pairs of sequences" : "single sequences"), but task \(task.rawValue) has \(task.isPairTask ? "pairs" : "single sequences").\(advice)")
        }
    }
}
