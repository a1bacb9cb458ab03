import KLTensor

/// A padded batch of token-id sequences: `batch` rows of `length` ids, row-major, 0 = padding at the
/// end of each row, with each row's number of real tokens.
public struct TokenBatch: Sendable {
    /// The ids, `batch × length`.
    public var tokens: [Int]
    /// Number of rows.
    public var batch: Int
    /// Positions per row.
    public var length: Int
    /// Real tokens per row.
    public var lengths: [Int]

    /// A batch from its fields.
    public init(tokens: [Int], batch: Int, length: Int, lengths: [Int]) {
        self.tokens = tokens
        self.batch = batch
        self.length = length
        self.lengths = lengths
    }
}

/// The paper's classifiers (spec §3): the encoder's summary of a sequence → Linear(D→C) → ReLU →
/// Linear(C→classes); for pairs of sequences (Retrieval) both go through the same encoder and
/// [e₁; e₂] → Linear(2D→C) → ReLU → Linear(C→C/2) → ReLU → Linear(C/2→classes), or LRA's
/// [e₁; e₂; e₁ ⊙ e₂; e₁ − e₂] with a 4D-wide first layer (`EncoderConfiguration.pairFeatures`).
/// Head weights use PyTorch's default initialisation and zero biases (§9 B12).
public final class SequenceClassifier: Module, FeatureMapOwner {
    /// The encoder.
    public let encoder: TransformerEncoder
    /// The head's layers, with a ReLU between consecutive ones.
    public let head: [Linear]

    /// Builds a classifier from a configuration and a seed (the same seed gives the same model).
    /// Throws `ConfigurationError` naming the problem, before anything is allocated, for a
    /// configuration `EncoderConfiguration.validate()` refuses (a size out of range, a kernel that
    /// cannot be built with these sizes, a model too large for this machine's memory).
    public init(configuration: EncoderConfiguration, seed: UInt64) throws {
        try configuration.validate()
        var generator = RandomGenerator(seed: seed)
        encoder = try TransformerEncoder(configuration: configuration, generator: &generator)
        let c = configuration.classifierDimension
        let widths = configuration.pairInputs
            ? [(configuration.pairFeatures == .interactions ? 4 : 2) * configuration.modelDimension, c, max(c / 2, 1),
               configuration.classes]
            : [configuration.modelDimension, c, configuration.classes]
        head = zip(widths, widths.dropFirst()).map { inputs, outputs in
            Linear(inputs: inputs, outputs: outputs, initialization: .torchDefaultZeroBias, generator: &generator)
        }
    }

    /// The configuration the model was built from.
    public var configuration: EncoderConfiguration { encoder.configuration }

    /// Logits (N, classes) for a padded batch of single sequences.
    public func callAsFunction(tokens: [Int], batch: Int, length: Int, lengths: [Int], context: inout ForwardContext) -> Tensor {
        precondition(!configuration.pairInputs, "SequenceClassifier: this model classifies pairs; pass two batches")
        return classify(encoder(tokens: tokens, batch: batch, length: length, lengths: lengths, context: &context))
    }

    /// Logits (N, classes) for a batch of images as intensities in [0, 1], (N, L), for a model with a
    /// pixel or patch embedding: a differentiable function of the pixels, which attacks need.
    public func callAsFunction(pixels: Tensor, lengths: [Int], context: inout ForwardContext) -> Tensor {
        precondition(configuration.inputEmbedding.readsPixels, "SequenceClassifier: this model embeds tokens; pass token ids")
        return classify(encoder(pixels: pixels, lengths: lengths, context: &context))
    }

    /// Logits (N, classes) for pairs: row i of `first` with row i of `second`.
    public func callAsFunction(_ first: TokenBatch, _ second: TokenBatch, context: inout ForwardContext) -> Tensor {
        precondition(configuration.pairInputs, "SequenceClassifier: this model classifies single sequences")
        precondition(first.batch == second.batch, "SequenceClassifier: pair batches of \(first.batch) and \(second.batch) rows")
        let a = encoder(tokens: first.tokens, batch: first.batch, length: first.length, lengths: first.lengths, context: &context)
        let b = encoder(tokens: second.tokens, batch: second.batch, length: second.length, lengths: second.lengths, context: &context)
        let features = switch configuration.pairFeatures {
        case .concatenation: [a, b]
        case .interactions: [a, b, a * b, a - b]
        }
        return classify(Tensor.concatenate(features, alongAxis: 1))
    }

    private func classify(_ summary: Tensor) -> Tensor {
        var x = summary
        for (index, layer) in head.enumerated() {
            x = layer(x)
            if index + 1 < head.count { x = x.relu() }
        }
        return x
    }

    public var parameters: [NamedParameter] {
        encoder.parameters.prefixed("encoder") + head.enumerated().flatMap { $1.parameters.prefixed("head.\($0)") }
    }

    /// Every feature map of the model, by layer, for saving and restoring their random state.
    public var featureMaps: [any FeatureMap] { encoder.featureMaps }

    /// The feature maps' non-trained state (random draws, running statistics), named like parameters.
    public var buffers: [NamedParameter] { encoder.buffers.prefixed("encoder") }

    /// The names earlier versions gave parameters and buffers of this model, keyed by today's full
    /// names (`FeatureMap.legacyTensorNames` with their layer's prefix), for loading older checkpoints.
    public var legacyTensorNames: [String: String] { encoder.legacyTensorNames(prefix: "encoder") }
}
