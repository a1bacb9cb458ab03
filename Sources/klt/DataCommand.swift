import ArgumentParser
import Foundation
import KLTasks

/// `klt data`: make or inspect data sets.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Generate data sets in the Long Range Arena formats.", subcommands: [ListOpsData.self])
}

/// `klt data listops`: write a seeded ListOps set as LRA's basic_{train,val,test}.tsv.
struct ListOpsData: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listops",
        abstract: "Generate ListOps with LRA's generator (seeded) and write basic_{train,val,test}.tsv.")

    @Option(name: .shortAndLong, help: "Directory to write the three TSV files into.")
    var output: String

    @OptionGroup var generation: ListOpsGenerationOptions

    func run() throws {
        let configuration = generation.configuration
        let started = Date()
        let splits = try ListOpsGenerator(configuration: configuration).generate()
        let files = try splits.write(to: URL(fileURLWithPath: output))
        print("wrote \(splits.train.count) / \(splits.validation.count) / \(splits.test.count) examples (lengths \(configuration.minLength + 1)…\(configuration.maxLength - 1), seed \(configuration.seed)) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s:")
        for file in [files.train, files.validation, files.test] { print("  \(file.path)") }
    }
}

/// The generator's settings as command-line options (shared by `klt data listops` and `klt train`).
struct ListOpsGenerationOptions: ParsableArguments {
    @Option(help: "Training examples to generate.")
    var trainExamples = 8000
    @Option(help: "Validation examples to generate.")
    var validationExamples = 500
    @Option(help: "Test examples to generate.")
    var testExamples = 1000
    @Option(help: "Examples are kept only if longer than this many tokens (LRA: 500).")
    var minLength = 30
    @Option(help: "Examples are kept only if shorter than this many tokens (LRA: 2000).")
    var maxLength = 200
    @Option(help: "Maximum tree depth (LRA: 10).")
    var maxDepth = 10
    @Option(help: "Maximum arguments per operator (LRA: 10).")
    var maxArguments = 10
    @Option(help: "Seed of the generator.")
    var dataSeed: UInt64 = 0

    /// The generator configuration these options describe.
    var configuration: ListOpsGenerator.Configuration {
        ListOpsGenerator.Configuration(maxDepth: maxDepth, maxArguments: maxArguments, minLength: minLength, maxLength: maxLength,
                                       trainCount: trainExamples, validationCount: validationExamples, testCount: testExamples,
                                       seed: dataSeed)
    }
}
