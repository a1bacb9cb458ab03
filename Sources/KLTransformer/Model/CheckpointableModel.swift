/// A model whose whole state a checkpoint can hold and give back: its configuration, its trained
/// parameters, its feature maps' non-trained buffers and random state (`FeatureMapOwner`), and the names earlier
/// versions gave its tensors. Classifiers and the pre-training language models conform, so one
/// checkpoint format (and one resume path) serves them all.
public protocol CheckpointableModel: Module, FeatureMapOwner {
    /// What kind of model this is, written into checkpoints (`klt.model`) so that a file of one
    /// kind is never loaded into another: `classifier`, `masked-language-model`, …
    static var checkpointKind: String { get }
    /// The configuration the model was built from (checked against a checkpoint's before loading).
    var configuration: EncoderConfiguration { get }
    /// The names earlier versions gave parameters and buffers, keyed by today's full names.
    var legacyTensorNames: [String: String] { get }
}

extension SequenceClassifier: CheckpointableModel {
    /// `classifier`: also what a checkpoint without a `klt.model` entry (written before language
    /// models existed) holds.
    public static var checkpointKind: String { "classifier" }
}
