import KLTensor

/// GERF with s = +1 and a fixed real A (spec §2.3): φ(x) = (D/√M)·exp(A‖ω‖² + Bωᵀx − ‖x‖²/2) with
/// B = √(1 − 4A), D = (1 − 4A)^{d/4}, unbiased for the softmax kernel for A < 1/8. A < 0 bounds the
/// features (A = 0 is PosRF); the default A = −0.1 is the spec's oracle value.
public struct GeneralizedExponentialComponent: ComponentFunction {
    /// The fixed parameter A (< 1/8).
    public let a: Float

    /// GERF with parameter `a`.
    public init(a: Float = -0.1) {
        precondition(a < 0.125, "GERF: A must be below 1/8 for a finite variance, got \(a)")
        self.a = a
    }

    public var name: String { "gerf" }
    public var summary: String { "generalised exponential features, fixed A = \(a) (softmax kernel, bounded)" }
    public var estimatedKernel: EstimatedKernel { .softmax }
    public var featuresPerFrequency: Int { 1 }
    public var usesFrequencyLengths: Bool { true }

    public func features(queries: Tensor, keys: Tensor, omega: Tensor, statistics: SequenceStatistics,
                         phases: (queries: Tensor, keys: Tensor)?) -> ComponentFeatures {
        let parameter = Tensor(a)
        return .logarithmic(queries: ExponentialFeatures.logFeatures(queries, omega: omega, a: parameter),
                            keys: ExponentialFeatures.logFeatures(keys, omega: omega, a: parameter))
    }
}
