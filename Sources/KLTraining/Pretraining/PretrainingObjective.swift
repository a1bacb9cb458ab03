import KLTensor
import KLTransformer

/// What a language model is pre-trained to predict, and how a window of corpus tokens becomes a
/// `TokenPredictionBatch` for it.
public enum PretrainingObjective: String, Codable, CaseIterable, Sendable {
    /// BERT's masked-language-model objective (what the paper pre-trains with): 15% of each window's
    /// tokens are chosen; of those, 80% are replaced by the mask id, 10% by a random token and 10%
    /// left as they are; the model predicts the original token at every chosen position, seeing the
    /// whole window.
    case masked
    /// Next-token prediction: at each position the model predicts the token after it from the ones
    /// up to it (causal attention), as a generating language model does.
    case causal

    /// The fraction of a window's tokens the masked objective predicts.
    public static let maskedFraction = 0.15

    /// Tokens a window of `length` model inputs takes from the corpus: the inputs, and for the
    /// causal objective one more (the last target).
    public func windowTokens(forInputLength length: Int) -> Int {
        self == .causal ? length + 1 : length
    }

    /// The batch for `windows`, each `windowTokens(forInputLength: length)` corpus tokens long
    /// (shorter ones are padded; each needs two tokens at least for the causal objective).
    /// The masked objective draws its choices from `generator`; `vocabularySize` and `maskID` are
    /// the model's (random replacements are drawn from the ids 1..<vocabularySize other than the mask).
    public func batch(windows: [[Int]], length: Int, vocabularySize: Int, maskID: Int,
                      generator: inout RandomGenerator) -> TokenPredictionBatch {
        var inputs = [Int](repeating: 0, count: windows.count * length)
        var lengths: [Int] = [], positions: [Int] = [], targets: [Int] = []
        for (row, window) in windows.enumerated() {
            switch self {
            case .causal:
                let count = min(window.count - 1, length)
                precondition(count >= 1, "PretrainingObjective.causal: a window needs two tokens, got \(window.count)")
                for position in 0..<count {
                    inputs[row * length + position] = window[position]
                    positions.append(row * length + position)
                    targets.append(window[position + 1])
                }
                lengths.append(count)
            case .masked:
                let count = min(window.count, length)
                precondition(count >= 1, "PretrainingObjective.masked: an empty window")
                for position in 0..<count { inputs[row * length + position] = window[position] }
                let chosen = max(1, Int((Self.maskedFraction * Double(count)).rounded()))
                for position in generator.permutation(count).prefix(chosen).sorted() {
                    let flat = row * length + position
                    positions.append(flat)
                    targets.append(window[position])
                    let roll = generator.nextDouble()
                    if roll < 0.8 {
                        inputs[flat] = maskID
                    } else if roll < 0.9 {
                        // A random id other than padding and the mask.
                        let drawn = 1 + generator.nextInt(below: vocabularySize - 2)
                        inputs[flat] = drawn >= maskID ? drawn + 1 : drawn
                    }
                }
                lengths.append(count)
            }
        }
        return TokenPredictionBatch(inputs: inputs, batch: windows.count, length: length, lengths: lengths,
                                    positions: positions, targets: targets)
    }
}
