import Foundation
import KLTraining
import KLTransformer

/// A checkpoint opened for inspection: the trained model, and the same model rebuilt at its
/// initialisation from the run's seed, so the learned distribution can be compared with where it
/// started.
///
/// `klt train` builds the model with `SequenceClassifier(configuration:seed:)` from its `--seed`,
/// which it also records in `run.json` and uses as the training settings' seed. The seed is taken
/// from, in order: the caller, `run.json` beside the checkpoint, the checkpoint's training settings.
/// A candidate is accepted only if it reproduces the checkpoint: every feature map's random key is
/// drawn from the model seed at construction and never changes, so the rebuilt maps' keys must
/// equal the keys saved in the checkpoint's training state.
public struct InspectedCheckpoint {
    /// The checkpoint file.
    public let url: URL
    /// What was read from it.
    public let contents: Checkpoint.Contents
    /// The kernel.
    public let family: KernelFamily
    /// The trained model (the checkpoint's parameters and buffers).
    public let trained: SequenceClassifier
    /// The same configuration built from the seed and never trained.
    public let initial: SequenceClassifier
    /// The model seed.
    public let seed: UInt64
    /// Where the seed came from, for the summary.
    public let seedSource: String
    /// `run.json` beside the checkpoint, if there is one.
    public let runRecord: RunRecord?

    /// Opens the checkpoint at `url`; `seed` overrides the seed found beside it.
    ///
    /// Throws `KernelInspectionError`: `.missingCheckpoint`, `.unreadableCheckpoint` (not a checkpoint,
    /// corrupt, written for an unknown kernel), `.nothingToInspect` (softmax, elu+1) or `.seedMismatch`.
    public init(url: URL, seed explicitSeed: UInt64? = nil) throws {
        guard FileManager.default.fileExists(atPath: url.path) else { throw KernelInspectionError.missingCheckpoint(path: url.path) }
        let contents: Checkpoint.Contents
        do {
            contents = try Checkpoint.read(from: url)
        } catch {
            throw KernelInspectionError.unreadableCheckpoint(path: url.path, reason: "\(error)")
        }
        if case .randomFeatures(let pair)? = AttentionKernel(named: contents.configuration.kernel) {
            throw KernelInspectionError.nothingToInspect(path: url.path, kernel: pair.name,
                                                         reason: "klt inspect draws the spectra of the named kernels; the COMPONENT+SOURCE grid's are not inspected yet (klt grid measures their error against softmax)")
        }
        let kernel: Kernel
        do {
            kernel = try contents.configuration.resolvedKernel()
        } catch {
            throw KernelInspectionError.unreadableCheckpoint(path: url.path, reason: "\(error)")
        }
        guard let family = KernelFamily(kernel) else {
            throw KernelInspectionError.nothingToInspect(path: url.path, kernel: kernel.rawValue,
                                                         reason: KernelFamily.reasonForNothingToInspect(kernel))
        }
        let record = try? RunRecord.read(from: url.deletingLastPathComponent())
        let candidates: [(UInt64, String)] = explicitSeed.map { [($0, "--seed")] }
            ?? (record.map { [($0.seed, "run.json")] } ?? []) + [(contents.state.settings.seed, "the checkpoint's training settings")]
        let savedKeys = contents.state.featureRandomness.map(\.generator.state.key)
        var tried: [String] = [], found: (SequenceClassifier, UInt64, String)?
        for (candidate, source) in candidates where !tried.contains(where: { $0.hasPrefix("seed \(candidate) ") }) {
            let model: SequenceClassifier
            do {
                model = try SequenceClassifier(configuration: contents.configuration, seed: candidate)
            } catch {
                throw KernelInspectionError.unreadableCheckpoint(path: url.path, reason: "its model configuration cannot be built (\(error))")
            }
            if model.featureMaps.map(\.randomness.generator.state.key) == savedKeys {
                found = (model, candidate, source)
                break
            }
            tried.append("seed \(candidate) (from \(source))")
        }
        guard let (initial, seed, source) = found else { throw KernelInspectionError.seedMismatch(path: url.path, tried: tried) }
        let trained = try SequenceClassifier(configuration: contents.configuration, seed: seed)
        do {
            try Checkpoint.restore(contents, into: trained)
        } catch {
            throw KernelInspectionError.unreadableCheckpoint(path: url.path, reason: "\(error)")
        }
        self.url = url
        self.contents = contents
        self.family = family
        self.trained = trained
        self.initial = initial
        self.seed = seed
        seedSource = source
        runRecord = record
    }

    /// The configuration of the model.
    public var configuration: EncoderConfiguration { contents.configuration }

    /// The trained model's feature maps, by layer.
    public var trainedMaps: [any FeatureMap] { trained.featureMaps }

    /// The initial model's feature maps, by layer.
    public var initialMaps: [any FeatureMap] { initial.featureMaps }
}
