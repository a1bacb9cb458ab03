import KLTensor

/// A causal language model built from the encoder's pieces: token embedding (N(0, 1) rows), fixed
/// sinusoidal positions, embedding dropout, the encoder's layers with causal attention (position i
/// sees positions ≤ i: softmax masked, every linear kernel by causal linear attention), a final
/// LayerNorm, and a projection to the vocabulary. There is no CLS token.
///
/// The output projection is a Linear(D → V) of its own (PyTorch's default initialisation, zero bias),
/// not tied to the embedding: the embedding rows are N(0, 1) as in the encoder, so tied logits
/// LN(h)·Eᵀ would start with a spread of about √D, and a separate projection keeps the two roles
/// free at the price of V·D + V parameters.
///
/// The configuration is the encoder's (`EncoderConfiguration`): the fields of a classifier head
/// (`classifierDimension`, `classes`, `pooling`, pair inputs) are ignored, `maxLength` is the number
/// of positions. Parameters and buffers are named as in `SequenceClassifier` (dotted module paths,
/// each layer's feature map under `layers.i.attention.featureMap`), so they can be written to and
/// read from safetensors files the same way. Generation, one token at a time with constant cost per
/// token for linear kernels, is in `CausalLanguageModel+Generation.swift`.
public final class CausalLanguageModel: TokenPredictingModel {
    /// `causal-language-model`.
    public static var checkpointKind: String { "causal-language-model" }

    /// The configuration it was built from.
    public let configuration: EncoderConfiguration
    /// Token embeddings, (vocabulary, D).
    public let embedding: Tensor
    /// The layers, each with its own causal attention and feature map.
    public let layers: [EncoderLayer]
    /// The final LayerNorm.
    public let outputNorm: LayerNormalization
    /// The projection of the normalised outputs to next-token logits, D → vocabulary.
    public let outputProjection: Linear
    /// Sinusoidal positions, (maxLength, D); not trained.
    public let positions: Tensor

    /// Builds the model from a configuration and a seed (the same seed gives the same model). Throws
    /// `ConfigurationError` before anything is allocated for a configuration `validate()` refuses, an
    /// input embedding other than tokens, pair inputs, or a kernel that cannot attend causally
    /// (`KernelConfiguration.causalRefusal`, naming the kernel).
    public init(configuration c: EncoderConfiguration, seed: UInt64) throws {
        try c.validate()
        guard c.inputEmbedding == .tokens, !c.pairInputs else {
            throw ConfigurationError.invalid("language model: needs token embeddings of single sequences, got \(c.inputEmbedding) embedding\(c.pairInputs ? " of pairs" : "")")
        }
        if let refusal = c.kernelConfiguration(seed: 0).causalRefusal {
            throw ConfigurationError.invalid("language model: kernel \(c.kernel) cannot attend causally: \(refusal)")
        }
        configuration = c
        var generator = RandomGenerator(seed: seed)
        embedding = Tensor.randomNormal([c.vocabularySize, c.modelDimension], generator: &generator, requiresGrad: true)
        layers = EncoderLayer.stack(configuration: c, causal: true, generator: &generator)
        outputNorm = LayerNormalization(dimension: c.modelDimension)
        outputProjection = Linear(inputs: c.modelDimension, outputs: c.vocabularySize, initialization: .torchDefaultZeroBias,
                                  generator: &generator)
        positions = TransformerEncoder.sinusoidalPositions(count: c.maxLength, dimension: c.modelDimension)
    }

    /// Next-token logits (N, L, V) for `batch` rows of `length` ids: position t scores the token at
    /// t + 1 from the tokens at ≤ t. Padding needs no mask: a row padded at its end gives its real
    /// positions the logits it would have alone (the padding comes after them), and the logits at
    /// padded positions are simply not used (`nextTokenLoss`).
    public func callAsFunction(tokens: [Int], batch: Int, length: Int, context: inout ForwardContext) -> Tensor {
        outputProjection(states(tokens: tokens, batch: batch, length: length, context: &context))
    }

    /// Logits (P, V) at the batch's predicted positions: the final states gathered at `positions`,
    /// then projected, so only the predicted positions pay for the vocabulary-wide projection.
    public func predictionLogits(_ batch: TokenPredictionBatch, context: inout ForwardContext) -> Tensor {
        let states = states(tokens: batch.inputs, batch: batch.batch, length: batch.length, context: &context)
        return outputProjection(states.reshaped(to: [batch.batch * batch.length, configuration.modelDimension])
            .gathering(batch.positions, alongAxis: 0))
    }

    /// The normalised final states (N, L, D) of the layers over the embedded tokens.
    private func states(tokens: [Int], batch: Int, length: Int, context: inout ForwardContext) -> Tensor {
        precondition(tokens.count == batch * length,
                     "CausalLanguageModel: \(tokens.count) tokens for a batch of \(batch) × \(length)")
        precondition(length >= 1 && length <= configuration.maxLength,
                     "CausalLanguageModel: sequence length \(length) must be in 1...\(configuration.maxLength)")
        let d = configuration.modelDimension
        var x = (embedding.gathering(tokens, alongAxis: 0).reshaped(to: [batch, length, d])
            + positions.slice(alongAxis: 0, from: 0, count: length))
            .dropout(probability: configuration.dropout, generator: &context.generator, training: context.training)
        for layer in layers { x = layer(x, keyMask: nil, context: &context) }
        return outputNorm(x)
    }

    /// The mean cross-entropy of predicting each token from the ones before it, over every row's
    /// real tokens: row b contributes the predictions of tokens 1..<lengths[b] (padding after them
    /// is neither predicted nor read). At least one row must have two real tokens.
    public func nextTokenLoss(tokens: [Int], batch: Int, length: Int, lengths: [Int], context: inout ForwardContext) -> Tensor {
        precondition(lengths.count == batch && lengths.allSatisfy { (0...length).contains($0) },
                     "CausalLanguageModel.nextTokenLoss: lengths \(lengths) for a batch of \(batch) × \(length)")
        var rows: [Int] = [], targets: [Int] = []
        for b in 0..<batch where lengths[b] >= 2 {
            for t in 0..<(lengths[b] - 1) {
                rows.append(b * length + t)
                targets.append(tokens[b * length + t + 1])
            }
        }
        precondition(!rows.isEmpty, "CausalLanguageModel.nextTokenLoss: no row has a token to predict (lengths \(lengths))")
        let batch = TokenPredictionBatch(inputs: tokens, batch: batch, length: length, lengths: lengths, positions: rows, targets: targets)
        return Tensor.crossEntropy(logits: predictionLogits(batch, context: &context), labels: targets)
    }

    public var parameters: [NamedParameter] {
        [NamedParameter("embedding", embedding)]
            + layers.enumerated().flatMap { index, layer in layer.parameters.prefixed("layers.\(index)") }
            + outputNorm.parameters.prefixed("outputNorm") + outputProjection.parameters.prefixed("outputProjection")
    }

    /// Every feature map of the model, by layer.
    public var featureMaps: [any FeatureMap] { layers.compactMap { $0.attention.featureMap } }

    /// The feature maps' non-trained state (random draws, running statistics), named like parameters.
    public var buffers: [NamedParameter] {
        layers.enumerated().flatMap { index, layer in
            (layer.attention.featureMap?.buffers ?? []).prefixed("layers.\(index).attention.featureMap")
        }
    }

    /// None: the model is newer than every renaming.
    public var legacyTensorNames: [String: String] { [:] }
}
