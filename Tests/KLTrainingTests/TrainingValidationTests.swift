import Foundation
import KLTasks
import KLTensor
import Testing
@testable import KLTraining
@testable import KLTransformer

/// Settings, examples and run folders are checked before training, with messages naming the value.
@Suite struct TrainingValidationTests {
    static func settings(_ change: (inout TrainingSettings) -> Void) -> TrainingSettings {
        var settings = TrainerTests.settings(steps: 4, evaluationInterval: 2)
        change(&settings)
        return settings
    }

    @Test func outOfRangeSettingsAreRefusedByName() {
        let cases: [(TrainingSettings, String)] = [
            (Self.settings { $0.optimizer.weightDecay = .nan }, "weight decay"),
            (Self.settings { $0.optimizer.weightDecay = -1 }, "weight decay"),
            (Self.settings { $0.evaluationBatches = -1 }, "evaluation batches"),
            (Self.settings { $0.optimizer.beta1 = 1 }, "betas"),
            (Self.settings { $0.optimizer.epsilon = 0 }, "epsilon"),
            (Self.settings { $0.schedule = .constant(.infinity) }, "learning-rate schedule"),
            (Self.settings { $0.schedule = .warmupRsqrt(base: 1, warmup: -3) }, "learning-rate schedule"),
            (Self.settings { $0.clipNorm = .nan }, "clip norm"),
        ]
        for (settings, expected) in cases {
            #expect { try settings.validate() } throws: { "\($0)".contains(expected) }
        }
        #expect(throws: Never.self) { try Self.settings { _ in }.validate() }
    }

    @Test func aNegativeEvaluationLimitEvaluatesNothing() throws {
        let model = try SequenceClassifier(configuration: TrainerTests.configuration(), seed: 1)
        let batcher = Batcher(examples: TrainerTests.examples(8, seed: 2), batchSize: 4)
        #expect(Trainer.evaluate(model, batcher, limit: -1).count == 0)
        #expect(Trainer.evaluate(model, batcher, limit: 1).count == 4)
    }

    @Test func examplesTheModelCannotReadAreRefused() throws {
        let configuration = TrainerTests.configuration()   // vocabulary 10, 12 tokens, 3 classes
        let cases: [(ClassificationExample, String)] = [
            (ClassificationExample(tokens: [1, 2, 300], label: 0), "token id 300"),
            (ClassificationExample(tokens: [1, -2], label: 0), "token id -2"),
            (ClassificationExample(tokens: [1, 2], label: 5), "label 5"),
            (ClassificationExample(tokens: [Int](repeating: 1, count: 13), label: 0), "13 tokens"),
        ]
        for (example, expected) in cases {
            #expect { try Trainer.checkExamples([example], fit: configuration) } throws: { "\($0)".contains(expected) }
        }
        #expect(throws: Never.self) { try Trainer.checkExamples(TrainerTests.examples(8, seed: 3), fit: configuration) }
    }

    @Test func unusableRunFoldersAreRefusedWithTheSystemsReason() throws {
        let base = TrainerTests.temporaryDirectory()
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        let file = base.appendingPathComponent("file")
        try Data("x".utf8).write(to: file)
        for target in [file, file.appendingPathComponent("run/deeper")] {
            #expect {
                try RunDirectory.prepare(target, resume: false, overwrite: false)
            } throws: { error in
                let message = "\(error)"
                return message.contains(file.path + " is a file, not a folder") && !message.contains("NSCocoaErrorDomain")
            }
        }
        try RunDirectory.prepare(base.appendingPathComponent("a/b/c"), resume: false, overwrite: false)
        #expect(FileManager.default.fileExists(atPath: base.appendingPathComponent("a/b/c").path))
    }
}
