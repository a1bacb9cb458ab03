import Foundation
import KLTasks
import KLTraining
import KLTransformer

extension FuzzTarget {
    /// A checkpoint's metadata → a validated configuration and training state (`Checkpoint.read`).
    ///
    /// The input is the three metadata values a checkpoint carries, separated by NUL bytes: the
    /// `klt.configuration` JSON, the `klt.state` JSON and `klt.optimizerStep`. They are written into a
    /// well-formed safetensors file with a correct checksum (so mutations reach the decoding and
    /// validation of the metadata, not just the checksum) and read back from disk the way `klt eval`
    /// and `--resume` read checkpoints. The container itself is the `safetensors` target's.
    static let checkpoint = FuzzTarget(
        name: "checkpoint", summary: "checkpoint metadata → configuration and state (Checkpoint.read)", maximumLength: 8192,
        fixtures: [],
        seeds: {
            try [Kernel.gmmPRF, .softmax, .fastFoodRKS].map { kernel in
                let metadata = try CheckpointSeed.metadata(kernel: kernel)
                let fields = CheckpointSeed.keys.map { metadata[$0] ?? "" }
                return Array(fields.joined(separator: "\0").utf8)
            }
        },
        read: { bytes in
            var metadata = ["klt.format": Checkpoint.format]
            for (key, value) in zip(CheckpointSeed.keys, bytes.split(separator: 0, omittingEmptySubsequences: false)) {
                metadata[key] = String(decoding: value, as: UTF8.self)
            }
            let file = try SafeTensorsFile(tensors: [:], metadata: metadata).encoded()
            _ = try Checkpoint.read(from: ScratchFile.write(file, to: "fuzz.safetensors"))
        },
        // What the seeds lack: other kernels and enum cases, the optional fields, JSON's odd values.
        dictionary: Kernel.allCases.map { "\"\($0.rawValue)\"" } + KernelPreset.allCases.map { "\"\($0.rawValue)\"" }
            + EncoderConfiguration.Pooling.allCases.map { "\"\($0.rawValue)\"" }
            + EncoderConfiguration.LayerOrdering.allCases.map { "\"\($0.rawValue)\"" }
            + EncoderConfiguration.PairFeatures.allCases.map { "\"\($0.rawValue)\"" }
            + ["\"featureDimensionsArgument\":", "\"redrawEvery\":", "\"pairInputs\":", "\"clipNorm\":", "\"evaluationBatches\":",
               "\"warmupRsqrt\":{\"base\":", "\"warmupCosine\":{\"peak\":", "\"warmup\":", "\"total\":", "\"every\":",
               "null", "true", "false", "\"\"", "{}", "[]", "\u{0}"]
            + LibFuzzerDictionary.edgeNumbers)
}

/// Real checkpoint metadata for the seeds, from two steps of the library's own trainer.
enum CheckpointSeed {
    /// The metadata entries the input holds, in input order.
    static let keys = ["klt.configuration", "klt.state", "klt.optimizerStep"]

    /// The metadata of the last checkpoint of a two-step run of a tiny `kernel` model.
    static func metadata(kernel: Kernel) throws -> [String: String] {
        let configuration = EncoderConfiguration.preset(.tiny, vocabularySize: 8, maxLength: 6, classes: 2, kernel: kernel.rawValue)
        let examples = (0..<4).map { ClassificationExample(tokens: [1 + $0, 2, 3], label: $0 % 2) }
        let directory = try ScratchFile.folder("seed-run-\(kernel.rawValue)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let trainer = try Trainer(
            model: SequenceClassifier(configuration: configuration, seed: 1), train: examples, validation: examples, test: nil,
            settings: TrainingSettings(steps: 2, batchSize: 2, schedule: .constant(1e-3), evaluationInterval: 1, seed: 2),
            runDirectory: directory, progress: ProgressReporter(enabled: false))
        try trainer.run()
        return try SafeTensorsFile(contentsOf: trainer.lastCheckpointURL).metadata
    }
}
