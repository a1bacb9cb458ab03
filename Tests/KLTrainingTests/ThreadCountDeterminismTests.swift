import Foundation
import KLTasks
import KLTensor
import Testing
@testable import KLTraining
@testable import KLTransformer

/// The same seed trains to bit-identical losses at 1, 2 and 4 threads (`Parallel.threadCount`): work
/// is split by sizes only, and no reduction is split across threads.
@Suite(.serialized) struct ThreadCountDeterminismTests {
    /// Sequences long enough (and a model wide enough) that the products and element-wise loops are
    /// above the thresholds at which `GEMM` and `Parallel` split work across threads (a batch of 16
    /// × 65…97 positions: the FFN products are 34–51 MFLOP, above `GEMM.minimumParallelFlops`).
    static func examples(_ count: Int, seed: UInt64) -> [ClassificationExample] {
        var generator = RandomGenerator(seed: seed)
        return (0..<count).map { _ in
            let length = 64 + Int(generator.nextUInt64() % 33)
            let tokens = (0..<length).map { _ in 1 + Int(generator.nextUInt64() % 15) }
            return ClassificationExample(tokens: tokens, label: tokens[0] % 3)
        }
    }

    /// Training losses of a few steps of a fresh model at `threads` threads.
    static func losses(kernel: Kernel, threads: Int, train: [ClassificationExample], validation: [ClassificationExample]) throws -> [Float] {
        let saved = Parallel.threadCount
        Parallel.threadCount = threads
        defer { Parallel.threadCount = saved }
        var configuration = EncoderConfiguration(vocabularySize: 16, maxLength: 96, modelDimension: 64, heads: 4, headDimension: 16,
                                                 feedForwardDimension: 256, layers: 1, classifierDimension: 64, classes: 3,
                                                 kernel: kernel.rawValue)
        configuration.dropout = 0.1
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("klt-threads-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let settings = TrainingSettings(steps: 3, batchSize: 16, schedule: .constant(3e-3), clipNorm: 1, evaluationInterval: 3, seed: 3)
        let trainer = try Trainer(model: try SequenceClassifier(configuration: configuration, seed: 4), train: train, validation: validation,
                                  test: nil, settings: settings, runDirectory: directory, progress: ProgressReporter(enabled: false))
        return try trainer.run().losses
    }

    @Test(arguments: [Kernel.gmmPRF, .softmax, .fastFoodRKS])
    func lossesAreBitIdenticalAcrossThreadCounts(kernel: Kernel) throws {
        let train = Self.examples(32, seed: 1), validation = Self.examples(4, seed: 2)
        var byThreads: [Int: [Float]] = [:]
        for threads in [1, 2, 4] { byThreads[threads] = try Self.losses(kernel: kernel, threads: threads, train: train, validation: validation) }
        let reference = try #require(byThreads[1])
        #expect(reference.count == 3)
        for threads in [2, 4] {
            let losses = try #require(byThreads[threads])
            #expect(losses.map(\.bitPattern) == reference.map(\.bitPattern), "\(threads) threads: \(losses), 1 thread: \(reference)")
        }
    }
}
