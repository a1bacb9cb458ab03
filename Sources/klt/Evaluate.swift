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
    @Option(help: "Examples per batch.")
    var batchSize = 32
    @OptionGroup var data: TaskOptions

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
        // The model's length is the data's; load at the paper scale's lengths and let the model's cap apply.
        var options = data
        options.maxTokens = options.maxTokens ?? contents.configuration.maxLength
        let splits = try options.load(scale: .cpu) { print($0) }
        let examples = switch split {
        case "train": splits.train
        case "validation": splits.validation
        default: splits.test
        }
        let evaluation = Trainer.evaluate(model, Batcher(examples: examples, batchSize: batchSize), limit: nil)
        let majority = Trainer.majorityBaseline(trainLabels: splits.train.map(\.label), evaluationLabels: examples.map(\.label))
        print(String(format: "%@ %@ (%d examples): accuracy %.2f%%, loss %.4f (majority-class baseline %.2f%%); kernel %@, trained %d steps",
                     data.task, split, evaluation.count, 100 * evaluation.accuracy, evaluation.loss, 100 * majority,
                     contents.configuration.kernel, contents.state.step))
    }
}
