import ArgumentParser
import Foundation
import KLTasks
import KLTensor
@testable import KLTraining
import KLTransformer
import Testing
@testable import klt

/// Values `klt` refuses with its own message (negative numbers included: they are parsed as values,
/// not taken for flags), checkpoints refused for a task they cannot read, and refused runs that
/// leave nothing behind.
@Suite struct ArgumentValidationTests {
    @Test(arguments: [
        (["train", "--steps", "-1"], "--steps must be positive, got -1"),
        (["train", "--eval-batches=-1"], "--eval-batches must be positive, got -1"),
        (["train", "--eval-batches", "-1"], "--eval-batches must be positive, got -1"),
        (["train", "--features", "0"], "--features must be in 1...1048576, got 0"),
        (["train", "--features=-5"], "--features must be in 1...1048576, got -5"),
        (["train", "--features", "-5"], "--features must be in 1...1048576, got -5"),
        (["train", "--weight-decay", "nan"], "--weight-decay must be a non-negative number, got nan"),
        (["train", "--weight-decay", "-0.5"], "--weight-decay must be a non-negative number"),
        (["train", "--batch-size", "-3"], "--batch-size must be positive, got -3"),
        (["train", "--redraw", "-2"], "--redraw must not be negative"),
        (["train", "--max-tokens", "-7"], "--max-tokens must be positive, got -7"),
        (["eval", "--checkpoint", "c", "--batch-size", "-1"], "--batch-size must be positive"),
    ])
    func ownMessagesForBadNumbers(arguments: [String], expected: String) throws {
        let message = try #require(CommandLineTests.parseError(arguments))
        #expect(message.contains(expected), "\(arguments): \(message)")
        #expect(!message.contains("Missing value"))
    }

    /// A run refused after its folder was made (here: a data folder that does not exist) leaves
    /// no empty run folder, nor the parents it created.
    @Test func aRefusedRunLeavesNoFolderBehind() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("klt-refused-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        let arguments = ["train", "--data-dir", base.appendingPathComponent("missing").path,
                         "--output-dir", base.appendingPathComponent("runs/first").path, "--quiet"]
        let command = try #require(try KLT.parseAsRoot(arguments) as? Train)
        #expect(throws: (any Error).self) { try command.run() }
        #expect(try FileManager.default.contentsOfDirectory(atPath: base.path).isEmpty)
    }

    @Test func aCheckpointIsRefusedForATaskItCannotRead() throws {
        let configuration = EncoderConfiguration.preset(.tiny, vocabularySize: ListOpsTokenizer.vocabularySize, maxLength: 32,
                                                        classes: 10)
        let model = try SequenceClassifier(configuration: configuration, seed: 1)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("klt-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("best.safetensors")
        let settings = TrainingSettings(steps: 1, batchSize: 1, schedule: .constant(1e-3), evaluationInterval: 1, seed: 1)
        let state = TrainingState(step: 1, bestValidationAccuracy: 0.5, bestStep: 1, dropoutGenerator: RandomGenerator(seed: 1),
                                  featureRandomness: model.featureMaps.map(\.randomness), settings: settings)
        try Checkpoint.save(model: model, optimizer: nil, state: state, to: url)
        try RunRecord(arguments: [], task: "listops", kernel: "GMM-PRF", seed: 1, preset: "tiny", threads: 1, backend: "",
                      configuration: configuration, settings: settings).write(to: directory)
        let contents = try Checkpoint.read(from: url)
        func refusal(_ task: TrainingTask, vocabulary: Int, classes: Int) -> String? {
            do {
                try Evaluate.checkTask(task, splits: LabeledSplits(train: [], validation: [], test: [], vocabularySize: vocabulary,
                                                                   classCount: classes), fit: contents)
                return nil
            } catch {
                return "\(error)"
            }
        }
        let image = refusal(.image, vocabulary: 257, classes: 10)
        #expect(image?.contains("trained on task listops") == true && image?.contains("0..<\(ListOpsTokenizer.vocabularySize)") == true
                && image?.contains("task image has token ids 0..<257") == true && image?.contains("--task listops") == true, "\(image ?? "accepted")")
        #expect(refusal(.trec, vocabulary: ListOpsTokenizer.vocabularySize, classes: 6)?.contains("has 10 classes, but task trec has 6") == true)
        #expect(refusal(.retrieval, vocabulary: ListOpsTokenizer.vocabularySize, classes: 10)?.contains("pairs") == true)
        #expect(refusal(.listOps, vocabulary: ListOpsTokenizer.vocabularySize, classes: 10) == nil)
    }
}
