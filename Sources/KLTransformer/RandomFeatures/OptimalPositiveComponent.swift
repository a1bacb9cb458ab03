import KLTensor

/// OPRF, optimal positive random features (spec §2.4): GERF with the A* that minimises the mean
/// log second moment over the sequence's query–key pairs, computed per batch element and head
/// from φ̄ = mean ‖x_i + y_j‖² of the real tokens (no gradient through A*). The same A* on both
/// sides keeps the estimate unbiased for the softmax kernel; A* ≤ 0 bounds the features.
public struct OptimalPositiveComponent: ComponentFunction {
    /// OPRF.
    public init() {}

    public var name: String { "oprf" }
    public var summary: String { "optimal positive features: GERF with the data's A* (softmax kernel, low variance)" }
    public var estimatedKernel: EstimatedKernel { .softmax }
    public var featuresPerFrequency: Int { 1 }
    public var usesFrequencyLengths: Bool { true }
    public var readsSequenceStatistics: Bool { true }

    public func features(queries: Tensor, keys: Tensor, omega: Tensor, statistics: SequenceStatistics,
                         phases: (queries: Tensor, keys: Tensor)?) -> ComponentFeatures {
        let spread = ExponentialFeatures.spread(queries, keys, statistics: statistics)
        let a = ExponentialFeatures.optimalA(spread: spread, dimension: omega.shape[0])
        return .logarithmic(queries: ExponentialFeatures.logFeatures(queries, omega: omega, a: a),
                            keys: ExponentialFeatures.logFeatures(keys, omega: omega, a: a))
    }
}
