import KLTensor

/// The paper's classifier: the encoder's CLS output → Linear(D→C) → ReLU → Linear(C→classes), head
/// weights with PyTorch's default initialisation and zero biases (spec §3, §9 B12).
public final class SequenceClassifier: Module {
    /// The encoder.
    public let encoder: TransformerEncoder
    /// D → classifier width.
    public let hidden: Linear
    /// Classifier width → classes.
    public let output: Linear

    /// Builds a classifier from a configuration and a seed (the same seed gives the same model).
    public init(configuration: EncoderConfiguration, seed: UInt64) throws {
        var generator = RandomGenerator(seed: seed)
        encoder = try TransformerEncoder(configuration: configuration, generator: &generator)
        hidden = Linear(inputs: configuration.modelDimension, outputs: configuration.classifierDimension,
                        initialization: .torchDefaultZeroBias, generator: &generator)
        output = Linear(inputs: configuration.classifierDimension, outputs: configuration.classes,
                        initialization: .torchDefaultZeroBias, generator: &generator)
    }

    /// The configuration the model was built from.
    public var configuration: EncoderConfiguration { encoder.configuration }

    /// Logits (N, classes) for a padded batch of token ids (see `TransformerEncoder.callAsFunction`).
    public func callAsFunction(tokens: [Int], batch: Int, length: Int, lengths: [Int], context: inout ForwardContext) -> Tensor {
        let summary = encoder(tokens: tokens, batch: batch, length: length, lengths: lengths, context: &context)
        return output(hidden(summary).relu())
    }

    public var parameters: [NamedParameter] {
        encoder.parameters.prefixed("encoder") + hidden.parameters.prefixed("head.hidden") + output.parameters.prefixed("head.output")
    }

    /// Every feature map of the model, by layer, for saving and restoring their random state.
    public var featureMaps: [any FeatureMap] { encoder.layers.compactMap { $0.attention.featureMap } }

    /// The feature maps' non-trained state (random draws, running statistics), named like parameters.
    public var buffers: [NamedParameter] {
        encoder.layers.enumerated().flatMap { index, layer in
            (layer.attention.featureMap?.buffers ?? []).prefixed("encoder.layers.\(index).attention.featureMap")
        }
    }
}
