import Foundation
import KLTensor

/// Chooses the next token from a row of logits: greedily (the most likely token, the lowest id on
/// ties) when the temperature is 0, otherwise by drawing from softmax(logits / temperature),
/// restricted to the `topK` most likely tokens when set. Draws come from its own seeded generator,
/// so the same seed and logits give the same tokens.
public struct TokenSampler: Sendable {
    /// Divides the logits before the softmax: below 1 sharpens, above 1 flattens; 0 means greedy.
    public let temperature: Float
    /// Only the k most likely tokens can be drawn (nil: all of them); k = 1 is greedy.
    public let topK: Int?
    /// The source of the draws.
    public var generator: RandomGenerator

    /// A sampler with the given temperature (≥ 0), top-k (≥ 1) and seed.
    public init(temperature: Float = 1, topK: Int? = nil, seed: UInt64 = 0) {
        precondition(temperature >= 0 && temperature.isFinite, "TokenSampler: temperature \(temperature) must be finite and ≥ 0")
        precondition(topK.map { $0 >= 1 } ?? true, "TokenSampler: top-k \(topK ?? 0) must be at least 1")
        self.temperature = temperature
        self.topK = topK
        generator = RandomGenerator(seed: seed)
    }

    /// A greedy sampler: always the most likely token.
    public static var greedy: TokenSampler { TokenSampler(temperature: 0) }

    /// The next token for `logits` (one per vocabulary entry).
    public mutating func sample(logits: [Float]) -> Int {
        precondition(!logits.isEmpty, "TokenSampler: no logits to sample from")
        // Most likely first, lower ids first among equals, so that ties never depend on the sort.
        let ranked = logits.indices.sorted { logits[$0] != logits[$1] ? logits[$0] > logits[$1] : $0 < $1 }
        let candidates = topK.map { Array(ranked.prefix($0)) } ?? ranked
        guard temperature > 0, candidates.count > 1 else { return candidates[0] }
        let top = Double(logits[candidates[0]])
        let weights = candidates.map { Foundation.exp((Double(logits[$0]) - top) / Double(temperature)) }
        var remaining = generator.nextDouble() * weights.reduce(0, +)
        for (candidate, weight) in zip(candidates, weights) {
            remaining -= weight
            if remaining < 0 { return candidate }
        }
        return candidates[candidates.count - 1]
    }
}
