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
    @Option(help: "Directory with LRA-format TSV files (default: the generated set the run trained on, from the cache).")
    var dataDir: String?
    @Option(help: "Where generated data sets are cached.")
    var cacheDir: String?
    @Option(help: "Examples per batch.")
    var batchSize = 32
    @OptionGroup(title: "Generated ListOps (when --data-dir is not given)") var generation: ListOpsGenerationOptions

    func validate() throws {
        guard ["train", "validation", "test"].contains(split) else {
            throw ValidationError("unknown --split '\(split)'; available: train, validation, test")
        }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
    }

    func run() throws {
        let url = URL(fileURLWithPath: checkpoint)
        let contents = try Checkpoint.read(from: url)
        let model = try SequenceClassifier(configuration: contents.configuration, seed: 0)
        try Checkpoint.restore(contents, into: model)
        let directory = dataDir.map { URL(fileURLWithPath: $0) } ?? ListOpsCache.directory(for: generation.configuration, root: cacheDir)
        let splits = try ListOpsDataset.splits(in: directory, maximumLength: contents.configuration.maxLength)
        let examples = switch split {
        case "train": splits.train.examples
        case "validation": splits.validation.examples
        default: splits.test.examples
        }
        let evaluation = Trainer.evaluate(model, Batcher(examples: examples, batchSize: batchSize), limit: nil)
        let majority = Trainer.majorityBaseline(trainLabels: splits.train.examples.map(\.label), evaluationLabels: examples.map(\.label))
        print(String(format: "%@ (%d examples from %@): accuracy %.2f%%, loss %.4f (majority-class baseline %.2f%%); kernel %@, trained %d steps",
                     split, evaluation.count, directory.path, 100 * evaluation.accuracy, evaluation.loss, 100 * majority,
                     contents.configuration.kernel, contents.state.step))
    }
}
