import KLTensor

/// The encoder with a masked-language-model head, for BERT-style pre-training (the paper pre-trains
/// every model this way before fine-tuning it on GLUE): the encoder reads a window with some tokens
/// hidden, and a linear map from each position's final state to the vocabulary scores what was
/// there.
///
/// The encoder is the classifier's own (`TransformerEncoder`, its CLS vector kept at position 0),
/// with its parameters under the same `encoder.` names, so a classifier fine-tuned from this model
/// loads them unchanged and replaces only the head. The output map `outputProjection` (D → V, with
/// bias, PyTorch's default initialisation) is not tied to the embedding: the embedding's N(0, 1)
/// rows would start the logits at a scale of √D.
public final class MaskedLanguageModel: TokenPredictingModel {
    /// `masked-language-model`.
    public static var checkpointKind: String { "masked-language-model" }
    /// The encoder, as a classifier has it.
    public let encoder: TransformerEncoder
    /// The map from a position's final state to vocabulary logits.
    public let outputProjection: Linear

    /// A model from a configuration and a seed (the same seed gives the same model); the
    /// configuration's classifier fields are not used. Throws what `EncoderConfiguration.validate()`
    /// throws, before anything is allocated.
    public init(configuration: EncoderConfiguration, seed: UInt64) throws {
        var generator = RandomGenerator(seed: seed)
        encoder = try TransformerEncoder(configuration: configuration, generator: &generator)
        outputProjection = Linear(inputs: configuration.modelDimension, outputs: configuration.vocabularySize,
                                  initialization: .torchDefault, generator: &generator)
    }

    /// The configuration the model was built from.
    public var configuration: EncoderConfiguration { encoder.configuration }

    /// Logits (P, V) at the batch's predicted positions: every position's final state (the CLS
    /// position skipped), gathered at `positions`, through `outputProjection`.
    public func predictionLogits(_ batch: TokenPredictionBatch, context: inout ForwardContext) -> Tensor {
        let states = encoder.positionStates(tokens: batch.inputs, batch: batch.batch, length: batch.length,
                                            lengths: batch.lengths, context: &context)
        let (length, d) = (batch.length, configuration.modelDimension)
        let rows = batch.positions.map { ($0 / length) * (length + 1) + 1 + $0 % length }
        return outputProjection(states.reshaped(to: [batch.batch * (length + 1), d]).gathering(rows, alongAxis: 0))
    }

    public var parameters: [NamedParameter] {
        encoder.parameters.prefixed("encoder") + outputProjection.parameters.prefixed("outputProjection")
    }

    /// The encoder's feature maps, by layer.
    public var featureMaps: [any FeatureMap] { encoder.featureMaps }

    /// The encoder's feature-map buffers, under `encoder.` as in a classifier.
    public var buffers: [NamedParameter] { encoder.buffers.prefixed("encoder") }

    /// Earlier names of the encoder's feature-map tensors (as in a classifier).
    public var legacyTensorNames: [String: String] { encoder.legacyTensorNames(prefix: "encoder") }
}
