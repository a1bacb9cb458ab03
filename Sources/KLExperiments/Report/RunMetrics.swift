import Foundation

/// A run's curves, read back from its `metrics.jsonl`: training loss by step and validation scores by
/// evaluation. A line that cannot be read (a run killed mid-write) is skipped; a step logged twice
/// (a run resumed before this was prevented) keeps its last record.
public struct RunMetrics: Sendable, Equatable {
    /// One training step.
    public struct TrainingPoint: Sendable, Equatable {
        /// Step (1-based).
        public var step: Int
        /// Mini-batch loss.
        public var loss: Double
        /// Cumulative training seconds at this step.
        public var seconds: Double?
        /// Learning rate used.
        public var learningRate: Double?
        /// Gradient norm before clipping.
        public var gradientNorm: Double?
    }

    /// One validation evaluation.
    public struct ValidationPoint: Sendable, Equatable {
        /// Step evaluated at.
        public var step: Int
        /// Validation loss.
        public var loss: Double
        /// Validation accuracy.
        public var accuracy: Double
        /// Validation bits per byte (language-model runs only).
        public var bitsPerByte: Double? = nil
    }

    /// Training steps in order.
    public var training: [TrainingPoint]
    /// Evaluations in order.
    public var validation: [ValidationPoint]

    /// Reads `metrics.jsonl` from a run folder (empty curves when there is none).
    public init(directory: URL) {
        var training: [Int: TrainingPoint] = [:], validation: [Int: ValidationPoint] = [:]
        let data = FileManager.default.contents(atPath: directory.appendingPathComponent("metrics.jsonl").path) ?? Data()
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let record = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let step = record["step"] as? Int, let loss = Self.number(record["loss"]) else { continue }
            switch record["kind"] as? String {
            case "train":
                training[step] = TrainingPoint(step: step, loss: loss, seconds: Self.number(record["seconds"]),
                                               learningRate: Self.number(record["learningRate"]),
                                               gradientNorm: Self.number(record["gradientNorm"]))
            case "validation":
                if let accuracy = Self.number(record["accuracy"]) {
                    validation[step] = ValidationPoint(step: step, loss: loss, accuracy: accuracy,
                                                       bitsPerByte: Self.number(record["bitsPerByte"]))
                }
            default: continue
            }
        }
        self.training = training.values.sorted { $0.step < $1.step }
        self.validation = validation.values.sorted { $0.step < $1.step }
    }

    /// A JSON number as a Double.
    private static func number(_ value: Any?) -> Double? {
        (value as? NSNumber)?.doubleValue
    }
}
