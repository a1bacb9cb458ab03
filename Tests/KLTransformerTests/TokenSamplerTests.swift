import Foundation
import KLTensor
import KLTestSupport
import Testing
@testable import KLTransformer

/// Sampling the next token: greedy, top-k, temperature, seeds.
@Suite struct TokenSamplerTests {
    /// Rows of random logits over 9 tokens.
    static func logits(_ rows: Int, seed: UInt64 = 1) -> [[Float]] {
        var data = TestData(seed: seed)
        return (0..<rows).map { _ in (0..<9).map { _ in data.uniform(-3, 3) } }
    }

    static func argmax(_ row: [Float]) -> Int { row.indices.max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) }! }

    @Test func zeroTemperatureIsGreedyAndTopOneIsGreedy() {
        var greedy = TokenSampler.greedy
        var topOne = TokenSampler(temperature: 1.5, topK: 1, seed: 3)
        for row in Self.logits(50) {
            #expect(greedy.sample(logits: row) == Self.argmax(row))
            #expect(topOne.sample(logits: row) == Self.argmax(row))
        }
        var tied = TokenSampler.greedy
        #expect(tied.sample(logits: [0, 2, 2, 1]) == 1)
    }

    @Test func theSameSeedGivesTheSameTokens() {
        let rows = Self.logits(200)
        func draw(seed: UInt64) -> [Int] {
            var sampler = TokenSampler(temperature: 1, topK: 5, seed: seed)
            return rows.map { sampler.sample(logits: $0) }
        }
        #expect(draw(seed: 11) == draw(seed: 11))
        #expect(draw(seed: 11) != draw(seed: 12))
    }

    @Test func topKDrawsOnlyAmongTheMostLikely() {
        var sampler = TokenSampler(temperature: 2, topK: 3, seed: 4)
        for row in Self.logits(200, seed: 2) {
            let allowed = Set(row.indices.sorted { row[$0] > row[$1] }.prefix(3))
            #expect(allowed.contains(sampler.sample(logits: row)))
        }
    }

    @Test func drawsFollowTheSoftmaxOfTheTemperedLogits() {
        let row: [Float] = [0, 1, 2]
        var sampler = TokenSampler(temperature: 2, seed: 5)
        var counts = [0, 0, 0]
        let draws = 20_000
        for _ in 0..<draws { counts[sampler.sample(logits: row)] += 1 }
        let weights = row.map { Foundation.exp(Double($0) / 2) }, total = weights.reduce(0, +)
        for (count, weight) in zip(counts, weights) {
            #expect(abs(Double(count) / Double(draws) - weight / total) < 0.015)
        }
    }

    @Test(arguments: ["softmax", "GMM-PRF"])
    func generationIsSeededAndGreedyFollowsTheParallelArgmax(kernel: String) throws {
        // GMM-PRF redraws at every pass: generation and the parallel passes below take the model's
        // evaluation draw, and leave the training draws alone.
        let model = try CausalLanguageModel(configuration: CausalLanguageModelTests.configuration(kernel), seed: 10)
        let trainingDraws = model.featureMaps.map(\.randomness)
        let prompt = [3, 7, 2]
        var first = TokenSampler(temperature: 1, topK: 4, seed: 21), second = TokenSampler(temperature: 1, topK: 4, seed: 21)
        #expect(model.generate(prompt: prompt, count: 6, sampler: &first) == model.generate(prompt: prompt, count: 6, sampler: &second))
        var greedy = TokenSampler.greedy
        let generated = model.generate(prompt: prompt, count: 5, sampler: &greedy)
        var sequence = prompt
        for _ in 0..<5 {
            var context = ForwardContext(training: false)
            let logits = model.evaluating {
                withoutGradients { model(tokens: sequence, batch: 1, length: sequence.count, context: &context) }.scalars
            }
            sequence.append(Self.argmax(Array(logits.suffix(11))))
        }
        #expect(generated == Array(sequence.suffix(5)))
        #expect(model.featureMaps.map(\.randomness) == trainingDraws)
    }
}
