import KLTensor

/// A model whose attention layers own feature maps (`SequenceClassifier`, `CausalLanguageModel`):
/// what it needs to save, replay and isolate their random draws.
public protocol FeatureMapOwner: AnyObject {
    /// Every feature map of the model, by layer.
    var featureMaps: [any FeatureMap] { get }
    /// The feature maps' non-trained state (random draws, running statistics), named like parameters.
    var buffers: [NamedParameter] { get }
}

/// The random state of every feature map of a model at one moment: each map's randomness
/// (generator, redraw schedule, call count) and the values of its buffers (its current draw and
/// running statistics). Restoring it makes the next forward pass draw exactly what it would have
/// drawn at that moment, which is how evaluation and attacks replay one draw many times.
public struct FeatureDraws {
    fileprivate let randomness: [FeatureRandomness]
    fileprivate let buffers: [Tensor]
}

extension FeatureMapOwner {
    /// A copy of the feature maps' random state now (see `FeatureDraws`).
    public var featureDraws: FeatureDraws {
        FeatureDraws(randomness: featureMaps.map(\.randomness), buffers: buffers.map { $0.tensor.copy() })
    }

    /// Puts the feature maps' random state back to `draws`, taken from this model.
    public func restore(_ draws: FeatureDraws) {
        let maps = featureMaps
        precondition(maps.count == draws.randomness.count, "\(Self.self): feature draws of another model")
        for (map, saved) in zip(maps, draws.randomness) { map.randomness = saved }
        for (buffer, saved) in zip(buffers, draws.buffers) { buffer.tensor.assign(saved) }
    }

    /// Whether evaluation passes of this model are random: some feature map draws afresh at every
    /// forward pass (the paper's learned kernels redraw ε) and is not frozen in evaluation.
    public var drawsInEvaluation: Bool {
        featureMaps.contains { $0.randomness.policy == .everyCall && !$0.randomness.frozenInEvaluation }
    }

    /// Points the generator of every feature map at its own stream under `key` (map `i` at counter
    /// block `i`): the next draws of the model are a function of `key` alone. `evaluating(_:)` does
    /// this with the evaluation key; attacks average gradients over the draws of several keys.
    public func drawFeatures(fromStreamsUnder key: UInt64) {
        for (index, map) in featureMaps.enumerated() {
            map.randomness.generator = RandomGenerator(state: .init(key: key, counterHigh: UInt64(index)))
        }
    }

    /// The Philox key of the evaluation draws (see `evaluating(_:)`); feature map `i` of the model
    /// draws from counter block `i` under this key.
    public static var evaluationKey: UInt64 { 0x4B4C_5445_7661_6C31 }   // "KLTEval1"

    /// Runs `body`, a sequence of evaluation passes (`training: false`), so that its result is a
    /// function of the model's state alone and leaves that state as it was:
    ///
    /// - every feature map that draws in evaluation (the paper's kernels redraw ε at every call
    ///   unless `frozenInEvaluation`) draws from a fixed stream (`evaluationKey`, one block per
    ///   map) restarted at the beginning of `body`, so evaluating the same model twice gives the
    ///   same numbers, and two checkpoints of a run are scored on the same draws;
    /// - afterwards each map's randomness (generator, call count) and buffers (its current draw,
    ///   running statistics) are put back, so evaluating in the middle of training does not change
    ///   what training draws next: a run's losses do not depend on how often it is evaluated.
    public func evaluating<Result>(_ body: () throws -> Result) rethrows -> Result {
        let saved = featureDraws
        drawFeatures(fromStreamsUnder: Self.evaluationKey)
        defer { restore(saved) }
        return try body()
    }
}
