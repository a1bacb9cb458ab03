import Foundation

/// The one check of a model configuration that every path runs before it builds a model or
/// allocates anything for one: `SequenceClassifier.init` (and so `klt train`), checkpoint loading
/// and `klt eval`. Sizes are bounded, products are computed without wrapping (`SaturatingSize`),
/// and the memory the model's tensors need is estimated and compared with the machine's.
extension EncoderConfiguration {
    /// The largest value of each size `validate()` accepts. Each is far beyond any model this library
    /// trains (the paper's largest: vocabulary 257, 4,000 tokens, width 512, 8 heads × 64, FFN 2,048,
    /// 6 layers), yet small enough that no product of two of them overflows.
    public enum Limits {
        /// Token ids (2²⁴).
        public static let vocabularySize = 1 << 24
        /// Tokens per sequence (2²⁰).
        public static let maxLength = 1 << 20
        /// Width of the residual stream (2¹⁶).
        public static let modelDimension = 1 << 16
        /// Attention heads (2¹⁰).
        public static let heads = 1 << 10
        /// Per-head dimension (2¹²).
        public static let headDimension = 1 << 12
        /// Heads × head dimension (2¹⁶).
        public static let attentionWidth = 1 << 16
        /// Feed-forward hidden width (2¹⁸).
        public static let feedForwardDimension = 1 << 18
        /// Encoder layers (2¹⁰).
        public static let layers = 1 << 10
        /// Hidden width of the classification head (2¹⁸).
        public static let classifierDimension = 1 << 18
        /// Classes (2¹⁶).
        public static let classes = 1 << 16
        /// The kernel's feature-count argument (`KernelConfiguration.maximumDimensionsArgument`).
        public static let featureArgument = KernelConfiguration.maximumDimensionsArgument
    }

    /// The memory `validate()` compares the model's tensors with by default: the machine's physical memory.
    public static var physicalMemoryBytes: Int { Int(clamping: ProcessInfo.processInfo.physicalMemory) }

    /// Throws `ConfigurationError` naming the first problem: a size outside its range (`Limits`), an
    /// unknown kernel, a kernel that cannot be built with these sizes (`KernelConfiguration.validate()`),
    /// a dropout outside [0, 1), a negative redraw interval, or a model whose tensors
    /// (`storedBytes`) need more than `memoryLimit` bytes.
    public func validate(memoryLimit: Int = physicalMemoryBytes) throws {
        func check(_ name: String, _ value: Int, _ range: ClosedRange<Int>) throws {
            guard range.contains(value) else {
                throw ConfigurationError.invalid("model configuration: \(name) must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
            }
        }
        try check("vocabularySize", vocabularySize, 2...Limits.vocabularySize)
        try check("maxLength", maxLength, 1...Limits.maxLength)
        try check("modelDimension", modelDimension, 1...Limits.modelDimension)
        try check("heads", heads, 1...Limits.heads)
        try check("headDimension", headDimension, 1...Limits.headDimension)
        try check("heads × headDimension", heads * headDimension, 1...Limits.attentionWidth)
        try check("feedForwardDimension", feedForwardDimension, 1...Limits.feedForwardDimension)
        try check("layers", layers, 1...Limits.layers)
        try check("classifierDimension", classifierDimension, 1...Limits.classifierDimension)
        try check("classes", classes, 2...Limits.classes)
        if let featureDimensionsArgument { try check("featureDimensionsArgument", featureDimensionsArgument, 1...Limits.featureArgument) }
        if let redrawEvery { try check("redrawEvery", redrawEvery, 0...Int(Int32.max)) }
        guard (0..<1).contains(dropout), (0..<1).contains(attentionDropout) else {
            throw ConfigurationError.invalid("model configuration: dropout \(dropout) / attention dropout \(attentionDropout) must be in [0, 1)")
        }
        try validateInputEmbedding()
        _ = try resolvedAttentionKernel()
        try kernelConfiguration(seed: 0).validate()
        let bytes = storedBytes
        guard bytes <= memoryLimit else {
            throw ConfigurationError.invalid("model configuration: its tensors need about \(SaturatingSize.describe(bytes: bytes)) (\(parameterCount) parameters; vocabulary \(vocabularySize) × width \(modelDimension), \(layers) layers, FFN \(feedForwardDimension), \(maxLength + 1) positions), more than the \(SaturatingSize.describe(bytes: memoryLimit)) of memory available")
        }
    }

    /// The side of the square images a patch embedding cuts, when `maxLength` is a square.
    public var imageSide: Int? {
        let side = Int(Double(maxLength).squareRoot().rounded())
        return side * side == maxLength ? side : nil
    }

    /// Pixel embeddings read pixel tokens (an image task's 257 ids) of single sequences; patches need
    /// square images (`maxLength` = side²) whose side the patch size divides.
    private func validateInputEmbedding() throws {
        guard inputEmbedding.readsPixels else { return }
        guard vocabularySize == InputEmbedding.pixelVocabularySize else {
            throw ConfigurationError.invalid("model configuration: the \(inputEmbedding) input embedding reads pixel tokens (an image task, vocabulary \(InputEmbedding.pixelVocabularySize)), but the vocabulary has \(vocabularySize) ids")
        }
        guard !pairInputs else { throw ConfigurationError.invalid("model configuration: pixel embeddings take single images, not pairs") }
        guard case .patches(let size) = inputEmbedding else { return }
        guard let side = imageSide else {
            throw ConfigurationError.invalid("model configuration: patches need square images, but maxLength \(maxLength) is not a square number of pixels")
        }
        guard size >= 1, size <= side, side % size == 0 else {
            throw ConfigurationError.invalid("model configuration: patch size \(size) must divide the image side \(side)")
        }
    }

    /// The kernel configuration of each attention layer (`seed` seeds the layer's draws). The kernel
    /// name must be known (`resolvedAttentionKernel()`); an unknown one falls back to softmax here and is
    /// refused by `validate()`.
    public func kernelConfiguration(seed: UInt64) -> KernelConfiguration {
        let redraw: RedrawPolicy? = redrawEvery.map { $0 == 1 ? .everyCall : $0 <= 0 ? .never : .every($0) }
        return KernelConfiguration(kernel: (try? resolvedAttentionKernel()) ?? .named(.softmax), headDimension: headDimension, heads: heads,
                                   maxLength: maxLength + 1, preset: kernelPreset, dimensionsArgument: featureDimensionsArgument,
                                   redraw: redraw, frozenInEvaluation: frozenInEvaluation, seed: seed)
    }
}
