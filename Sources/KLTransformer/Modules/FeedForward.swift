import KLTensor

/// The position-wise feed-forward block: Linear(D→F) → GELU (exact) → dropout → Linear(F→D), with
/// Xavier-uniform weights and biases N(0, 10⁻¹²) as in the official code (spec §3).
public final class FeedForward: Module {
    /// D → F.
    public let expand: Linear
    /// F → D.
    public let contract: Linear
    /// Dropout on the hidden activations.
    public let dropout: Float

    /// A block of width `modelDimension` with `hiddenDimension` hidden units.
    public init(modelDimension: Int, hiddenDimension: Int, dropout: Float, generator: inout RandomGenerator) {
        expand = Linear(inputs: modelDimension, outputs: hiddenDimension, initialization: .xavier(biasStandardDeviation: 1e-6),
                        generator: &generator)
        contract = Linear(inputs: hiddenDimension, outputs: modelDimension, initialization: .xavier(biasStandardDeviation: 1e-6),
                          generator: &generator)
        self.dropout = dropout
    }

    /// Applies the block to the last axis of `x`.
    public func callAsFunction(_ x: Tensor, context: inout ForwardContext) -> Tensor {
        let hidden = expand(x).gelu().dropout(probability: dropout, generator: &context.generator, training: context.training)
        return contract(hidden)
    }

    public var parameters: [NamedParameter] { expand.parameters.prefixed("expand") + contract.parameters.prefixed("contract") }
}
