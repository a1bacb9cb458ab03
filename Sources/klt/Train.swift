import ArgumentParser
import Foundation
import KLTasks
import KLTensor
import KLTraining
import KLTransformer

/// `klt train`: train a classifier on a task and report its test accuracy.
///
/// With no arguments it generates a small ListOps set (cached), trains the paper's default learned
/// kernel (GMM-PRF) at CPU scale for about ten minutes on two cores, and prints the test accuracy
/// beside the majority-class baseline.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a learned-kernel Transformer classifier and evaluate it.",
        discussion: """
            With no options: generates a small ListOps set (cached under --cache-dir), trains GMM-PRF at the \
            'cpu' preset, evaluates the best-on-validation checkpoint on the test split. --task picks another task \
            (generated, fetched from the package registries, or read from --data-dir); see `klt data tasks`. \
            Under `mpirun -np N` it trains data-parallel: each rank takes its share of every batch, gradients are \
            summed over the ranks, rank 0 writes the run; --resume works with any N.
            """)

    @OptionGroup var modelOptions: ModelOptions
    @Option(parsing: .unconditional, help: "Seed of the model, data order and dropout.")
    var seed: UInt64 = 1
    @Option(help: "Run directory for checkpoints and metrics (default: runs/<task>-<kernel>-seed<seed>).")
    var outputDir: String?
    @Option(help: "Pair tasks: what the head reads, concatenation ([e1; e2], the paper's) or interactions ([e1; e2; e1*e2; e1-e2], LRA's).")
    var pairFeatures = EncoderConfiguration.PairFeatures.concatenation.rawValue
    @Option(help: "Image tasks: how pixels become vectors: tokens (LRA's: a learned vector per intensity), linear (intensity × a learned vector, one position per pixel) or patch-P (P×P patches through a learned linear map).")
    var pixelEmbedding = InputEmbedding.tokens.description
    @Option(parsing: .unconditional, help: "Image tasks: embed P×P patches (the same as --pixel-embedding patch-P).")
    var patch: Int?
    @Option(parsing: .unconditional, help: "Under mpirun: compare the ranks' parameter checksums every this many steps (and at every evaluation).")
    var checksumEvery = 100
    @Option(help: "Start from the parameters (and feature draws) of this checkpoint: a classifier of the same model (the next stage of a curriculum), or a `klt pretrain --objective masked` checkpoint, whose encoder and tokeniser a text task fine-tunes with a new head. The optimizer, schedule and step count start afresh.")
    var initFrom: String?
    @Option(help: "Text tasks: re-encode the task's bytes with this byte-pair vocabulary (a JSON file from `klt data corpus --tokenizer-output`, or a checkpoint that holds one, such as a `klt pretrain` run's) and train from a fresh initialisation on its tokens: the from-scratch control of a fine-tuning, reading what the fine-tuned model reads.")
    var tokenizer: String?
    @OptionGroup var optimization: OptimizationOptions
    @OptionGroup var runOptions: RunOptions
    @OptionGroup var data: TaskOptions

    func validate() throws {
        guard EncoderConfiguration.PairFeatures(rawValue: pairFeatures) != nil else {
            throw ValidationError("unknown --pair-features '\(pairFeatures)'; available: \(EncoderConfiguration.PairFeatures.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard InputEmbedding(named: pixelEmbedding) != nil else {
            throw ValidationError("unknown --pixel-embedding '\(pixelEmbedding)'; available: tokens, linear, patch-P (e.g. patch-4)")
        }
        if let patch {
            guard patch >= 1 else { throw ValidationError("--patch must be positive, got \(patch)") }
            guard pixelEmbedding == InputEmbedding.tokens.description || pixelEmbedding == "patch-\(patch)" else {
                throw ValidationError("--patch \(patch) and --pixel-embedding \(pixelEmbedding) name two embeddings; give one")
            }
        }
        guard checksumEvery > 0 else { throw ValidationError("--checksum-every must be positive, got \(checksumEvery)") }
    }

    /// The byte-pair vocabulary in the file at `path`: a checkpoint's stored tokeniser, or a JSON
    /// vocabulary file; a checkpoint without one is refused, naming it.
    static func readTokenizer(_ path: String) throws -> BytePairEncoding {
        let url = URL(fileURLWithPath: path)
        guard url.pathExtension == "safetensors" else { return try BytePairEncoding(contentsOf: url) }
        guard let tokenizer = try Checkpoint.read(from: url).storedTokenizer() else {
            throw ValidationError("--tokenizer \(path): the checkpoint holds no byte-pair vocabulary (it reads its task's own ids)")
        }
        return tokenizer
    }

    /// The input embedding `--pixel-embedding` and `--patch` ask for.
    var inputEmbedding: InputEmbedding { patch.map { .patches(size: $0) } ?? InputEmbedding(named: pixelEmbedding)! }

    /// The run directory: --output-dir, or one named after the task, kernel and seed.
    var runDirectory: URL {
        URL(fileURLWithPath: outputDir ?? "runs/\(data.trainingTask.rawValue)-\(modelOptions.kernelName)-seed\(seed)")
    }

    func run() throws {
        guard ParentProcess.followParentIfAnnounced() else { throw ExitCode.failure }
        let group = try ProcessGroup.world()
        try group.running { try train(in: group) }
    }

    /// The run, as one process or as one rank of `group` (only rank 0 touches the run directory).
    private func train(in group: ProcessGroup) throws {
        if let threads = runOptions.threads {
            Parallel.threadCount = threads
        } else if group.isDistributed, (try? ThreadCount.requested()) == nil {
            Parallel.threadCount = MPILauncher.threadsPerRank()
        }
        let runDirectory = runDirectory
        // Folders made here are removed again if the run is refused before it writes anything.
        let createdFolders = group.isRoot ? try RunDirectory.prepare(runDirectory, resume: runOptions.resume, overwrite: runOptions.overwrite) : []
        defer { RunDirectory.removeEmptyFolders(createdFolders) }
        let report = ProgressReporter(enabled: !runOptions.quiet && group.isRoot)
        report.message(BackendDescription.line(for: group))
        let scale = modelOptions.scale
        let task = data.trainingTask
        // A masked language model's checkpoint gives the encoder and the tokeniser; the task's bytes
        // are re-encoded with it before anything is sized from them.
        let initial = try initFrom.map { try Checkpoint.read(from: URL(fileURLWithPath: $0)) }
        let pretrained = try initial.flatMap { $0.modelKind == SequenceClassifier.checkpointKind ? nil : try PretrainedEncoder($0) }
        if pretrained != nil, !task.readsBytes {
            throw ValidationError("--init-from \(initFrom ?? ""): a pre-trained text encoder reads bytes, and --task \(task.rawValue) is not a text task (take one of \(TrainingTask.allCases.filter(\.readsBytes).map(\.rawValue).joined(separator: ", ")))")
        }
        if let tokenizer {
            guard pretrained == nil else {
                throw ValidationError("--tokenizer \(tokenizer) and --init-from \(initFrom ?? ""): the pre-trained encoder brings its own tokeniser; leave out --tokenizer")
            }
            guard task.readsBytes else {
                throw ValidationError("--tokenizer \(tokenizer): a byte-pair vocabulary re-encodes bytes, and --task \(task.rawValue) is not a text task (take one of \(TrainingTask.allCases.filter(\.readsBytes).map(\.rawValue).joined(separator: ", ")))")
            }
        }
        let subwords = try pretrained?.tokenizer ?? tokenizer.map(Self.readTokenizer)
        var splits = try data.load(scale: scale) { report.message($0) }
        if let subwords {
            splits = try splits.reencoded(with: subwords)
            report.message("re-encoded the task with the \(pretrained == nil ? "given" : "pre-trained") tokeniser (\(subwords.vocabularySize) ids)")
        }
        let all = splits.train + splits.validation + splits.test
        let longest = all.map { max($0.tokens.count, $0.pairedTokens?.count ?? 0) }.max() ?? 1
        let kernelName = modelOptions.kernelName
        var configuration = task.modelConfiguration(scale: scale, splits: splits, maxLength: longest, kernel: kernelName)
        modelOptions.apply(to: &configuration)
        configuration.pairFeatures = EncoderConfiguration.PairFeatures(rawValue: pairFeatures)!
        configuration.inputEmbedding = inputEmbedding
        // Everything the run needs is checked before the model is built: the configuration (sizes,
        // the kernel's feature count, the model's memory) and the memory plan of a training step.
        try configuration.validate()
        try pretrained?.check(configuration)
        let batchExamples = min(optimization.batchSize, max(splits.train.count, splits.validation.count, splits.test.count))
        try MemoryPlan(configuration: configuration, batchSize: batchExamples, length: longest, training: true).check()
        let model = try SequenceClassifier(configuration: configuration, seed: seed)
        if let initFrom, let initial {
            if let pretrained {
                try pretrained.load(into: model)
                report.message("encoder from \(initFrom) (\(pretrained.setup.objective) pre-training on \(pretrained.setup.corpus), step \(initial.state.step)), new head")
            } else {
                try Checkpoint.restore(initial, into: model)
                report.message("initialised from \(initFrom) (step \(initial.state.step) of its run)")
            }
        }
        let settings = optimization.settings(seed: seed)
        let trainer = try Trainer(model: model, train: splits.train, validation: splits.validation, test: splits.test,
                                  settings: settings, runDirectory: runDirectory, progress: report,
                                  parallelism: DataParallelism(group: group, checksumInterval: checksumEvery),
                                  checkpointMetadata: subwords.map { [PretrainingSetup.tokenizerKey: $0.fileText] } ?? [:])
        if runOptions.resume, try trainer.resumeFromLastCheckpoint() {
            report.message("resuming \(runDirectory.path) at step \(trainer.completedSteps)")
        } else if group.isRoot {
            try RunLog.truncate(in: runDirectory, afterStep: 0)
        }
        if group.isRoot {
            try RunRecord(arguments: Array(CommandLine.arguments.dropFirst()), task: task.rawValue, kernel: kernelName,
                          seed: seed, preset: modelOptions.preset, threads: Parallel.threadCount, backend: BackendDescription.line(for: group),
                          configuration: configuration, settings: settings).write(to: runDirectory)
        }
        let parameterCount = model.parameters.reduce(0) { $0 + $1.tensor.count }
        report.message("task \(task.rawValue): \(splits.train.count) train / \(splits.validation.count) validation / \(splits.test.count) test, up to \(configuration.maxLength) tokens\(task.isPairTask ? " per document" : ""), \(splits.classCount) classes")
        report.message("model: \(modelOptions.preset) preset, kernel \(kernelName), \(configuration.inputEmbedding == .tokens ? "" : "\(configuration.inputEmbedding) pixel embedding, ")\(configuration.layers) layers × width \(configuration.modelDimension), \(configuration.heads) heads × \(configuration.headDimension), \(parameterCount) parameters")
        let result = try trainer.run(stopAfter: runOptions.stopAfter)
        guard group.isRoot else { return }
        let test = result.test ?? result.bestValidation
        print(String(format: "test accuracy %.2f%% (majority-class baseline %.2f%%), best validation accuracy %.2f%% at step %d; %d steps in %@",
                     100 * test.accuracy, 100 * result.majorityBaseline, 100 * result.bestValidation.accuracy, result.bestStep,
                     trainer.completedSteps, ProgressReporter.duration(result.trainingSeconds)))
        print("checkpoint: \(result.bestCheckpoint.path) (best), \(result.lastCheckpoint.path) (last, for --resume)")
        print("metrics: \(runDirectory.appendingPathComponent("metrics.jsonl").path), summary: \(runDirectory.appendingPathComponent("summary.json").path)")
        let dataFlags = (task == .listOps ? "" : " --task \(task.rawValue)") + (data.dataDir.map { " --data-dir \($0)" } ?? "")
        print("evaluate it again: klt eval --checkpoint \(result.bestCheckpoint.path)\(dataFlags)")
    }
}
