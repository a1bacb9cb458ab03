import KLTensor

/// TrigRF, random kitchen sinks (spec §2.1): φ(x) = (1/√M)[cos ωᵀx, sin ωᵀx] with the paper's
/// smoothing constant s appended, so E[φ(x)ᵀφ(y)] = KG(x, y) + s². The same map for queries and
/// keys; estimates can be negative, which the constant keeps away from the attention denominator.
public struct TrigonometricComponent: ComponentFunction {
    /// The appended constant s (the paper's RFF uses 1).
    public let smoothing: Float
    /// The official code's `n_dims`, when its scale √(2/n) (√(4/n) with `symmetricMean`) replaces
    /// 1/√M: the two differ only when n is not a multiple of the features per frequency, which the
    /// named kernels keep so that their numbers do not change.
    public let nominalDimensions: Int?
    /// Whether each frequency gives features at both +μᵀx and −μᵀx of a learned spectrum's phase
    /// (GMM-RKS: ω = ±μ + Σᵀε, the symmetric mixture), four features per frequency.
    public let symmetricMean: Bool

    /// TrigRF with smoothing constant `smoothing` and the scale 1/√M, or √(2/n) for
    /// `nominalDimensions` = n; with `symmetricMean`, features at ±phase and the scale √(4/n).
    public init(smoothing: Float = 1, nominalDimensions: Int? = nil, symmetricMean: Bool = false) {
        self.smoothing = smoothing
        self.nominalDimensions = nominalDimensions
        self.symmetricMean = symmetricMean
    }

    public var name: String { "trigrf" }
    public var summary: String { "cos/sin features + smoothing constant (Gaussian kernel; may be negative)" }
    public var estimatedKernel: EstimatedKernel { .gaussian }
    public var featuresPerFrequency: Int { symmetricMean ? 4 : 2 }
    public var extraFeatures: Int { 1 }
    public var usesFrequencyLengths: Bool { false }

    public func features(queries: Tensor, keys: Tensor, omega: Tensor, statistics: SequenceStatistics,
                         phases: (queries: Tensor, keys: Tensor)?) -> ComponentFeatures {
        let scale = (nominalDimensions.map { Float(featuresPerFrequency) / Float($0) } ?? 1 / Float(omega.shape[1])).squareRoot()
        func phi(_ x: Tensor, _ phase: Tensor?) -> Tensor {
            let u = Tensor.matmul(x, omega)
            let shifted = FeatureMath.trigonometric(phase.map { u + $0 } ?? u, scale: scale)
            guard symmetricMean else { return FeatureMath.appendingConstant(shifted, smoothing) }
            let mirrored = FeatureMath.trigonometric(phase.map { u - $0 } ?? u, scale: scale)
            return FeatureMath.appendingConstant(Tensor.concatenate([shifted, mirrored], alongAxis: -1), smoothing)
        }
        return .direct(queries: phi(queries, phases?.queries), keys: phi(keys, phases?.keys))
    }
}
