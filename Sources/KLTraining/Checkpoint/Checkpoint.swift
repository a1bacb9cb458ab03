import Foundation
import KLTensor
import KLTransformer

/// Everything besides tensors that a resumed run needs to continue exactly where it stopped.
public struct TrainingState: Codable, Equatable, Sendable {
    /// Optimizer updates completed.
    public var step: Int
    /// Best validation accuracy so far, and the step it was reached at.
    public var bestValidationAccuracy: Double
    /// Step of the best validation accuracy (−1 before the first evaluation).
    public var bestStep: Int
    /// The dropout generator, as it was after `step` updates (and the evaluations in between).
    public var dropoutGenerator: RandomGenerator
    /// Each feature map's generator, policy and call count, by layer.
    public var featureRandomness: [FeatureRandomness]
    /// The run's settings (checked on resume).
    public var settings: TrainingSettings
    /// Wall-clock seconds spent in training steps over every session of the run, so a resumed run
    /// reports its whole cost (nil in checkpoints written before this was recorded).
    public var trainingSeconds: Double?
    /// The lowest validation loss so far, for runs that keep their best checkpoint by loss
    /// (language-model pre-training); nil for classifier runs, which keep it by accuracy, and
    /// before the first evaluation.
    public var bestValidationLoss: Double?
}

extension TrainingState {
    /// Throws `TrainingError.invalidSetting` naming the first value that no run of a model of
    /// `configuration` can have written: invalid settings, a step outside 0...steps, a best step outside
    /// −1...step, a best accuracy that is not −1 or in [0, 1], a negative or non-finite training time,
    /// or random state for a different number of feature maps than the model has.
    public func validate(for configuration: EncoderConfiguration) throws {
        // The settings first: the ranges below are built from them (a negative step count is no range).
        try settings.validate()
        guard (0...settings.steps).contains(step) else { throw TrainingError.invalidSetting("step \(step) is outside 0...\(settings.steps)") }
        guard (-1...step).contains(bestStep) else { throw TrainingError.invalidSetting("best step \(bestStep) is outside -1...\(step)") }
        guard bestValidationAccuracy == -1 || (0...1).contains(bestValidationAccuracy) else {
            throw TrainingError.invalidSetting("best validation accuracy \(bestValidationAccuracy) is not in [0, 1]")
        }
        if let bestValidationLoss, !(bestValidationLoss >= 0 && bestValidationLoss.isFinite) {
            throw TrainingError.invalidSetting("best validation loss \(bestValidationLoss) is not a non-negative number")
        }
        if let trainingSeconds, !(trainingSeconds >= 0 && trainingSeconds.isFinite) {
            throw TrainingError.invalidSetting("training time \(trainingSeconds) s is not a non-negative number")
        }
        let maps = (try? configuration.resolvedKernel()) == .softmax ? 0 : configuration.layers
        guard featureRandomness.count == maps else {
            throw TrainingError.invalidSetting("it holds random state for \(featureRandomness.count) feature maps, the model has \(maps)")
        }
    }
}

/// Saving and restoring a model (a classifier or a pre-training language model) with its optimizer
/// and training state as one safetensors file.
///
/// Layout: tensors `param/<name>` (the model's parameters), `buffer/<name>` (feature-map draws and
/// running statistics), `adam.m/<name>` and `adam.v/<name>` (optimizer moments); metadata
/// `klt.format`, `klt.model` (the model's `checkpointKind`; files written before it existed hold
/// classifiers), `klt.configuration` (the `EncoderConfiguration` as JSON), `klt.state`
/// (`TrainingState` as JSON) and whatever else the caller adds (a language model's tokeniser).
/// Files are written atomically by `SafeTensorsFile`.
public enum Checkpoint {
    /// The format tag; a file without it is not a KLTransformer checkpoint.
    public static let format = "klt-checkpoint-1"

    /// The metadata key of the model kind.
    public static let modelKindKey = "klt.model"

    /// Writes the model, optimizer and state to `url`, with `extraMetadata` beside the entries
    /// above (keys outside the `klt.format`, `klt.model`, `klt.configuration`, `klt.state` and
    /// `klt.optimizerStep` this writes).
    public static func save(model: some CheckpointableModel, optimizer: AdamW?, state: TrainingState,
                            extraMetadata: [String: String] = [:], to url: URL) throws {
        var tensors: [String: Tensor] = [:]
        for parameter in model.parameters { tensors["param/" + parameter.name] = parameter.tensor }
        for buffer in model.buffers { tensors["buffer/" + buffer.name] = buffer.tensor }
        if let optimizer {
            for (index, parameter) in optimizer.parameters.enumerated() {
                tensors["adam.m/" + parameter.name] = optimizer.firstMoments[index]
                tensors["adam.v/" + parameter.name] = optimizer.secondMoments[index]
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let metadata = extraMetadata.merging([
            "klt.format": format,
            modelKindKey: type(of: model).checkpointKind,
            "klt.configuration": String(decoding: try encoder.encode(model.configuration), as: UTF8.self),
            "klt.state": String(decoding: try encoder.encode(state), as: UTF8.self),
            "klt.optimizerStep": String(optimizer?.step ?? 0),
        ]) { $1 }
        try SafeTensorsFile(tensors: tensors, metadata: metadata).write(to: url)
    }

    /// A checkpoint read from disk, not yet applied to a model.
    public struct Contents {
        /// The model configuration stored in the file.
        public let configuration: EncoderConfiguration
        /// The training state stored in the file.
        public let state: TrainingState
        /// All tensors by name.
        public let tensors: [String: Tensor]
        /// Optimizer steps taken.
        public let optimizerStep: Int
        /// Where it was read from (for messages).
        public let url: URL
        /// Every metadata entry of the file (the ones above as text, and any a caller added).
        public let metadata: [String: String]

        /// The kind of model the file holds (`CheckpointableModel.checkpointKind`).
        public var modelKind: String { metadata[Checkpoint.modelKindKey] ?? SequenceClassifier.checkpointKind }

        /// The tensor `kind + name` (`param/`, `buffer/`, `adam.m/`, `adam.v/` and a model's tensor
        /// name), or the one an earlier version wrote under `legacyName`, checked to have `shape`:
        /// else `TrainingError.incompatibleCheckpoint` naming the file and the tensor. A legacy
        /// tensor may lack axes of length 1 that the model's has (a FastFood diagonal of shape (d)
        /// is today's one block, (1, d)): the values are laid out the same, so it is reshaped.
        public func tensor(_ kind: String, _ name: String, shape: [Int], legacyName: String? = nil) throws -> Tensor {
            if tensors[kind + name] == nil, let legacyName, let legacy = tensors[kind + legacyName],
               legacy.shape != shape, legacy.shape.filter({ $0 != 1 }) == shape.filter({ $0 != 1 }) {
                return legacy.reshaped(to: shape)
            }
            guard let tensor = tensors[kind + name] ?? legacyName.flatMap({ tensors[kind + $0] }) else {
                throw TrainingError.incompatibleCheckpoint("\(url.path) has no tensor '\(kind + name)'")
            }
            guard tensor.shape == shape else {
                throw TrainingError.incompatibleCheckpoint("\(url.path): tensor '\(kind + name)' has shape \(tensor.shape), the model needs \(shape)")
            }
            return tensor
        }
    }

    /// Reads and validates a checkpoint file; a corrupt, truncated, edited or foreign file is refused
    /// with an error that names it. The checksum covers the metadata as well as the tensors (files
    /// written before it did are verified on their tensors alone), and the model configuration and
    /// training state in the metadata are decoded and validated (`EncoderConfiguration.validate()`,
    /// `TrainingState.validate(for:)`) before any tensor is allocated, so no model is ever built
    /// from a configuration that cannot be.
    public static func read(from url: URL) throws -> Contents {
        try read(url: url) { validate in try SafeTensorsFile(contentsOf: url, validatingMetadata: validate) }
    }

    /// Reads and validates a checkpoint from the bytes of the file at `url` (read elsewhere: rank 0
    /// of a data-parallel run reads the file and sends its bytes to the other ranks), as
    /// `read(from:)` does.
    public static func read(bytes: [UInt8], of url: URL) throws -> Contents {
        try read(url: url) { validate in try SafeTensorsFile(bytes: bytes, source: url.path, validatingMetadata: validate) }
    }

    /// The contents of the file `decode` parses, its metadata validated before any tensor is made.
    private static func read(url: URL, _ decode: (([String: String]) throws -> Void) throws -> SafeTensorsFile) throws -> Contents {
        var decoded: (configuration: EncoderConfiguration, state: TrainingState, optimizerStep: Int)?
        let file = try decode { metadata in
            decoded = try decodeMetadata(metadata, url: url)
        }
        guard let decoded else { throw TrainingError.incompatibleCheckpoint("\(url.path): its metadata was not read") }
        return Contents(configuration: decoded.configuration, state: decoded.state, tensors: file.tensors,
                        optimizerStep: decoded.optimizerStep, url: url, metadata: file.metadata)
    }

    /// The configuration, state and optimizer step in a checkpoint's metadata, each validated.
    static func decodeMetadata(_ metadata: [String: String], url: URL) throws -> (EncoderConfiguration, TrainingState, Int) {
        guard metadata["klt.format"] == format else {
            throw TrainingError.incompatibleCheckpoint("\(url.path) is not a KLTransformer checkpoint (metadata klt.format is \(metadata["klt.format"].map { "'\($0.prefix(80))'" } ?? "missing"))")
        }
        let decoder = JSONDecoder()
        let configuration: EncoderConfiguration, state: TrainingState
        do {
            configuration = try decoder.decode(EncoderConfiguration.self, from: Data((metadata["klt.configuration"] ?? "").utf8))
            state = try decoder.decode(TrainingState.self, from: Data((metadata["klt.state"] ?? "").utf8))
        } catch {
            throw TrainingError.incompatibleCheckpoint("\(url.path): its configuration or training state cannot be read (\(error))")
        }
        do {
            try configuration.validate()
        } catch {
            throw TrainingError.incompatibleCheckpoint("\(url.path): \(error)")
        }
        do {
            try state.validate(for: configuration)
        } catch {
            throw TrainingError.incompatibleCheckpoint("\(url.path): training state: \(error)")
        }
        guard let optimizerStep = Int(metadata["klt.optimizerStep"] ?? "0"), (0...state.step).contains(optimizerStep) else {
            throw TrainingError.incompatibleCheckpoint("\(url.path): klt.optimizerStep '\((metadata["klt.optimizerStep"] ?? "").prefix(40))' is not a step count in 0...\(state.step)")
        }
        return (configuration, state, optimizerStep)
    }

    /// Copies the checkpoint's parameters and buffers into `model` (and moments into `optimizer`),
    /// after checking that the file was written for a model of the same configuration and that every
    /// tensor is present with the right shape.
    public static func restore<Model: CheckpointableModel>(_ contents: Contents, into model: Model, optimizer: AdamW? = nil) throws {
        guard contents.modelKind == Model.checkpointKind else {
            throw TrainingError.incompatibleCheckpoint("\(contents.url.path) holds a \(contents.modelKind), not a \(Model.checkpointKind)")
        }
        guard contents.configuration == model.configuration else {
            throw TrainingError.incompatibleCheckpoint("\(contents.url.path) was written for another model configuration: \(contents.configuration) (this model: \(model.configuration))")
        }
        let legacyNames = model.legacyTensorNames
        func tensor(_ kind: String, _ name: String, shape: [Int]) throws -> Tensor {
            try contents.tensor(kind, name, shape: shape, legacyName: legacyNames[name])
        }
        let targets = model.parameters.map { ("param/", $0.name, $0.tensor) } + model.buffers.map { ("buffer/", $0.name, $0.tensor) }
        let sources = try targets.map { kind, name, target in try tensor(kind, name, shape: target.shape) }
        var moments: ([Tensor], [Tensor])?
        if let optimizer {
            moments = (try optimizer.parameters.map { try tensor("adam.m/", $0.name, shape: $0.tensor.shape) },
                       try optimizer.parameters.map { try tensor("adam.v/", $0.name, shape: $0.tensor.shape) })
        }
        let maps = model.featureMaps
        guard contents.state.featureRandomness.count == maps.count else {
            throw TrainingError.incompatibleCheckpoint("\(contents.url.path) holds random state for \(contents.state.featureRandomness.count) feature maps, the model has \(maps.count)")
        }
        // Everything checked: now copy.
        for ((_, _, target), source) in zip(targets, sources) { target.assign(source) }
        for (map, randomness) in zip(maps, contents.state.featureRandomness) { map.randomness = randomness }
        if let optimizer, let moments {
            try optimizer.restore(step: contents.optimizerStep, firstMoments: moments.0, secondMoments: moments.1)
        }
    }
}
