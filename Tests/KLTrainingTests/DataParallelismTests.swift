import Foundation
import KLTasks
import KLTensor
import KLTestSupport
import Testing
@testable import KLTraining
@testable import KLTransformer

/// The pieces of data-parallel training that need no MPI: how batches are shared, that the ranks'
/// weighted gradients add up to the batch's, that sharded evaluation scores what one process does,
/// and how a launcher is recognised and kept from a sweep's runs.
@Suite struct DataParallelismTests {
    @Test func rankRowsPartitionTheBatch() {
        for (rows, ranks) in [(8, 2), (8, 3), (7, 4), (5, 5), (32, 6)] {
            let shares = (0..<ranks).map { DataParallelism.rows(ofBatchOf: rows, rank: $0, ranks: ranks) }
            #expect(shares.first?.lowerBound == 0 && shares.last?.upperBound == rows)
            #expect(zip(shares, shares.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            #expect(shares.allSatisfy { !$0.isEmpty && abs($0.count - rows / ranks) <= 1 })
        }
    }

    @Test func batchRowsKeepTheBatchPadding() {
        let examples = TrainerTests.examples(6, seed: 11)
        let batch = ClassificationBatch(examples: examples)
        let slice = batch.rows(2..<5)
        #expect(slice.batchSize == 3 && slice.sequenceLength == batch.sequenceLength)
        #expect(slice.labels == Array(batch.labels[2..<5]) && slice.lengths == Array(batch.lengths[2..<5]))
        #expect(slice.exampleIndices == [2, 3, 4])
        for row in 0..<3 { for position in 0..<batch.sequenceLength { #expect(slice[row, position] == batch[row + 2, position]) } }
        let pairs = examples.map { ClassificationExample(tokens: $0.tokens, label: $0.label, pairedTokens: Array($0.tokens.reversed().prefix(3))) }
        let pairBatch = ClassificationBatch(examples: pairs), pairSlice = pairBatch.rows(1..<3)
        #expect(pairSlice.isPaired && pairSlice.pairedSequenceLength == pairBatch.pairedSequenceLength)
        #expect(pairSlice.pairedToken(row: 1, position: 0) == pairBatch.pairedToken(row: 2, position: 0))
    }

    /// The mean loss on `batch` and the gradients of the parameters of `model` after its backward,
    /// on the feature draw the model holds now (kept for the next call).
    static func gradients(_ model: SequenceClassifier, _ batch: ClassificationBatch) throws -> (loss: Float, gradients: [[Float]]) {
        var context = ForwardContext(training: true, generator: RandomGenerator(seed: 1))
        let draws = model.featureDraws
        defer { model.restore(draws) }
        let loss = Tensor.crossEntropy(logits: Trainer.logits(model, batch, context: &context), labels: batch.labels)
        try loss.backward()
        defer { for parameter in model.parameters { parameter.tensor.zeroGrad() } }
        return (loss.item, model.parameters.map { $0.tensor.grad?.scalars ?? [] })
    }

    @Test func weightedRankGradientsAddUpToTheBatchGradient() throws {
        let model = try SequenceClassifier(configuration: TrainerTests.configuration(), seed: 2)
        let batch = ClassificationBatch(examples: TrainerTests.examples(7, seed: 12))
        let (wholeLoss, whole) = try Self.gradients(model, batch)
        let reduction = GradientAllReduce(parameters: model.parameters)
        var summed = whole.map { [Float](repeating: 0, count: $0.count) }
        var lossSum: Float = 0
        for rank in 0..<3 {
            let rows = DataParallelism.rows(ofBatchOf: batch.batchSize, rank: rank, ranks: 3)
            let shard = batch.rows(rows)
            // Every rank draws the same features: the same draw for each shard here.
            var context = ForwardContext(training: true, generator: RandomGenerator(seed: 1))
            let draws = model.featureDraws
            let loss = Tensor.crossEntropy(logits: Trainer.logits(model, shard, context: &context), labels: shard.labels)
            try loss.backward()
            model.restore(draws)
            // One process is a group of one: the reduction scales by the weight and sums over itself.
            let weight = Float(rows.count) / Float(batch.batchSize)
            lossSum += try reduction.reduce(weight: weight, statistics: [loss.item * weight], in: .single)[0]
            for (index, parameter) in model.parameters.enumerated() {
                let grad = parameter.tensor.grad?.scalars ?? []
                for i in grad.indices { summed[index][i] += grad[i] }
                parameter.tensor.zeroGrad()
            }
        }
        #expect(abs(lossSum - wholeLoss) < 1e-5)
        for (a, b) in zip(whole, summed) {
            #expect(a.count == b.count)
            for (x, y) in zip(a, b) { #expect(abs(x - y) <= 1e-5 * max(1, abs(x))) }
        }
    }

    @Test func shardedEvaluationScoresWhatOneProcessScores() throws {
        var configuration = TrainerTests.configuration(kernel: .generatorPRF)   // redraws in evaluation
        configuration.frozenInEvaluation = false
        let model = try SequenceClassifier(configuration: configuration, seed: 6)
        #expect(model.drawsInEvaluation)
        let batcher = Batcher(examples: TrainerTests.examples(19, seed: 4), batchSize: 4)
        let whole = Trainer.evaluationSums(model, batcher, limit: nil, rank: 0, ranks: 1)
        for ranks in [2, 3] {
            let parts = (0..<ranks).map { Trainer.evaluationSums(model, batcher, limit: 4, rank: $0, ranks: ranks) }
            let limited = Trainer.evaluationSums(model, batcher, limit: 4, rank: 0, ranks: 1)
            #expect(abs(parts.map { $0[0] }.reduce(0, +) - limited[0]) < 1e-9 * max(1, limited[0]))
            #expect(parts.map { $0[1] }.reduce(0, +) == limited[1] && parts.map { $0[2] }.reduce(0, +) == limited[2])
        }
        let shared = try Trainer.evaluate(model, batcher, limit: nil, sharedBy: .single)
        #expect(shared == Trainer.evaluate(model, batcher, limit: nil) && Double(shared.count) == whole[2])
    }

    @Test func checksumsSeeEveryParameterBit() throws {
        let model = try SequenceClassifier(configuration: TrainerTests.configuration(), seed: 2)
        let before = ParameterChecksum.of(model)
        #expect(ParameterChecksum.of(try SequenceClassifier(configuration: TrainerTests.configuration(), seed: 2)) == before)
        model.parameters.last!.tensor.withUnsafeMutableBufferPointer { $0[0] = $0[0].nextUp }
        #expect(ParameterChecksum.of(model) != before)
        try ParameterChecksum.verify(model, in: .single, step: 3)
    }

    @Test func divergenceNamesTheStepAndTheRanks() {
        #expect(TrainingError.ranksDiverged(step: 40, ranks: [1]).description.contains("step 40"))
        #expect(TrainingError.ranksDiverged(step: 40, ranks: [1, 3]).description.contains("ranks 1, 3"))
    }

    @Test func launchersAreRecognisedFromTheEnvironment() {
        #expect(!MPILauncher.isLaunched(environment: ["PATH": "/usr/bin", "KLT_THREADS": "2"]))
        #expect(MPILauncher.isLaunched(environment: ["OMPI_COMM_WORLD_SIZE": "2"]))
        #expect(MPILauncher.isLaunched(environment: ["PMIX_RANK": "0"]))
        #expect(MPILauncher.localRanks(environment: ["OMPI_COMM_WORLD_LOCAL_SIZE": "4"]) == 4)
        #expect(MPILauncher.localRanks(environment: [:]) == 1)
        let child = MPILauncher.environmentForChildProcess(["OMPI_COMM_WORLD_RANK": "1", "OMPI_MCA_ess": "x", "PMIX_RANK": "1",
                                                            "PMI_RANK": "1", "PATH": "/usr/bin", "HOME": "/root"])
        #expect(child == ["PATH": "/usr/bin", "HOME": "/root"])
        #expect(!MPILauncher.isLaunched(environment: child))
        #expect((1...ProcessInfo.processInfo.processorCount).contains(MPILauncher.threadsPerRank(environment: ["OMPI_COMM_WORLD_LOCAL_SIZE": "64"])))
    }

    @Test func oneProcessIsItsOwnGroup() throws {
        let group = try ProcessGroup.world()
        #expect(group.size == 1 && group.isRoot && !group.isDistributed && group.library == nil)
        #expect(try group.allReduceSum([1.5, 2]) == [1.5, 2])
        #expect(try group.allGather(7) == [7])
        #expect(try group.broadcastFromRoot([1, 2, 3]) == [1, 2, 3] && group.broadcastFromRoot(nil) == nil)
        try group.barrier(pollingEvery: .milliseconds(1))
    }
}
