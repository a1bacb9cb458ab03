import Testing
@testable import KLTasks

@Suite struct BatcherTests {
    /// Example `i` has `i % 7 + 1` tokens, all equal to `i + 1`, and label `i % 10`.
    let examples = (0..<23).map { i in
        ClassificationExample(tokens: Array(repeating: i + 1, count: i % 7 + 1), label: i % 10)
    }

    @Test func padsToTheLongestRow() {
        let batch = ClassificationBatch(examples: [examples[1], examples[5], examples[2]])
        #expect(batch.batchSize == 3)
        #expect(batch.sequenceLength == 6)
        #expect(batch.lengths == [2, 6, 3])
        #expect(batch.labels == [1, 5, 2])
        #expect(batch.tokens == [
            2, 2, 0, 0, 0, 0,
            6, 6, 6, 6, 6, 6,
            3, 3, 3, 0, 0, 0,
        ])
        #expect(batch[1, 5] == 6)
        #expect(batch.exampleIndices == [0, 1, 2])
    }

    @Test func padsOrTruncatesToAFixedLength() {
        let batch = ClassificationBatch(examples: [examples[1], examples[5]], paddedLength: 4)
        #expect(batch.sequenceLength == 4)
        #expect(batch.lengths == [2, 4])
        #expect(batch.tokens == [2, 2, 0, 0, 6, 6, 6, 6])
    }

    @Test func sequentialBatchesKeepOrderAndTheLastPartialBatch() {
        let batcher = Batcher(examples: examples, batchSize: 5, seed: 1, dropsLastPartialBatch: true)
        let batches = batcher.sequentialBatches()
        #expect(batches.count == 5)
        #expect(batches.map(\.batchSize) == [5, 5, 5, 5, 3])
        #expect(batches.flatMap(\.exampleIndices) == Array(0..<23))
        #expect(batches[4].labels == [0, 1, 2])
    }

    @Test func everyEpochVisitsEveryExampleOnce() {
        let batcher = Batcher(examples: examples, batchSize: 4, seed: 9)
        #expect(batcher.batchesPerEpoch == 6)
        for epoch in 0..<3 {
            let batches = batcher.shuffledBatches(epoch: epoch)
            #expect(batches.count == 6)
            let visited = batches.flatMap(\.exampleIndices)
            #expect(visited.sorted() == Array(0..<23))
            for batch in batches {
                for (row, index) in batch.exampleIndices.enumerated() {
                    #expect(batch.labels[row] == examples[index].label)
                    #expect(batch.lengths[row] == examples[index].tokens.count)
                    #expect(batch[row, 0] == index + 1)
                }
            }
        }
    }

    @Test func shufflesArePureFunctionsOfSeedAndEpoch() {
        let batcher = Batcher(examples: examples, batchSize: 4, seed: 9)
        let again = Batcher(examples: examples, batchSize: 4, seed: 9)
        #expect(batcher.order(epoch: 2) == again.order(epoch: 2))
        #expect(Array(batcher.shuffledBatches(epoch: 2)[3...]) == Array(again.shuffledBatches(epoch: 2)[3...]))
        #expect(batcher.order(epoch: 0) != batcher.order(epoch: 1))
        #expect(batcher.order(epoch: 0) != Batcher(examples: examples, batchSize: 4, seed: 10).order(epoch: 0))
        #expect(batcher.order(epoch: 0) != Array(0..<23))
    }

    @Test func droppingTheLastPartialBatch() {
        let batcher = Batcher(examples: examples, batchSize: 5, seed: 3, paddedLength: 8, dropsLastPartialBatch: true)
        let batches = batcher.shuffledBatches(epoch: 0)
        #expect(batcher.batchesPerEpoch == 4)
        #expect(batches.count == 4)
        #expect(batches.allSatisfy { $0.batchSize == 5 && $0.sequenceLength == 8 })
        #expect(Set(batches.flatMap(\.exampleIndices)).count == 20)
    }

    @Test func emptyDataSetsGiveNoBatches() {
        let batcher = Batcher(examples: [], batchSize: 4)
        #expect(batcher.shuffledBatches(epoch: 0).isEmpty)
        #expect(batcher.sequentialBatches().isEmpty)
    }
}
