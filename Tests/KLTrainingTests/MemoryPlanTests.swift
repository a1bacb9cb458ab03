import Foundation
import KLTasks
import KLTensor
import Testing
@testable import KLTraining
@testable import KLTransformer

/// The memory plan of a run: runs that cannot fit are refused before training with the estimate and
/// what to change; the runs the README shows are not.
@Suite struct MemoryPlanTests {
    static let eightGB = 8_000_000_000

    /// The cpu-preset model `klt train --task task` builds for the task's default length.
    static func cpuConfiguration(_ task: TrainingTask, kernel: Kernel = .gmmPRF) -> (EncoderConfiguration, length: Int) {
        let vocabulary = task == .listOps ? ListOpsTokenizer.vocabularySize : 257
        let classes = [TrainingTask.listOps: 10, .image: 10, .fashionMNIST: 10, .newsgroups: 20, .trec: 6][task] ?? 2
        let length = task.defaultMaximumLength(scale: .cpu)
        let splits = LabeledSplits(train: [], validation: [], test: [], vocabularySize: vocabulary, classCount: classes)
        return (task.modelConfiguration(scale: .cpu, splits: splits, maxLength: length, kernel: kernel.rawValue), length)
    }

    /// The README's default run and every row of its task table (cpu preset, GMM-PRF, batch 32, each
    /// task's default length) fit in 8 GB; so does the default run with every linear kernel.
    @Test func theREADMERunsFit() throws {
        for task in TrainingTask.allCases {
            let (configuration, length) = Self.cpuConfiguration(task)
            try configuration.validate()
            let plan = MemoryPlan(configuration: configuration, batchSize: 32, length: length, training: true, availableBytes: Self.eightGB)
            #expect(throws: Never.self, "\(task.rawValue): \(plan.totalBytes) bytes") { try plan.check() }
        }
        for kernel in Kernel.allCases {
            let (configuration, _) = Self.cpuConfiguration(.listOps, kernel: kernel)
            // The generated ListOps of the default run: up to 199 tokens.
            let plan = MemoryPlan(configuration: configuration, batchSize: 32, length: 199, training: true, availableBytes: Self.eightGB)
            #expect(throws: Never.self, "\(kernel.rawValue): \(plan.totalBytes) bytes") { try plan.check() }
        }
    }

    @Test func softmaxOnLongInputsIsRefusedWithTheEstimateAndTheRemedy() throws {
        let (configuration, _) = Self.cpuConfiguration(.listOps, kernel: .softmax)
        var long = configuration
        long.maxLength = 16_384
        let plan = MemoryPlan(configuration: long, batchSize: 32, length: 16_384, training: true, availableBytes: 128 << 30)
        // At least the 137 GB of one layer's score matrix.
        #expect(plan.activationBytes > 137_000_000_000)
        #expect {
            try plan.check()
        } throws: { error in
            let message = "\(error)"
            return message.contains("TB") && message.contains("linear-time kernel") && message.contains("16385²")
        }
        // The same inputs with a linear kernel fit.
        var linear = long
        linear.kernel = Kernel.gmmPRF.rawValue
        #expect(throws: Never.self) {
            try MemoryPlan(configuration: linear, batchSize: 32, length: 16_384, training: true, availableBytes: 128 << 30).check()
        }
    }

    @Test func hugeBatchesAreRefusedWithTheLargestThatFits() throws {
        let (configuration, _) = Self.cpuConfiguration(.listOps)
        let plan = MemoryPlan(configuration: configuration, batchSize: 1_000_000, length: 2000, training: true, availableBytes: Self.eightGB)
        let fits = plan.largestBatchThatFits
        #expect(fits > 32 && fits < 1_000_000)
        #expect { try plan.check() } throws: { "\($0)".contains("at most \(fits) fits") }
        #expect(throws: Never.self) {
            try MemoryPlan(configuration: configuration, batchSize: fits, length: 2000, training: true, availableBytes: Self.eightGB).check()
        }
    }

    @Test func theTrainerRefusesARunThatCannotFit() throws {
        var configuration = EncoderConfiguration.preset(.tiny, vocabularySize: 10, maxLength: 16_384, classes: 3, kernel: Kernel.softmax.rawValue)
        configuration.dropout = 0
        let long = (0..<128).map { ClassificationExample(tokens: [Int](repeating: 1 + $0 % 9, count: 16_384), label: $0 % 3) }
        let settings = TrainingSettings(steps: 1, batchSize: 128, schedule: .constant(1e-3), evaluationInterval: 1, seed: 1)
        #expect {
            try Trainer(model: try SequenceClassifier(configuration: configuration, seed: 1), train: long, validation: long, test: nil,
                        settings: settings, runDirectory: TrainerTests.temporaryDirectory(), progress: ProgressReporter(enabled: false))
        } throws: { error in
            guard case TrainingError.insufficientMemory(let message) = error else { return false }
            return message.contains("linear-time kernel")
        }
    }
}
