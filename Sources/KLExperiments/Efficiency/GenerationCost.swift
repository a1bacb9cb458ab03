import Foundation
import KLTensor
import KLTransformer

/// What generating one token costs at a position of the text: the time of one decoding step and the
/// memory the decoding state holds for the sequence so far, for one kernel. Linear kernels decode
/// from their recurrent state (flat in the position); softmax from a key-value cache, which grows
/// with it, and so does the time of attending over it.
public struct GenerationCost: Sendable, Equatable {
    /// Kernel (paper name).
    public var kernel: String
    /// Tokens decoded before the measured window ends.
    public var position: Int
    /// Mean seconds per token over the window of steps that ends at `position`.
    public var secondsPerToken: Double
    /// Bytes the decoding state holds at `position` (4 per stored float).
    public var stateBytes: Double

    /// What is measured, in words, for tables and reports.
    public static let method = """
        A causal language model (one sequence, random weights: the cost does not depend on them) fed one token \
        at a time through its decoding state; each row's time is the mean over the steps of the window that ends \
        at its position, its memory the floats the decoding state holds there (recurrent sums for linear kernels, \
        the key-value cache for softmax) at 4 bytes each.
        """

    /// Decodes `positions.max()` tokens with a model of `configuration` (its `maxLength` must cover
    /// them; built with `kernel`) and measures the window of `window` steps before each of
    /// `positions`. The tokens fed are a fixed cycle of ids.
    public static func measure(_ kernel: String, configuration: EncoderConfiguration, positions: [Int], window: Int = 64) throws -> [GenerationCost] {
        var c = configuration
        c.kernel = kernel
        let model = try CausalLanguageModel(configuration: c, seed: 1)
        let last = positions.max() ?? 0
        precondition(last <= c.maxLength, "GenerationCost: position \(last) beyond the model's \(c.maxLength) positions")
        let checkpoints = Set(positions)
        return model.evaluating {
            var state = model.makeDecodingState()
            var costs: [GenerationCost] = []
            var windowStart = DispatchTime.now().uptimeNanoseconds
            for step in 1...last {
                if checkpoints.contains(step + window - 1) || step == 1 { windowStart = DispatchTime.now().uptimeNanoseconds }
                _ = model.step(tokens: [1 + step % (c.vocabularySize - 1)], state: &state)
                guard checkpoints.contains(step) else { continue }
                let steps = min(window, step)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - windowStart) / 1e9 / Double(steps)
                costs.append(GenerationCost(kernel: AttentionKernel(named: kernel)?.name ?? kernel, position: step,
                                            secondsPerToken: seconds, stateBytes: Double(state.storedScalarCount * 4)))
            }
            return costs
        }
    }
}
