import KLTensor

/// φ(x) = elu(x) + 1 (Katharopoulos et al., "Transformers are RNNs"): a positive, deterministic
/// map with m = d. As in the official code it is applied to the unscaled projections.
public final class EluFeatureMap: FeatureMap {
    public let inputDimension: Int
    public var featureCount: Int { inputDimension }
    /// Unused (the map has no randomness) but kept for the common interface.
    public var randomness: FeatureRandomness

    /// An elu+1 map for per-head dimension `inputDimension`.
    public init(inputDimension: Int) {
        self.inputDimension = inputDimension
        randomness = FeatureRandomness(seed: 0, policy: .never)
    }

    public func redraw() {}

    public func features(_ x: Tensor, isQuery: Bool, training: Bool) -> Tensor {
        x.elu(plus: 1)
    }
}
