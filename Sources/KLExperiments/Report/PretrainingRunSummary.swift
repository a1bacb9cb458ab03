import Foundation

/// A pre-training run's `summary.json`, written by `Pretrainer` when the run ends: the best
/// checkpoint's validation and test scores and what the run cost.
public struct PretrainingRunSummary: Codable, Equatable, Sendable {
    /// `masked` or `causal`.
    public var objective: String
    /// The corpus's name.
    public var corpus: String
    /// Token ids of the tokeniser.
    public var vocabularySize: Int
    /// Validation bits per byte of the best checkpoint (comparable across tokenisers).
    public var validationBitsPerByte: Double
    /// Validation perplexity per token of that checkpoint.
    public var validationPerplexity: Double
    /// Validation accuracy of the predicted tokens.
    public var validationAccuracy: Double
    /// Test bits per byte of that checkpoint (nil without a test split).
    public var testBitsPerByte: Double?
    /// Test perplexity per token.
    public var testPerplexity: Double?
    /// Step of the best checkpoint.
    public var bestStep: Int
    /// Steps trained.
    public var steps: Int
    /// Seconds in training steps (evaluation excluded), over every session of the run.
    public var trainingSeconds: Double
    /// Tokens read per second of training.
    public var tokensPerSecond: Double
    /// Trainable parameters.
    public var parameters: Int

    /// Reads `summary.json` from a run folder; nil when there is none or it is not a pre-training summary.
    public static func read(from directory: URL) -> PretrainingRunSummary? {
        FileManager.default.contents(atPath: directory.appendingPathComponent("summary.json").path)
            .flatMap { try? JSONDecoder().decode(PretrainingRunSummary.self, from: $0) }
    }
}
