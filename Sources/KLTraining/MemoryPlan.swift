import Foundation
import KLTransformer

/// What a run will need in memory, estimated from the model configuration, the batch size and the
/// sequence length before anything is allocated, and checked against the machine's memory.
///
/// **The estimate** (deliberately simple and on the high side; see
/// `EncoderConfiguration.activationBytes(batch:length:training:)` for the activation terms):
/// - parameters: `EncoderConfiguration.storedBytes` (the model's tensors), and in training
///   12 bytes more per parameter (its gradient and AdamW's two moments);
/// - activations: per example and layer, a dense part linear in the length and the attention's
///   part: 4·H·T² floats for softmax (quadratic: 16,385 positions × 4 heads is 4.3 GB per example and
///   layer), 8·T·H·m for a linear kernel with m features per head; times the batch, times the layers
///   in training (the tape keeps every layer for backward), about two layers in evaluation.
///
/// The run is refused when the total exceeds the memory available (`ProcessInfo.physicalMemory`
/// by default), with the estimate and what to change: a linear-time kernel, a smaller batch (the
/// largest that fits is computed), or shorter inputs.
public struct MemoryPlan: Sendable, Equatable {
    /// Bytes of the model's tensors, with gradients and optimizer moments when training.
    public var parameterBytes: Int
    /// Bytes of the activations of one batch.
    public var activationBytes: Int
    /// Bytes of activations per example (so the largest batch that fits can be given).
    public var activationBytesPerExample: Int
    /// The memory the plan is checked against.
    public var availableBytes: Int
    /// The configuration planned for.
    public var configuration: EncoderConfiguration
    /// Examples per batch and tokens per sequence (per document for pairs) planned for.
    public var batchSize: Int, length: Int
    /// Whether the plan is for training (backward pass and optimizer) or evaluation only.
    public var training: Bool

    /// The plan for `batchSize` examples of up to `length` tokens on a model of `configuration`,
    /// against `availableBytes` (default: the machine's physical memory). The configuration must
    /// have passed `EncoderConfiguration.validate()`.
    public init(configuration: EncoderConfiguration, batchSize: Int, length: Int, training: Bool,
                availableBytes: Int = EncoderConfiguration.physicalMemoryBytes) {
        self.configuration = configuration
        self.batchSize = batchSize
        self.length = length
        self.training = training
        self.availableBytes = availableBytes
        let stored = configuration.storedBytes
        parameterBytes = training ? SaturatingSize.sum(stored, SaturatingSize.product(12, configuration.parameterCount)) : stored
        activationBytesPerExample = configuration.activationBytes(batch: 1, length: length, training: training)
        activationBytes = configuration.activationBytes(batch: batchSize, length: length, training: training)
    }

    /// Parameters plus activations.
    public var totalBytes: Int { SaturatingSize.sum(parameterBytes, activationBytes) }

    /// The largest batch whose plan fits (0 when even the parameters do not).
    public var largestBatchThatFits: Int {
        guard availableBytes > parameterBytes, activationBytesPerExample > 0 else { return 0 }
        return (availableBytes - parameterBytes) / activationBytesPerExample
    }

    /// Throws `TrainingError.insufficientMemory` with the estimate and what to change when the plan
    /// does not fit in `availableBytes`.
    public func check() throws {
        guard totalBytes > availableBytes else { return }
        let describe = SaturatingSize.describe(bytes:)
        let kernel = (try? configuration.resolvedAttentionKernel()) ?? .named(.softmax)
        let positions = length + 1
        var message = "\(training ? "training" : "evaluation") needs about \(describe(totalBytes)) of memory, more than the \(describe(availableBytes)) available: "
            + "\(describe(parameterBytes)) for the model\(training ? " with gradients and AdamW moments" : "") and \(describe(activationBytes)) for the activations of a batch of \(batchSize) \(configuration.pairInputs ? "pairs" : "sequences") of up to \(length) tokens"
        if kernel == .named(.softmax) {
            message += " (softmax attention keeps \(configuration.heads) heads × \(positions)² scores per example and layer)"
        }
        var remedies: [String] = []
        if kernel == .named(.softmax) { remedies.append("a linear-time kernel (--kernel GMM-PRF, FAVOR+, …)") }
        let fits = largestBatchThatFits
        if fits >= 1 && fits < batchSize {
            remedies.append("a smaller --batch-size (at most \(fits) fits)")
        } else if fits < 1 {
            message += "; even one example needs \(describe(SaturatingSize.sum(parameterBytes, activationBytesPerExample)))"
        }
        remedies.append("shorter inputs (--max-tokens)")
        if parameterBytes > availableBytes / 2 { remedies.append("a smaller model (--preset)") }
        message += ". Use " + remedies.joined(separator: ", or ") + "."
        throw TrainingError.insufficientMemory(message)
    }
}
