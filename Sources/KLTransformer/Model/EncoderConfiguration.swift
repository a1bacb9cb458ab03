import KLTensor

/// The shape of a classification encoder and its attention kernel; Codable so that it travels inside
/// checkpoints and a saved model can be rebuilt exactly.
public struct EncoderConfiguration: Codable, Equatable, Sendable {
    /// Where the LayerNorms sit in a layer.
    public enum LayerOrdering: String, Codable, Sendable, CaseIterable {
        /// The official code's `axial_ordering` (spec §3, §9 B11): LayerNorm on the layer input, the
        /// attention residual added to the *normalised* input, a second LayerNorm before the FFN.
        case official
        /// The standard pre-LayerNorm block: x + Attn(LN(x)), then + FFN(LN(·)).
        case preLayerNorm
    }

    /// Token ids are in 0..<vocabularySize (0 = padding).
    public var vocabularySize: Int
    /// Longest token sequence, without the CLS token.
    public var maxLength: Int
    /// Width of the residual stream.
    public var modelDimension: Int
    /// Attention heads per layer.
    public var heads: Int
    /// Per-head query/key/value size d.
    public var headDimension: Int
    /// Hidden width of the feed-forward block.
    public var feedForwardDimension: Int
    /// Number of encoder layers.
    public var layers: Int
    /// Hidden width of the classification head.
    public var classifierDimension: Int
    /// Number of classes.
    public var classes: Int
    /// Dropout on embeddings, attention output, FFN hidden and output (0.1 in the paper).
    public var dropout: Float
    /// Dropout on softmax attention probabilities (0.1 in the paper).
    public var attentionDropout: Float
    /// The attention kernel's paper name or official alias (see `Kernel`).
    public var kernel: String
    /// Whose task-specific feature counts to use.
    public var kernelPreset: KernelPreset
    /// Overrides the official feature-count argument.
    public var featureDimensionsArgument: Int?
    /// Overrides the kernel's redraw policy: 1 = every call, N = every N calls, 0 = never.
    public var redrawEvery: Int?
    /// Reuse the current random draw in evaluation.
    public var frozenInEvaluation: Bool
    /// Layer ordering.
    public var ordering: LayerOrdering
    /// How the encoder's outputs are summarised into one vector per sequence.
    public var pooling: Pooling
    /// Whether the classifier reads a *pair* of sequences (LRA Retrieval): both go through the same
    /// encoder and the head sees `pairFeatures` of the two summaries (spec §3, the official
    /// `DualClassificationHead`).
    public var pairInputs: Bool
    /// What the head of a pair model reads (ignored for single sequences).
    public var pairFeatures: PairFeatures
    /// How ids become vectors: learned token vectors, or pixel intensities embedded linearly or by
    /// patches (`InputEmbedding`; image tasks only for the latter two).
    public var inputEmbedding: InputEmbedding

    /// The vector the head of a pair model reads, from the summaries e₁ and e₂ of the two sequences.
    public enum PairFeatures: String, Codable, Sendable, CaseIterable {
        /// [e₁; e₂] (width 2D): the paper's, the official head with `interaction=None`. The head
        /// must learn to compare the halves itself, which is slow: "same or not" gives no signal
        /// from either document alone.
        case concatenation
        /// [e₁; e₂; e₁ ⊙ e₂; e₁ − e₂] (width 4D): LRA's Retrieval head, the official code's unused
        /// `interaction='NLI'` option; the products and differences make similarity directly visible.
        case interactions
    }

    /// How a sequence's outputs become one vector.
    public enum Pooling: String, Codable, Sendable, CaseIterable {
        /// The output at the prepended CLS position (the paper's).
        case classToken
        /// The mean of the outputs at the real (non-padding) token positions (LRA's Pathfinder config).
        case mean
    }

    /// A configuration with every field given.
    public init(vocabularySize: Int, maxLength: Int, modelDimension: Int, heads: Int, headDimension: Int,
                feedForwardDimension: Int, layers: Int, classifierDimension: Int, classes: Int, dropout: Float = 0.1,
                attentionDropout: Float = 0.1, kernel: String = Kernel.gmmPRF.rawValue, kernelPreset: KernelPreset = .listOps,
                featureDimensionsArgument: Int? = nil, redrawEvery: Int? = nil, frozenInEvaluation: Bool = false,
                ordering: LayerOrdering = .official, pooling: Pooling = .classToken, pairInputs: Bool = false,
                pairFeatures: PairFeatures = .concatenation, inputEmbedding: InputEmbedding = .tokens) {
        self.vocabularySize = vocabularySize
        self.maxLength = maxLength
        self.modelDimension = modelDimension
        self.heads = heads
        self.headDimension = headDimension
        self.feedForwardDimension = feedForwardDimension
        self.layers = layers
        self.classifierDimension = classifierDimension
        self.classes = classes
        self.dropout = dropout
        self.attentionDropout = attentionDropout
        self.kernel = kernel
        self.kernelPreset = kernelPreset
        self.featureDimensionsArgument = featureDimensionsArgument
        self.redrawEvery = redrawEvery
        self.frozenInEvaluation = frozenInEvaluation
        self.ordering = ordering
        self.pooling = pooling
        self.pairInputs = pairInputs
        self.pairFeatures = pairFeatures
        self.inputEmbedding = inputEmbedding
    }

    /// Named model sizes.
    public enum Preset: String, CaseIterable, Sendable {
        /// The paper's ListOps model: 6 layers, width 512, 8 heads × 64, FFN 2048, classifier 2048 (spec §4).
        case paper
        /// A model that trains in minutes on 2 CPU cores: 2 layers, width 64, 4 heads × 16, FFN 128.
        case cpu
        /// A very small model for tests: 1 layer, width 16, 2 heads × 8, FFN 32.
        case tiny
    }

    /// The preset's sizes for a task with this vocabulary, length and class count.
    public static func preset(_ preset: Preset, vocabularySize: Int, maxLength: Int, classes: Int,
                              kernel: String = Kernel.gmmPRF.rawValue) -> EncoderConfiguration {
        switch preset {
        case .paper:
            return EncoderConfiguration(vocabularySize: vocabularySize, maxLength: maxLength, modelDimension: 512, heads: 8,
                                        headDimension: 64, feedForwardDimension: 2048, layers: 6, classifierDimension: 2048,
                                        classes: classes, kernel: kernel)
        case .cpu:
            return EncoderConfiguration(vocabularySize: vocabularySize, maxLength: maxLength, modelDimension: 64, heads: 4,
                                        headDimension: 16, feedForwardDimension: 128, layers: 2, classifierDimension: 128,
                                        classes: classes, kernel: kernel)
        case .tiny:
            return EncoderConfiguration(vocabularySize: vocabularySize, maxLength: maxLength, modelDimension: 16, heads: 2,
                                        headDimension: 8, feedForwardDimension: 32, layers: 1, classifierDimension: 16,
                                        classes: classes, kernel: kernel)
        }
    }

    /// The named kernel, or a message naming the unknown name (a pair of the random-feature grid
    /// is refused here: use `resolvedAttentionKernel()` where those are welcome).
    public func resolvedKernel() throws -> Kernel {
        guard let kernel = Kernel(named: kernel) else { throw ConfigurationError.unknownKernel(kernel) }
        return kernel
    }

    /// The named kernel or pair of the random-feature grid, or a message naming the unknown name.
    public func resolvedAttentionKernel() throws -> AttentionKernel {
        guard let kernel = AttentionKernel(named: kernel) else { throw ConfigurationError.unknownKernel(kernel) }
        return kernel
    }
}

/// A configuration that cannot be built.
public enum ConfigurationError: Error, CustomStringConvertible, Equatable {
    /// The kernel name matches no paper name or official alias.
    case unknownKernel(String)
    /// A size is not positive or not compatible with another.
    case invalid(String)

    public var description: String {
        switch self {
        case .unknownKernel(let name):
            RandomFeatureKernel.refusal(forName: name)
                ?? "unknown kernel '\(name)'; known: \(Kernel.allCases.map(\.rawValue).joined(separator: ", ")) (or an official alias such as mix-gauss-positive, or COMPONENT+SOURCE such as oprf+orf; see `klt kernels`)"
        case .invalid(let message): message
        }
    }
}

extension EncoderConfiguration {
    private enum CodingKeys: String, CodingKey {
        case vocabularySize, maxLength, modelDimension, heads, headDimension, feedForwardDimension, layers
        case classifierDimension, classes, dropout, attentionDropout, kernel, kernelPreset, featureDimensionsArgument
        case redrawEvery, frozenInEvaluation, ordering, pooling, pairInputs, pairFeatures, inputEmbedding
    }

    /// Decodes a configuration; `pairFeatures` and `inputEmbedding`, added after the first checkpoints
    /// were written, are `.concatenation` and `.tokens` (what those models were) when absent, so older
    /// checkpoints still load.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(vocabularySize: try c.decode(Int.self, forKey: .vocabularySize), maxLength: try c.decode(Int.self, forKey: .maxLength),
                  modelDimension: try c.decode(Int.self, forKey: .modelDimension), heads: try c.decode(Int.self, forKey: .heads),
                  headDimension: try c.decode(Int.self, forKey: .headDimension),
                  feedForwardDimension: try c.decode(Int.self, forKey: .feedForwardDimension),
                  layers: try c.decode(Int.self, forKey: .layers), classifierDimension: try c.decode(Int.self, forKey: .classifierDimension),
                  classes: try c.decode(Int.self, forKey: .classes), dropout: try c.decode(Float.self, forKey: .dropout),
                  attentionDropout: try c.decode(Float.self, forKey: .attentionDropout), kernel: try c.decode(String.self, forKey: .kernel),
                  kernelPreset: try c.decode(KernelPreset.self, forKey: .kernelPreset),
                  featureDimensionsArgument: try c.decodeIfPresent(Int.self, forKey: .featureDimensionsArgument),
                  redrawEvery: try c.decodeIfPresent(Int.self, forKey: .redrawEvery),
                  frozenInEvaluation: try c.decode(Bool.self, forKey: .frozenInEvaluation),
                  ordering: try c.decode(LayerOrdering.self, forKey: .ordering), pooling: try c.decode(Pooling.self, forKey: .pooling),
                  pairInputs: try c.decode(Bool.self, forKey: .pairInputs),
                  pairFeatures: try c.decodeIfPresent(PairFeatures.self, forKey: .pairFeatures) ?? .concatenation,
                  inputEmbedding: try c.decodeIfPresent(InputEmbedding.self, forKey: .inputEmbedding) ?? .tokens)
    }
}
