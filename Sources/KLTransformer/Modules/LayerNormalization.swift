import KLTensor

/// Layer normalisation over the last axis with learned scale γ (init 1) and shift β (init 0).
public final class LayerNormalization: Module {
    /// γ, (D,).
    public let gamma: Tensor
    /// β, (D,).
    public let beta: Tensor
    /// Added to the variance (PyTorch's 1e-5).
    public let epsilon: Float

    /// A layer for width `dimension`.
    public init(dimension: Int, epsilon: Float = 1e-5) {
        gamma = .ones([dimension], requiresGrad: true)
        beta = .zeros([dimension], requiresGrad: true)
        self.epsilon = epsilon
    }

    /// Normalises the last axis of `x`.
    public func callAsFunction(_ x: Tensor) -> Tensor { x.layerNorm(gamma: gamma, beta: beta, epsilon: epsilon) }

    public var parameters: [NamedParameter] { [NamedParameter("gamma", gamma), NamedParameter("beta", beta)] }
}
