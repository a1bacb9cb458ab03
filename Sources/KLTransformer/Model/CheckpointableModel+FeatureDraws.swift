import KLTensor

/// The random state of every feature map of a model at one moment: each map's randomness
/// (generator, redraw schedule, call count) and the values of its buffers (its current draw and
/// running statistics). Restoring it makes the next forward pass draw exactly what it would have
/// drawn at that moment, which is how evaluation and attacks replay one draw many times.
public struct FeatureDraws {
    fileprivate let randomness: [FeatureRandomness]
    fileprivate let buffers: [Tensor]
}

extension CheckpointableModel {
    /// A copy of the feature maps' random state now (see `FeatureDraws`).
    public var featureDraws: FeatureDraws {
        FeatureDraws(randomness: featureMaps.map(\.randomness), buffers: buffers.map { $0.tensor.copy() })
    }

    /// Puts the feature maps' random state back to `draws`, taken from this model.
    public func restore(_ draws: FeatureDraws) {
        let maps = featureMaps
        precondition(maps.count == draws.randomness.count, "restore(_:): feature draws of another model")
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

    /// Advances every feature map's random state as one forward pass of the model would (two
    /// encoder passes for a pair model), without computing it: a rank of a sharded evaluation still
    /// draws what the batches it leaves to other ranks draw, so its own batches get the draws a
    /// single process gives them.
    public func advanceFeatureDraws(training: Bool) {
        for _ in 0..<(configuration.pairInputs ? 2 : 1) {
            for map in featureMaps { map.prepareForward(training: training) }
        }
    }
}
