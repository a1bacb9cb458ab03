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
        blocks(x, context: &context) { normalized, context in attention(normalized, keyMask: keyMask, context: &context) }
    }

    /// The layer applied to the next token of each sequence, x (N, 1, D), with the attention's
    /// decoding state (a causal layer; evaluation mode, no gradients): position `state.position` of
    /// a causal pass over the sequence.
    public func step(_ x: Tensor, state: inout AttentionDecodingState) -> Tensor {
        var context = ForwardContext(training: false)
        return withoutGradients {
            blocks(x, context: &context) { normalized, _ in attention.step(normalized, state: &state) }
        }
    }

    /// The residual blocks around `attend` (which maps the normalised input to the attention output),
    /// in the layer's ordering.
    private func blocks(_ x: Tensor, context: inout ForwardContext, attend: (Tensor, inout ForwardContext) -> Tensor) -> Tensor {
        switch ordering {
        case .official:
            let normalized = firstNorm(x)
            let attended = residual(normalized, plus: attend(normalized, &context), &context)
            return residual(attended, plus: feedForward(secondNorm(attended), context: &context), &context)
        case .preLayerNorm:
            let attended = residual(x, plus: attend(firstNorm(x), &context), &context)
            return residual(attended, plus: feedForward(secondNorm(attended), context: &context), &context)
        }
    }

    /// `x + dropout(block)`, in one pass (`Tensor.dropout(…, addedTo:)`).
    private func residual(_ x: Tensor, plus block: Tensor, _ context: inout ForwardContext) -> Tensor {
        block.dropout(probability: dropout, generator: &context.generator, training: context.training, addedTo: x)
    }

    /// The configuration's stack of layers, each with its own attention and feature map, drawing
    /// parameters from `generator` and seeding each feature map from it (so one seed fixes them all).
    /// With `causal`, position i attends to positions ≤ i only (softmax masked, linear kernels by
    /// causal linear attention); the configuration's kernel must then have no `causalRefusal`.
    public static func stack(configuration c: EncoderConfiguration, causal: Bool = false,
                             generator: inout RandomGenerator) -> [EncoderLayer] {
        (0..<c.layers).map { _ in
            let kernelConfiguration = c.kernelConfiguration(seed: generator.nextUInt64())
            let mechanism: MultiHeadAttention.Mechanism = kernelConfiguration.makeFeatureMap(generator: &generator).map { .linear($0) }
                ?? .softmax(dropout: c.attentionDropout)
            let attention = MultiHeadAttention(modelDimension: c.modelDimension, heads: c.heads, headDimension: c.headDimension,
                                               mechanism: mechanism, causal: causal, generator: &generator)
            return EncoderLayer(configuration: c, attention: attention, generator: &generator)
        }
    }

    public var parameters: [NamedParameter] {
        attention.parameters.prefixed("attention") + feedForward.parameters.prefixed("feedForward")
            + firstNorm.parameters.prefixed("firstNorm") + secondNorm.parameters.prefixed("secondNorm")
    }
}
