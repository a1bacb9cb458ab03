import KLTensor

/// SADERF, simplified asymmetric dense-exponential features (spec §2.5): queries are mapped as
/// GERF(Ψx) and keys as GERF(Ψ⁻¹y) with Ψ = diag(ψ), ψ_l = (mean y_l² / mean x_l²)^{1/4} over the
/// real tokens, and A = a* the OPRF optimum of the transformed vectors; (Ψx)ᵀ(Ψ⁻¹y) = xᵀy keeps the
/// estimate unbiased for the softmax kernel while Ψ balances anisotropic queries and keys. Ψ and
/// a* are per batch element and head and carry no gradient.
public struct DenseExponentialComponent: ComponentFunction {
    /// SADERF.
    public init() {}

    public var name: String { "saderf" }
    public var summary: String { "asymmetric dense-exponential features, data's Ψ* and a* (softmax kernel)" }
    public var estimatedKernel: EstimatedKernel { .softmax }
    public var featuresPerFrequency: Int { 1 }
    public var usesFrequencyLengths: Bool { true }
    public var isAsymmetric: Bool { true }
    public var readsSequenceStatistics: Bool { true }

    public func features(queries: Tensor, keys: Tensor, omega: Tensor, statistics: SequenceStatistics,
                         phases: (queries: Tensor, keys: Tensor)?) -> ComponentFeatures {
        let psi = withoutGradients {
            ((statistics.keyMeanSquares(keys) + 1e-12) / (statistics.queryMeanSquares(queries) + 1e-12)).sqrt().sqrt()
        }
        let transformedQueries = queries * psi, transformedKeys = keys / psi
        let spread = ExponentialFeatures.spread(transformedQueries, transformedKeys, statistics: statistics)
        let a = ExponentialFeatures.optimalA(spread: spread, dimension: omega.shape[0])
        return .logarithmic(queries: ExponentialFeatures.logFeatures(transformedQueries, omega: omega, a: a),
                            keys: ExponentialFeatures.logFeatures(transformedKeys, omega: omega, a: a))
    }
}
