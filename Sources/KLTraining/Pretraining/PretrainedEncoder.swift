import Foundation
import KLTasks
import KLTransformer

/// The encoder of a masked-language-model checkpoint, ready to start a classifier from (the
/// paper's fine-tuning after pre-training): its configuration, its tokeniser, and the checkpoint's
/// tensors.
///
/// A classifier takes it when its encoder is the same network: the same vocabulary (the
/// tokeniser's), width, heads, head size, feed-forward size, layers, kernel, kernel constants,
/// feature count, redraw policy and layer ordering. Dropout, the maximum length (positions are
/// sinusoidal, not learned) and everything about the head may differ. The task's examples, UTF-8
/// bytes as ids b + 1, are re-encoded with the tokeniser first (`LabeledSplits.reencoded(with:)`).
public struct PretrainedEncoder {
    /// The checkpoint it comes from.
    public let contents: Checkpoint.Contents
    /// The objective, window length and corpus of the pre-training run.
    public let setup: PretrainingSetup
    /// The tokeniser the encoder was pre-trained with.
    public let tokenizer: BytePairEncoding

    /// The pre-trained encoder in `contents`, or an error naming the file when it is not a masked
    /// language model (a classifier, or a causal model, whose layers attend causally).
    public init(_ contents: Checkpoint.Contents) throws {
        guard contents.modelKind == MaskedLanguageModel.checkpointKind else {
            throw TrainingError.incompatibleCheckpoint("\(contents.url.path) holds a \(contents.modelKind), not a \(MaskedLanguageModel.checkpointKind): only a masked language model's encoder starts a classifier")
        }
        self.contents = contents
        (setup, tokenizer) = try PretrainingSetup.read(from: contents)
    }

    /// The encoder fields a classifier must share with the pre-trained model, each as it is named in
    /// messages, with both values.
    private static func encoderFields(_ c: EncoderConfiguration) -> [(String, String)] {
        [("vocabulary", "\(c.vocabularySize) ids"), ("width", "\(c.modelDimension)"), ("heads", "\(c.heads)"),
         ("head size", "\(c.headDimension)"), ("feed-forward size", "\(c.feedForwardDimension)"), ("layers", "\(c.layers)"),
         ("kernel", c.kernel), ("kernel constants", "\(c.kernelPreset)"),
         ("feature count", c.featureDimensionsArgument.map(String.init) ?? "the kernel's default"),
         ("redraw", c.redrawEvery.map(String.init) ?? "the kernel's default"), ("ordering", c.ordering.rawValue),
         ("input embedding", "\(c.inputEmbedding)")]
    }

    /// Throws `TrainingError.incompatibleCheckpoint` listing every encoder field in which a
    /// classifier of `configuration` differs from the pre-trained model (vocabulary, width, kernel, …).
    public func check(_ configuration: EncoderConfiguration) throws {
        let differences = zip(Self.encoderFields(contents.configuration), Self.encoderFields(configuration))
            .filter { $0.1 != $1.1 }
            .map { pretrained, classifier in "\(pretrained.0) \(classifier.1) here, \(pretrained.1) pre-trained" }
        guard differences.isEmpty else {
            throw TrainingError.incompatibleCheckpoint("\(contents.url.path): its encoder differs from this classifier's: \(differences.joined(separator: "; "))")
        }
    }

    /// Copies the pre-trained encoder's parameters, buffers and feature-map random state into
    /// `classifier`'s encoder (after `check(_:)`); its head keeps its fresh initialisation.
    public func load(into classifier: SequenceClassifier) throws {
        try check(classifier.configuration)
        let encoderTensors = (classifier.parameters.map { ("param/", $0) } + classifier.buffers.map { ("buffer/", $0) })
            .filter { $0.1.name.hasPrefix("encoder.") }
        let sources = try encoderTensors.map { kind, target in try contents.tensor(kind, target.name, shape: target.tensor.shape) }
        let maps = classifier.featureMaps
        guard contents.state.featureRandomness.count == maps.count else {
            throw TrainingError.incompatibleCheckpoint("\(contents.url.path) holds random state for \(contents.state.featureRandomness.count) feature maps, the classifier has \(maps.count)")
        }
        for ((_, target), source) in zip(encoderTensors, sources) { target.tensor.assign(source) }
        for (map, randomness) in zip(maps, contents.state.featureRandomness) { map.randomness = randomness }
    }
}
