import KLTensor

/// The explicit C-component Gaussian mixture kernel (`mix-gauss-alacarte`, spec §2.6; in the official
/// code, not in the paper's table). Components are shared by the heads of a layer:
/// ω_c± = diag(e^{σ_c/2})·ε ± μ_c with ε ∈ R^{d×M}, M = n/4, and for each component the GMM-RKS
/// features √(4/n)·[cos, sin](x̃ᵀω⁺), [cos, sin](x̃ᵀω⁻) plus the constant s. Attention normalises each
/// component separately and mixes the outputs with π = softmax(w) (normalise-then-mix, as the
/// official `MixtureLinearAttention`).
public final class GaussianMixtureAlaCarteFeatures: FeatureMap {
    public let inputDimension: Int
    /// The official per-component `n_dims`: M = n/4 frequencies per component.
    public let nominalDimensions: Int
    /// Number of heads of the attention layer.
    public let heads: Int
    /// The appended constant s.
    public let smoothing: Float
    /// Learned component means μ, (C, d); init U(±1/√d).
    public let mean: Tensor
    /// Learned diagonal log-variances σ, (C, d); init Xavier-uniform on (C, d).
    public let logVariance: Tensor
    /// Learned mixture logits w, (C,); init U(±0.25).
    public let mixtureLogits: Tensor
    public var randomness: FeatureRandomness
    /// The current standard-normal draw ε, (d, M).
    public private(set) var epsilon: Tensor

    /// Features per component: 4M + 1.
    public var featureCount: Int { 4 * (nominalDimensions / 4) + 1 }
    public var mixtureComponents: Int { mean.shape[0] }

    /// A mixture of `components` Gaussians (the official default is d/2).
    public init(inputDimension d: Int, heads: Int, components: Int, nominalDimensions: Int, smoothing: Float = 1,
                generator: inout RandomGenerator, randomness: FeatureRandomness) {
        precondition(components >= 1 && nominalDimensions >= 4,
                     "GaussianMixtureAlaCarteFeatures: need ≥ 1 component and ≥ 4 dimensions, got \(components), \(nominalDimensions)")
        inputDimension = d
        self.heads = heads
        self.nominalDimensions = nominalDimensions
        self.smoothing = smoothing
        logVariance = Initialization.xavierUniform([components, d], fanIn: d, fanOut: components, generator: &generator)
        mean = Initialization.uniform([components, d], bound: 1 / Float(d).squareRoot(), generator: &generator)
        mixtureLogits = Initialization.uniform([components], bound: 0.25, generator: &generator)
        self.randomness = randomness
        epsilon = Tensor.zeros([d, nominalDimensions / 4])
        redraw()
    }

    public var parameters: [NamedParameter] {
        [NamedParameter("mean", mean), NamedParameter("logVariance", logVariance), NamedParameter("mixtureLogits", mixtureLogits)]
    }

    public var buffers: [NamedParameter] { [NamedParameter("epsilon", epsilon)] }

    public func redraw() {
        epsilon = Tensor.randomNormal([inputDimension, nominalDimensions / 4], generator: &randomness.generator)
    }

    public func mixtureWeights() -> Tensor? { mixtureLogits.softmax() }

    public func features(_ x: Tensor, isQuery: Bool, training: Bool) -> Tensor {
        let (c, d, frequencies) = (mixtureComponents, inputDimension, nominalDimensions / 4)
        let spread = (logVariance * 0.5).exp().reshaped(to: [c, d, 1]) * epsilon.reshaped(to: [1, d, frequencies])
        let shift = mean.reshaped(to: [c, d, 1])
        // all components' frequencies side by side: (d, C·M) for ω⁺ and ω⁻
        let plus = (spread + shift).permuted([1, 0, 2]).reshaped(to: [d, c * frequencies])
        let minus = (spread - shift).permuted([1, 0, 2]).reshaped(to: [d, c * frequencies])
        let scaled = FeatureMath.scaled(x)
        let shape = Array(x.shape.dropLast()) + [c, frequencies]
        let uPlus = Tensor.matmul(scaled, plus).reshaped(to: shape), uMinus = Tensor.matmul(scaled, minus).reshaped(to: shape)
        let phi = Tensor.concatenate([FeatureMath.trigonometric(uPlus, scale: (4 / Float(nominalDimensions)).squareRoot()),
                                      FeatureMath.trigonometric(uMinus, scale: (4 / Float(nominalDimensions)).squareRoot())], alongAxis: -1)                          // (N, L, H, C, 4M)
        return FeatureMath.appendingConstant(phi, smoothing).reshaped(to: Array(x.shape.dropLast()) + [c * featureCount])
    }
}
