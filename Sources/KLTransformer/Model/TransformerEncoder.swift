import Foundation
import KLTensor

/// The paper's encoder (spec §3): token embedding (N(0, 1) rows), a learned CLS vector (init 0)
/// prepended, fixed sinusoidal positions, embedding dropout, the layers, and a final LayerNorm. Its
/// output at the CLS position summarises the sequence.
public final class TransformerEncoder: Module {
    /// The configuration it was built from.
    public let configuration: EncoderConfiguration
    /// Token embeddings, (vocabulary, D).
    public let embedding: Tensor
    /// The CLS vector, (D,).
    public let classToken: Tensor
    /// The layers, each with its own attention and feature map.
    public let layers: [EncoderLayer]
    /// The final LayerNorm.
    public let outputNorm: LayerNormalization
    /// Sinusoidal positions for maxLength + 1 positions, (maxLength + 1, D); not trained.
    public let positions: Tensor

    /// Builds the encoder, drawing parameters from `generator` and seeding each layer's feature map
    /// from it too (so one seed fixes the whole model). The configuration is validated first
    /// (`EncoderConfiguration.validate()`): a size the model cannot be built with, or a model too large
    /// for this machine's memory, throws `ConfigurationError` before anything is allocated.
    public init(configuration c: EncoderConfiguration, generator: inout RandomGenerator) throws {
        try c.validate()
        configuration = c
        embedding = Tensor.randomNormal([c.vocabularySize, c.modelDimension], generator: &generator, requiresGrad: true)
        classToken = Tensor.zeros([c.modelDimension], requiresGrad: true)
        var layers: [EncoderLayer] = []
        for _ in 0..<c.layers {
            let kernelConfiguration = c.kernelConfiguration(seed: generator.nextUInt64())
            let mechanism: MultiHeadAttention.Mechanism = kernelConfiguration.makeFeatureMap(generator: &generator).map { .linear($0) }
                ?? .softmax(dropout: c.attentionDropout)
            let attention = MultiHeadAttention(modelDimension: c.modelDimension, heads: c.heads, headDimension: c.headDimension,
                                               mechanism: mechanism, generator: &generator)
            layers.append(EncoderLayer(configuration: c, attention: attention, generator: &generator))
        }
        self.layers = layers
        outputNorm = LayerNormalization(dimension: c.modelDimension)
        positions = TransformerEncoder.sinusoidalPositions(count: c.maxLength + 1, dimension: c.modelDimension)
    }

    /// PE[p, 2i] = sin(p·10000^{−2i/D}), PE[p, 2i+1] = cos(p·10000^{−2i/D}).
    public static func sinusoidalPositions(count: Int, dimension: Int) -> Tensor {
        Tensor.filled(shape: [count, dimension]) { buffer in
            for p in 0..<count {
                for i in stride(from: 0, to: dimension, by: 2) {
                    let angle = Double(p) * pow(10000, -Double(i) / Double(dimension))
                    buffer[p * dimension + i] = Float(sin(angle))
                    if i + 1 < dimension { buffer[p * dimension + i + 1] = Float(cos(angle)) }
                }
            }
        }
    }

    /// Encodes a batch of token ids: `tokens` holds `batch` rows of `length` ids (0 = padding, at the
    /// end), `lengths` the number of real tokens per row. Returns one vector per row (N, D): the CLS
    /// output, or the mean over real tokens, by `configuration.pooling`.
    public func callAsFunction(tokens: [Int], batch: Int, length: Int, lengths: [Int], context: inout ForwardContext) -> Tensor {
        precondition(tokens.count == batch * length && lengths.count == batch,
                     "TransformerEncoder: \(tokens.count) tokens and \(lengths.count) lengths for a batch of \(batch) × \(length)")
        precondition(length <= configuration.maxLength,
                     "TransformerEncoder: sequence length \(length) exceeds the model's maximum \(configuration.maxLength)")
        let d = configuration.modelDimension
        let embedded = embedding.gathering(tokens, alongAxis: 0).reshaped(to: [batch, length, d])
        let cls = classToken.reshaped(to: [1, 1, d]).expanded(to: [batch, 1, d])
        var x = Tensor.concatenate([cls, embedded], alongAxis: 1)
            + positions.slice(alongAxis: 0, from: 0, count: length + 1)
        x = x.dropout(probability: configuration.dropout, generator: &context.generator, training: context.training)
        let keyMask = Tensor.filled(shape: [batch, length + 1]) { buffer in
            for b in 0..<batch { for j in 0...length { buffer[b * (length + 1) + j] = j < lengths[b] + 1 ? 1 : 0 } }
        }
        for layer in layers { x = layer(x, keyMask: keyMask, context: &context) }
        let normalized = outputNorm(x)
        switch configuration.pooling {
        case .classToken:
            return normalized.slice(alongAxis: 1, from: 0, count: 1).reshaped(to: [batch, d])
        case .mean:
            let weights = Tensor.filled(shape: [batch, length + 1, 1]) { buffer in
                for b in 0..<batch {
                    for j in 0...length { buffer[b * (length + 1) + j] = j >= 1 && j <= lengths[b] ? 1 / Float(max(lengths[b], 1)) : 0 }
                }
            }
            return (normalized * weights).sum(alongAxes: [1])
        }
    }

    public var parameters: [NamedParameter] {
        var result = [NamedParameter("embedding", embedding), NamedParameter("classToken", classToken)]
        for (index, layer) in layers.enumerated() { result += layer.parameters.prefixed("layers.\(index)") }
        return result + outputNorm.parameters.prefixed("outputNorm")
    }
}
