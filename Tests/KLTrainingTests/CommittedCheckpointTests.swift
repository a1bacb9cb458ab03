import Foundation
import KLTensor
@testable import KLTraining
import KLTransformer
import Testing

/// Checkpoints written by an earlier version of the library, committed under `CheckpointFixtures/`,
/// still load into today's models and score the same: the logits of a fixed batch in evaluation and
/// the loss of one more training step (which also needs the optimizer moments and the feature maps'
/// random state) match what the writing version computed. One tiny model per named kernel and per
/// kind of grid pair (fixed source, learned spectrum, learned frequencies).
///
/// `KLT_WRITE_CHECKPOINT_FIXTURES=1 swift test --filter CommittedCheckpointTests` rewrites the
/// fixtures — only for a deliberate format change, which then needs a migration for older files.
@Suite struct CommittedCheckpointTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("CheckpointFixtures")
    static let kernels = Kernel.allCases.map(\.rawValue)
        + ["posrf-hyp+orf", "oprf+gmm", "saderf+qmc", "trigrf+fastfood-learned", "posrf+generator"]
    static let tokens = (0..<24).map { 1 + ($0 * 7 + $0 / 5) % 16 }, lengths = [12, 9], labels = [1, 3]

    static func configuration(_ kernel: String) -> EncoderConfiguration {
        var c = EncoderConfiguration.preset(.tiny, vocabularySize: 17, maxLength: 12, classes: 4, kernel: kernel)
        c.dropout = 0
        c.attentionDropout = 0
        return c
    }

    /// What a checkpoint must reproduce.
    struct Expected: Codable, Equatable {
        var evaluationLogits: [Float]
        var nextStepLoss: Float
    }

    /// The fixture's file for `kernel` with this extension ("safetensors" or "json").
    static func file(_ kernel: String, _ pathExtension: String) -> URL {
        fixtures.appendingPathComponent(kernel.map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined() + "." + pathExtension)
    }

    static func logits(_ model: SequenceClassifier) -> [Float] {
        var context = ForwardContext(training: false, seed: 11)
        return withoutGradients { model(tokens: tokens, batch: 2, length: 12, lengths: lengths, context: &context) }.scalars
    }

    /// One AdamW step on the fixed batch; its loss.
    @discardableResult
    static func trainingStep(_ model: SequenceClassifier, _ optimizer: AdamW, seed: UInt64) throws -> Float {
        var context = ForwardContext(training: true, seed: seed)
        let loss = Tensor.crossEntropy(logits: model(tokens: tokens, batch: 2, length: 12, lengths: lengths, context: &context), labels: labels)
        try loss.backward()
        optimizer.update(learningRate: 1e-2)
        return loss.item
    }

    static func settings() -> TrainingSettings {
        TrainingSettings(steps: 3, batchSize: 2, schedule: .constant(1e-2), clipNorm: nil, evaluationInterval: 3, seed: 5)
    }

    /// Trains two steps, saves, and records the evaluation logits and the third step's loss.
    static func writeFixture(_ kernel: String) throws {
        try FileManager.default.createDirectory(at: fixtures, withIntermediateDirectories: true)
        let model = try SequenceClassifier(configuration: configuration(kernel), seed: 3)
        let optimizer = AdamW(parameters: model.parameters)
        for step in 0..<2 { try trainingStep(model, optimizer, seed: UInt64(step)) }
        let state = TrainingState(step: 2, bestValidationAccuracy: 0.5, bestStep: 2, dropoutGenerator: RandomGenerator(seed: 1),
                                  featureRandomness: model.featureMaps.map(\.randomness), settings: settings())
        try Checkpoint.save(model: model, optimizer: optimizer, state: state, to: file(kernel, "safetensors"))
        let restored = try load(kernel)
        let expected = Expected(evaluationLogits: logits(restored.model), nextStepLoss: try trainingStep(restored.model, restored.optimizer, seed: 2))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try encoder.encode(expected).write(to: file(kernel, "json"), options: .atomic)
    }

    static func load(_ kernel: String) throws -> (model: SequenceClassifier, optimizer: AdamW) {
        let contents = try Checkpoint.read(from: file(kernel, "safetensors"))
        let model = try SequenceClassifier(configuration: contents.configuration, seed: 0)
        let optimizer = AdamW(parameters: model.parameters)
        try Checkpoint.restore(contents, into: model, optimizer: optimizer)
        return (model, optimizer)
    }

    @Test(arguments: kernels)
    func committedCheckpointLoadsAndScoresTheSame(kernel: String) throws {
        if ProcessInfo.processInfo.environment["KLT_WRITE_CHECKPOINT_FIXTURES"] == "1" { try Self.writeFixture(kernel) }
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: Self.file(kernel, "json")))
        let (model, optimizer) = try Self.load(kernel)
        #expect(model.configuration.kernel == kernel)
        let logits = Self.logits(model)
        #expect(logits.count == expected.evaluationLogits.count)
        for (a, b) in zip(logits, expected.evaluationLogits) {
            #expect(abs(a - b) <= 1e-4 * max(1, abs(b)), "\(kernel): logits \(logits), committed \(expected.evaluationLogits)")
        }
        let loss = try Self.trainingStep(model, optimizer, seed: 2)
        #expect(abs(loss - expected.nextStepLoss) <= 1e-4 * max(1, abs(expected.nextStepLoss)), "\(kernel): next step's loss \(loss), committed \(expected.nextStepLoss)")
    }
}
