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
        let (scaled, u) = projection(x)
        let stabiliser = withoutGradients {
            isQuery ? u.max(alongAxes: [-1], keepingDimensions: true)
                    : u.max(alongAxes: [1, 3], keepingDimensions: true)
        }
        return features(scaled, u, stabiliser: stabiliser)
    }

    /// As the non-causal features, but with the key stabiliser c taken from the sequence's first key
    /// and kept for the rest of it (`CausalFeatures`): the 10⁻⁴ added to every feature makes c part
    /// of the kernel, so it must not depend on later keys nor change from call to call.
    public func causalFeatures(queries: Tensor, keys: Tensor, keyShift: Tensor?, training: Bool) -> CausalFeatures {
        let phiQ = features(queries, isQuery: true, training: training)
        let (scaled, u) = projection(keys)
        let shift = keyShift ?? withoutGradients { u.slice(alongAxis: 1, from: 0, count: 1).max(alongAxes: [1, 3], keepingDimensions: true) }
        return CausalFeatures(queries: phiQ, keys: features(scaled, u, stabiliser: shift), keyShift: shift)
    }

    /// x̃ and x̃ᵀω, (N, L, H, m).
    private func projection(_ x: Tensor) -> (scaled: Tensor, u: Tensor) {
        let scaled = FeatureMath.scaled(x)
        return (scaled, Tensor.matmul(scaled, omega))
    }

    /// m^{-1/2}(exp(u − ‖x̃‖²/2 − c) + 10⁻⁴) for the stabiliser c.
    private func features(_ scaled: Tensor, _ u: Tensor, stabiliser: Tensor) -> Tensor {
        let offset = FeatureMath.squaredNorm(scaled) * 0.5 + stabiliser
        return (FeatureMath.positive(u, offset: offset) + 1e-4) * (1 / Float(featureCount).squareRoot())
    }
}
