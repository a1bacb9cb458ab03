import KLTensor

/// FAVOR+ with exp-only positive features as in google-research's Performer (peers-and-lra.md §1.2):
/// φ(x) = m^{-1/2}(exp(x̃ᵀω − ‖x̃‖²/2 − c) + 10⁻⁴), ω ∈ R^{d×m} orthogonal. The stabiliser c is the
/// per-row maximum of x̃ᵀω for queries and the maximum over the whole sequence and all features for
/// keys (per batch element and head); it is treated as a constant (no gradient). The key constant
/// cancels between numerator and denominator of attention, the query one too (row-wise), up to the
/// 10⁻⁴ term; it keeps exp from overflowing for inputs of large norm.
public final class ExponentialRandomFeatures: FeatureMap {
    public let inputDimension: Int
    public let featureCount: Int
    /// Whether ω is drawn in orthogonal blocks.
    public let orthogonal: Bool
    public var randomness: FeatureRandomness
    /// The current frequencies ω, (d, m).
    public private(set) var omega: Tensor

    /// A map with `featureCount` = m features.
    public init(inputDimension: Int, featureCount: Int, orthogonal: Bool = true, randomness: FeatureRandomness) {
        precondition(featureCount >= 1, "ExponentialRandomFeatures: need at least one feature")
        self.inputDimension = inputDimension
        self.featureCount = featureCount
        self.orthogonal = orthogonal
        self.randomness = randomness
        omega = Tensor.zeros([inputDimension, featureCount])
        redraw()
    }

    public var buffers: [NamedParameter] { [NamedParameter("omega", omega)] }

    public func redraw() {
        let source: any FrequencySource = orthogonal ? OrthogonalFrequencies() : GaussianFrequencies(order: .byCoordinate)
        omega = source.omega(count: featureCount, dimension: inputDimension, generator: &randomness.generator)
    }

    public func features(_ x: Tensor, isQuery: Bool, training: Bool) -> Tensor {
        let scaled = FeatureMath.scaled(x)
        let u = Tensor.matmul(scaled, omega)                                       // (N, L, H, m)
        let stabiliser = withoutGradients {
            isQuery ? u.max(alongAxes: [-1], keepingDimensions: true)
                    : u.max(alongAxes: [1, 3], keepingDimensions: true)
        }
        let offset = FeatureMath.squaredNorm(scaled) * 0.5 + stabiliser
        return (FeatureMath.positive(u, offset: offset) + 1e-4) * (1 / Float(featureCount).squareRoot())
    }
}
