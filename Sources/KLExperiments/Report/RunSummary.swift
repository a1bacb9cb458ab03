import Foundation

/// A run's `summary.json`, written by `Trainer` when the run ends: the best checkpoint's scores and
/// what the run cost.
public struct RunSummary: Codable, Equatable, Sendable {
    /// Test accuracy of the best-on-validation checkpoint (nil without a test split).
    public var testAccuracy: Double?
    /// Test loss of that checkpoint.
    public var testLoss: Double?
    /// Validation accuracy of that checkpoint.
    public var validationAccuracy: Double
    /// Validation loss of that checkpoint.
    public var validationLoss: Double
    /// Accuracy of always predicting the most frequent training class.
    public var majorityBaseline: Double
    /// Step of the best checkpoint.
    public var bestStep: Int
    /// Steps trained.
    public var steps: Int
    /// Seconds in training steps (evaluation excluded), over every session of the run.
    public var trainingSeconds: Double
    /// Training steps per second (nil in summaries written before it was recorded).
    public var stepsPerSecond: Double?
    /// Trainable parameters.
    public var parameters: Int?
    /// Peak resident memory of the last session's process, in bytes.
    public var peakResidentBytes: Int?
    /// Peak bytes held by tensors in the last session.
    public var peakTensorBytes: Int?

    /// Reads `summary.json` from a run folder; nil when there is none or it cannot be read.
    public static func read(from directory: URL) -> RunSummary? {
        FileManager.default.contents(atPath: directory.appendingPathComponent("summary.json").path)
            .flatMap { try? JSONDecoder().decode(RunSummary.self, from: $0) }
    }
}
