import Foundation
import KLTensor

/// The paper's encoder (spec §3): token embedding (N(0, 1) rows), a learned CLS vector (init 0)
/// prepended, fixed sinusoidal positions, embedding dropout, the layers, and a final LayerNorm. Its
/// output at the CLS position summarises the sequence. Images may instead be embedded from their
/// pixel intensities, per pixel or per patch (`InputEmbedding`).
public final class TransformerEncoder: Module {
    /// The configuration it was built from.
    public let configuration: EncoderConfiguration
    /// Token embeddings, (vocabulary, D); empty (0, D) when pixels are embedded linearly or by patches.
    public let embedding: Tensor
    /// The linear pixel embedding x·w + b: w and b, (D,) each (linear pixels only).
    public let pixelWeight: Tensor?, pixelBias: Tensor?
    /// The patch projection Linear(P² → D) (patches only).
    public let patchProjection: Linear?
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
        switch c.inputEmbedding {
        case .tokens:
            embedding = Tensor.randomNormal([c.vocabularySize, c.modelDimension], generator: &generator, requiresGrad: true)
            (pixelWeight, pixelBias, patchProjection) = (nil, nil, nil)
        case .linearPixels:
            embedding = Tensor.zeros([0, c.modelDimension])
            pixelWeight = Tensor.randomNormal([c.modelDimension], generator: &generator, requiresGrad: true)
            pixelBias = Tensor.zeros([c.modelDimension], requiresGrad: true)
            patchProjection = nil
        case .patches(let size):
            embedding = Tensor.zeros([0, c.modelDimension])
            (pixelWeight, pixelBias) = (nil, nil)
            patchProjection = Linear(inputs: size * size, outputs: c.modelDimension, initialization: .torchDefault, generator: &generator)
        }
        classToken = Tensor.zeros([c.modelDimension], requiresGrad: true)
        layers = EncoderLayer.stack(configuration: c, generator: &generator)
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
        checkShape(tokens: tokens, batch: batch, length: length, lengths: lengths)
        return encode(embed(tokens: tokens, batch: batch, length: length, lengths: lengths, context: &context), context: &context)
    }

    /// Encodes a batch of images given as intensities in [0, 1], (N, L) row-major pixels, with a
    /// pixel or patch embedding: the output is a differentiable function of the pixels (for
    /// gradients with respect to the input, as attacks need). `lengths` are the real pixels per row.
    public func callAsFunction(pixels: Tensor, lengths: [Int], context: inout ForwardContext) -> Tensor {
        encode(embed(pixels: pixels, lengths: lengths, context: &context), context: &context)
    }

    /// Pixel tokens (intensity + 1; 0 = padding) as intensities in [0, 1], (N, L).
    public static func intensities(_ tokens: [Int], batch: Int, length: Int) -> Tensor {
        Tensor(shape: [batch, length], scalars: tokens.map { Float(max($0 - 1, 0)) / 255 })
    }

    /// What the first layer sees: the embedded positions with the CLS vector prepended and the
    /// positions added (dropout applied in training), and the mask of real positions (N, T + 1).
    public struct LayerInputs {
        /// (N, T + 1, D).
        public let x: Tensor
        /// (N, T + 1): 1 for the CLS position and the real positions.
        public let keyMask: Tensor
        /// Real positions per row, T at most (pixels or patches, not counting CLS).
        public let lengths: [Int]
    }

    /// The layer inputs for a batch of token ids (with any input embedding).
    public func embed(tokens: [Int], batch: Int, length: Int, lengths: [Int], context: inout ForwardContext) -> LayerInputs {
        guard configuration.inputEmbedding.readsPixels else {
            let embedded = embedding.gathering(tokens, alongAxis: 0).reshaped(to: [batch, length, configuration.modelDimension])
            return inputs(embedded, lengths: lengths, context: &context)
        }
        return embed(pixels: Self.intensities(tokens, batch: batch, length: length), lengths: lengths, context: &context)
    }

    /// The layer inputs for images as intensities (N, L): x·w + b per pixel, or each P×P patch
    /// (row-major within the patch, patches row-major over the image) through the projection. A
    /// patch embedding needs whole images (every length L = side²).
    public func embed(pixels: Tensor, lengths: [Int], context: inout ForwardContext) -> LayerInputs {
        let (batch, length, d) = (pixels.shape[0], pixels.shape[1], configuration.modelDimension)
        switch configuration.inputEmbedding {
        case .tokens:
            preconditionFailure("TransformerEncoder: a token embedding has no pixel input; pass token ids")
        case .linearPixels:
            let embedded = pixels.reshaped(to: [batch, length, 1]) * pixelWeight!.reshaped(to: [1, 1, d]) + pixelBias!.reshaped(to: [1, 1, d])
            return inputs(embedded, lengths: lengths, context: &context)
        case .patches(let size):
            let side = configuration.imageSide!
            precondition(length == side * side && lengths.allSatisfy { $0 == length },
                         "TransformerEncoder: patches need whole \(side)×\(side) images, got rows of \(lengths) pixels in \(length)")
            let perSide = side / size
            // (N, side/P, P, side/P, P) → (N, side/P, side/P, P, P): patch (i, j) holds rows iP…, columns jP….
            let patches = pixels.reshaped(to: [batch, perSide, size, perSide, size]).permuted([0, 1, 3, 2, 4])
                .reshaped(to: [batch, perSide * perSide, size * size])
            let count = perSide * perSide
            return inputs(patchProjection!(patches), lengths: Array(repeating: count, count: batch), context: &context)
        }
    }

    /// CLS, positions, dropout and the key mask around embedded positions (N, T, D).
    private func inputs(_ embedded: Tensor, lengths: [Int], context: inout ForwardContext) -> LayerInputs {
        let (batch, length, d) = (embedded.shape[0], embedded.shape[1], configuration.modelDimension)
        let cls = classToken.reshaped(to: [1, 1, d]).expanded(to: [batch, 1, d])
        let x = (Tensor.concatenate([cls, embedded], alongAxis: 1) + positions.slice(alongAxis: 0, from: 0, count: length + 1))
            .dropout(probability: configuration.dropout, generator: &context.generator, training: context.training)
        let keyMask = Tensor.filled(shape: [batch, length + 1]) { buffer in
            for b in 0..<batch { for j in 0...length { buffer[b * (length + 1) + j] = j < lengths[b] + 1 ? 1 : 0 } }
        }
        return LayerInputs(x: x, keyMask: keyMask, lengths: lengths)
    }

    /// Every position's output after the final LayerNorm, (N, L + 1, D): position 0 is the CLS
    /// vector, 1…L the tokens (padding rows included; their values mean nothing). For objectives
    /// that predict at each position, such as masked-language-model pre-training.
    public func positionStates(tokens: [Int], batch: Int, length: Int, lengths: [Int], context: inout ForwardContext) -> Tensor {
        checkShape(tokens: tokens, batch: batch, length: length, lengths: lengths)
        return positionStates(embed(tokens: tokens, batch: batch, length: length, lengths: lengths, context: &context), context: &context)
    }

    /// Traps unless `tokens` and `lengths` are `batch` rows of `length` ids and the length fits the model.
    private func checkShape(tokens: [Int], batch: Int, length: Int, lengths: [Int]) {
        precondition(tokens.count == batch * length && lengths.count == batch,
                     "TransformerEncoder: \(tokens.count) tokens and \(lengths.count) lengths for a batch of \(batch) × \(length)")
        precondition(length <= configuration.maxLength,
                     "TransformerEncoder: sequence length \(length) exceeds the model's maximum \(configuration.maxLength)")
    }

    /// The layers and the final LayerNorm over the layer inputs.
    private func positionStates(_ inputs: LayerInputs, context: inout ForwardContext) -> Tensor {
        var x = inputs.x
        for layer in layers { x = layer(x, keyMask: inputs.keyMask, context: &context) }
        return outputNorm(x)
    }

    /// The layers, the final LayerNorm and the pooling over the layer inputs.
    private func encode(_ inputs: LayerInputs, context: inout ForwardContext) -> Tensor {
        let normalized = positionStates(inputs, context: &context)
        let (batch, length, d) = (normalized.shape[0], normalized.shape[1] - 1, configuration.modelDimension)
        switch configuration.pooling {
        case .classToken:
            return normalized.slice(alongAxis: 1, from: 0, count: 1).reshaped(to: [batch, d])
        case .mean:
            let lengths = inputs.lengths
            let weights = Tensor.filled(shape: [batch, length + 1, 1]) { buffer in
                for b in 0..<batch {
                    for j in 0...length { buffer[b * (length + 1) + j] = j >= 1 && j <= lengths[b] ? 1 / Float(max(lengths[b], 1)) : 0 }
                }
            }
            return (normalized * weights).sum(alongAxes: [1])
        }
    }

    public var parameters: [NamedParameter] {
        var result: [NamedParameter] = switch configuration.inputEmbedding {
        case .tokens: [NamedParameter("embedding", embedding)]
        case .linearPixels: [NamedParameter("pixelWeight", pixelWeight!), NamedParameter("pixelBias", pixelBias!)]
        case .patches: patchProjection!.parameters.prefixed("patchProjection")
        }
        result.append(NamedParameter("classToken", classToken))
        for (index, layer) in layers.enumerated() { result += layer.parameters.prefixed("layers.\(index)") }
        return result + outputNorm.parameters.prefixed("outputNorm")
    }

    /// Every layer's feature map, by layer (none for softmax attention).
    public var featureMaps: [any FeatureMap] { layers.compactMap { $0.attention.featureMap } }

    /// The feature maps' non-trained state (random draws, running statistics), named like
    /// parameters (relative to the encoder).
    public var buffers: [NamedParameter] {
        layers.enumerated().flatMap { index, layer in
            (layer.attention.featureMap?.buffers ?? []).prefixed(Self.featureMapPrefix(layer: index))
        }
    }

    /// The names earlier versions gave the feature maps' parameters and buffers, keyed by today's
    /// names, both with `prefix.` before them (the encoder's own name in its model).
    public func legacyTensorNames(prefix: String) -> [String: String] {
        var names: [String: String] = [:]
        for (index, layer) in layers.enumerated() {
            let path = "\(prefix).\(Self.featureMapPrefix(layer: index))"
            for (current, legacy) in layer.attention.featureMap?.legacyTensorNames ?? [:] {
                names["\(path).\(current)"] = "\(path).\(legacy)"
            }
        }
        return names
    }

    /// Where layer `index`'s feature map sits in parameter and buffer names, relative to the encoder.
    private static func featureMapPrefix(layer index: Int) -> String { "layers.\(index).attention.featureMap" }
}
