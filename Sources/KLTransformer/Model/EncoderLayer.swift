import KLTensor

/// One encoder layer: attention and feed-forward blocks with residuals, dropout and LayerNorms placed
/// by `EncoderConfiguration.LayerOrdering`.
public final class EncoderLayer: Module {
    /// Self-attention (with the layer's own feature map).
    public let attention: MultiHeadAttention
    /// The feed-forward block.
    public let feedForward: FeedForward
    /// Official: the norm of the layer input; pre-LN: the norm before attention.
    public let firstNorm: LayerNormalization
    /// The norm before the feed-forward block.
    public let secondNorm: LayerNormalization
    /// Residual dropout.
    public let dropout: Float
    /// Where the norms sit.
    public let ordering: EncoderConfiguration.LayerOrdering

    /// A layer built from the configuration, drawing its parameters from `generator`.
    public init(configuration c: EncoderConfiguration, attention: MultiHeadAttention, generator: inout RandomGenerator) {
        self.attention = attention
        feedForward = FeedForward(modelDimension: c.modelDimension, hiddenDimension: c.feedForwardDimension, dropout: c.dropout,
                                  generator: &generator)
        firstNorm = LayerNormalization(dimension: c.modelDimension)
        secondNorm = LayerNormalization(dimension: c.modelDimension)
        dropout = c.dropout
        ordering = c.ordering
    }

    /// The layer applied to x (N, L, D) with key padding mask (N, L).
    public func callAsFunction(_ x: Tensor, keyMask: Tensor?, context: inout ForwardContext) -> Tensor {
        switch ordering {
        case .official:
            let normalized = firstNorm(x)
            let attended = normalized + drop(attention(normalized, keyMask: keyMask, context: &context), &context)
            return attended + drop(feedForward(secondNorm(attended), context: &context), &context)
        case .preLayerNorm:
            let attended = x + drop(attention(firstNorm(x), keyMask: keyMask, context: &context), &context)
            return attended + drop(feedForward(secondNorm(attended), context: &context), &context)
        }
    }

    private func drop(_ x: Tensor, _ context: inout ForwardContext) -> Tensor {
        x.dropout(probability: dropout, generator: &context.generator, training: context.training)
    }

    public var parameters: [NamedParameter] {
        attention.parameters.prefixed("attention") + feedForward.parameters.prefixed("feedForward")
            + firstNorm.parameters.prefixed("firstNorm") + secondNorm.parameters.prefixed("secondNorm")
    }
}
