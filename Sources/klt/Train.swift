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
            'cpu' preset, evaluates the best-on-validation checkpoint on the test split. --data-dir reads LRA-format \
            TSV files instead (basic_{train,val,test}.tsv or {train,valid,test}.tsv).
            """)

    @Option(help: "Task: listops.")
    var task = "listops"
    @Option(help: "Attention kernel (paper name or official alias; see `klt kernels`).")
    var kernel = Kernel.gmmPRF.rawValue
    @Option(help: "Model size: \(EncoderConfiguration.Preset.allCases.map(\.rawValue).joined(separator: ", ")).")
    var preset = EncoderConfiguration.Preset.cpu.rawValue
    @Option(help: "Layer ordering: official (the paper's code) or preLayerNorm.")
    var ordering = EncoderConfiguration.LayerOrdering.official.rawValue
    @Option(help: "Optimizer updates.")
    var steps = 4000
    @Option(help: "Examples per update.")
    var batchSize = 32
    @Option(name: .customLong("lr"), help: "Peak learning rate (reached at the end of warmup).")
    var learningRate = 1e-3
    @Option(help: "Warmup steps (default: 10% of --steps).")
    var warmup: Int?
    @Option(help: "Schedule after warmup: rsqrt (LRA's), cosine, or constant.")
    var schedule = "rsqrt"
    @Option(help: "Clip the global gradient norm to this value (default: no clipping, as the paper).")
    var clip: Double?
    @Option(help: "Weight decay (AdamW, decoupled).")
    var weightDecay = 0.1
    @Option(help: "Seed of the model, data order and dropout.")
    var seed: UInt64 = 1
    @Option(help: "Directory with LRA-format TSV files (instead of generated data).")
    var dataDir: String?
    @Option(help: "Where generated data sets are cached.")
    var cacheDir: String?
    @Option(help: "Run directory for checkpoints and metrics (default: runs/<task>-<kernel>-seed<seed>).")
    var outputDir: String?
    @Option(help: "Evaluate on validation and checkpoint every this many steps.")
    var evalEvery = 250
    @Option(help: "Validation batches per periodic evaluation (default: all).")
    var evalBatches: Int?
    @Option(help: "Truncate sequences to this many tokens (default: the longest example).")
    var maxTokens: Int?
    @Option(help: "Override the kernel's feature-count argument (the official n_dims).")
    var features: Int?
    @Option(help: "Redraw random features every N calls (1 = every call, 0 = never; default: the kernel's).")
    var redraw: Int?
    @Flag(help: "Keep the random features fixed during evaluation.")
    var frozenEval = false
    @Flag(help: "Continue the run in --output-dir from its last checkpoint.")
    var resume = false
    @Option(help: "Stop after this many steps in total (continue later with --resume).")
    var stopAfter: Int?
    @Flag(help: "Print only the final report.")
    var quiet = false
    @OptionGroup(title: "Generated ListOps (when --data-dir is not given)") var generation: ListOpsGenerationOptions

    func validate() throws {
        guard task == "listops" else { throw ValidationError("unknown --task '\(task)'; available: listops") }
        guard Kernel(named: kernel) != nil else {
            throw ValidationError("unknown --kernel '\(kernel)'; run `klt kernels` for the list")
        }
        guard EncoderConfiguration.Preset(rawValue: preset) != nil else {
            throw ValidationError("unknown --preset '\(preset)'; available: \(EncoderConfiguration.Preset.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard EncoderConfiguration.LayerOrdering(rawValue: ordering) != nil else {
            throw ValidationError("unknown --ordering '\(ordering)'; available: official, preLayerNorm")
        }
        guard ["rsqrt", "cosine", "constant"].contains(schedule) else {
            throw ValidationError("unknown --schedule '\(schedule)'; available: rsqrt, cosine, constant")
        }
        guard steps > 0, batchSize > 0, evalEvery > 0 else { throw ValidationError("--steps, --batch-size and --eval-every must be positive") }
        guard learningRate > 0, learningRate.isFinite else { throw ValidationError("--lr must be positive, got \(learningRate)") }
        if let warmup, warmup < 0 { throw ValidationError("--warmup must not be negative, got \(warmup)") }
        if let maxTokens, maxTokens <= 0 { throw ValidationError("--max-tokens must be positive, got \(maxTokens)") }
        if let clip, !(clip > 0) { throw ValidationError("--clip must be positive, got \(clip)") }
        if let stopAfter, stopAfter <= 0 { throw ValidationError("--stop-after must be positive, got \(stopAfter)") }
    }

    func run() throws {
        let report = ProgressReporter(enabled: !quiet)
        report.message(BackendDescription.line)
        let data = try loadData(report)
        let longest = (data.train + data.validation + data.test).map(\.tokens.count).max() ?? 1
        let kernelName = Kernel(named: kernel)!.rawValue
        var configuration = EncoderConfiguration.preset(EncoderConfiguration.Preset(rawValue: preset)!,
                                                        vocabularySize: ListOpsTokenizer.vocabularySize,
                                                        maxLength: maxTokens ?? longest, classes: ListOpsDataset.classCount,
                                                        kernel: kernelName)
        configuration.ordering = EncoderConfiguration.LayerOrdering(rawValue: ordering)!
        configuration.featureDimensionsArgument = features
        configuration.redrawEvery = redraw
        configuration.frozenInEvaluation = frozenEval
        let model = try SequenceClassifier(configuration: configuration, seed: seed)
        let warmupSteps = warmup ?? max(1, steps / 10)
        let rateSchedule: LearningRateSchedule = switch schedule {
        case "cosine": .warmupCosine(peak: learningRate, warmup: warmupSteps, total: steps)
        case "constant": .constant(learningRate)
        default: .warmupRsqrt(base: learningRate * Double(max(warmupSteps, 1)).squareRoot(), warmup: warmupSteps)
        }
        let settings = TrainingSettings(steps: steps, batchSize: batchSize, schedule: rateSchedule,
                                        optimizer: AdamW.Settings(weightDecay: weightDecay), clipNorm: clip,
                                        evaluationInterval: evalEvery, evaluationBatches: evalBatches, seed: seed)
        let runDirectory = URL(fileURLWithPath: outputDir ?? "runs/\(task)-\(kernelName)-seed\(seed)")
        let trainer = try Trainer(model: model, train: data.train, validation: data.validation, test: data.test,
                                  settings: settings, runDirectory: runDirectory, progress: report)
        if resume {
            try trainer.resume(from: trainer.lastCheckpointURL)
            report.message("resuming \(runDirectory.path) at step \(trainer.completedSteps)")
        }
        let parameterCount = model.parameters.reduce(0) { $0 + $1.tensor.count }
        report.message("model: \(preset) preset, kernel \(kernelName), \(configuration.layers) layers × width \(configuration.modelDimension), \(configuration.heads) heads × \(configuration.headDimension), \(parameterCount) parameters; data: \(data.train.count) train / \(data.validation.count) validation / \(data.test.count) test, up to \(configuration.maxLength) tokens")
        let result = try trainer.run(stopAfter: stopAfter)
        let test = result.test ?? result.bestValidation
        print(String(format: "test accuracy %.2f%% (majority-class baseline %.2f%%), best validation accuracy %.2f%% at step %d; %d steps in %@",
                     100 * test.accuracy, 100 * result.majorityBaseline, 100 * result.bestValidation.accuracy, result.bestStep,
                     trainer.completedSteps, ProgressReporter.duration(result.trainingSeconds)))
        print("checkpoint: \(result.bestCheckpoint.path) (best), \(result.lastCheckpoint.path) (last, for --resume)")
        print("metrics: \(runDirectory.appendingPathComponent("metrics.jsonl").path), summary: \(runDirectory.appendingPathComponent("summary.json").path)")
        print("evaluate it again: klt eval --checkpoint \(result.bestCheckpoint.path)\(dataDir.map { " --data-dir \($0)" } ?? "")")
    }

    /// The splits from --data-dir, or a generated set from the cache (generated and cached on first use).
    private func loadData(_ report: ProgressReporter) throws -> (train: [ClassificationExample], validation: [ClassificationExample], test: [ClassificationExample]) {
        let directory: URL
        if let dataDir {
            directory = URL(fileURLWithPath: dataDir)
        } else {
            directory = ListOpsCache.directory(for: generation.configuration, root: cacheDir)
            if (try? ListOpsFiles.locate(in: directory)) == nil {
                report.message("generating ListOps (\(generation.trainExamples)/\(generation.validationExamples)/\(generation.testExamples) examples, \(generation.minLength + 1)…\(generation.maxLength - 1) tokens) into \(directory.path)")
                _ = try ListOpsGenerator(configuration: generation.configuration).generate().write(to: directory)
            }
        }
        let splits = try ListOpsDataset.splits(in: directory, maximumLength: maxTokens ?? ListOpsDataset.defaultMaximumLength)
        return (splits.train.examples, splits.validation.examples, splits.test.examples)
    }
}

/// Where generated ListOps sets are cached: one directory per generator configuration.
enum ListOpsCache {
    /// `<root>/listops-<min>-<max>-d<depth>-a<args>-<train>-<val>-<test>-s<seed>`, root defaulting to
    /// `$XDG_CACHE_HOME/klt` or `~/.cache/klt`.
    static func directory(for c: ListOpsGenerator.Configuration, root: String?) -> URL {
        let environment = ProcessInfo.processInfo.environment
        let base = root.map { URL(fileURLWithPath: $0) }
            ?? environment["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0).appendingPathComponent("klt") }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/klt")
        return base.appendingPathComponent(
            "listops-\(c.minLength)-\(c.maxLength)-d\(c.maxDepth)-a\(c.maxArguments)-\(c.trainCount)-\(c.validationCount)-\(c.testCount)-s\(c.seed)")
    }
}
