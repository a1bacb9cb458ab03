import Foundation

/// How well a language model predicts held-out tokens: the quantities a pre-training run is judged
/// and compared by.
public struct LanguageModelEvaluation: Sendable, Equatable {
    /// Mean cross-entropy per predicted token, in nats.
    public var loss: Double
    /// Fraction of predicted tokens whose top-scoring id is the right one.
    public var accuracy: Double
    /// Predicted tokens.
    public var tokens: Int
    /// UTF-8 bytes the predicted tokens stand for.
    public var bytes: Int

    /// The evaluation from summed totals: cross-entropy in nats, correct predictions, tokens, bytes.
    public init(totalLoss: Double, correct: Int, tokens: Int, bytes: Int) {
        loss = totalLoss / Double(max(tokens, 1))
        accuracy = Double(correct) / Double(max(tokens, 1))
        self.tokens = tokens
        self.bytes = bytes
    }

    /// exp(loss): the perplexity per token (comparable only between runs with the same tokeniser).
    public var perplexity: Double { exp(loss) }

    /// Bits per byte: the summed cross-entropy in bits over the bytes the predicted tokens stand
    /// for, which does not depend on the tokeniser (a byte-level and a subword model compare).
    public var bitsPerByte: Double { loss * Double(tokens) / log(2) / Double(max(bytes, 1)) }
}
