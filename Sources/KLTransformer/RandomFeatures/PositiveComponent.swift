import KLTensor

/// PosRF, FAVOR+'s positive random features (spec §2.2): φ(x) = (1/√M)·exp(ωᵀx − ‖x‖²/2), or the
/// hyperbolic pair (1/√(2M))·e^{−‖x‖²/2}[exp(ωᵀx), exp(−ωᵀx)] (lower variance), unbiased for the
/// softmax kernel and positive, so attention weights are never negative.
public struct PositiveComponent: ComponentFunction {
    /// Whether each frequency gives the ± pair.
    public let hyperbolic: Bool

    /// PosRF, plain or with hyperbolic pairs.
    public init(hyperbolic: Bool) { self.hyperbolic = hyperbolic }

    public var name: String { hyperbolic ? "posrf-hyp" : "posrf" }
    public var summary: String {
        hyperbolic ? "positive hyperbolic pairs exp(±ωᵀx − ‖x‖²/2) (softmax kernel, FAVOR+)"
                   : "positive features exp(ωᵀx − ‖x‖²/2) (softmax kernel, FAVOR+)"
    }
    public var estimatedKernel: EstimatedKernel { .softmax }
    public var featuresPerFrequency: Int { hyperbolic ? 2 : 1 }
    public var usesFrequencyLengths: Bool { false }

    public func features(queries: Tensor, keys: Tensor, omega: Tensor, statistics: SequenceStatistics,
                         phases: (queries: Tensor, keys: Tensor)?) -> ComponentFeatures {
        .logarithmic(queries: ExponentialFeatures.logFeatures(queries, omega: omega, a: nil, hyperbolic: hyperbolic),
                     keys: ExponentialFeatures.logFeatures(keys, omega: omega, a: nil, hyperbolic: hyperbolic))
    }
}
