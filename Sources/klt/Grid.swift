import ArgumentParser
import Foundation
import KLExperiments
import KLTasks
import KLTraining
import KLTransformer

/// `klt grid --checkpoint F`: how closely every kernel of the random-feature grid reproduces exact
/// softmax attention on the queries and keys of a trained model (best: one trained with softmax
/// attention), at each number of frequencies; prints a Markdown table and writes a CSV.
struct Grid: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grid",
        abstract: "Measure every COMPONENT+SOURCE kernel's error against softmax attention on a checkpoint's queries and keys.",
        discussion: """
            Queries and keys are the checkpoint model's own, projected in every layer, from the first --batches validation \
            batches of the task (run.json's task unless --task is given); values are fixed Gaussian draws. The error of a pair \
            is ‖A_φV − AV‖/‖AV‖ against softmax attention, averaged over sequences, layers and --draws frequency draws.
            """)

    @Option(help: "Checkpoint file (.safetensors) written by `klt train`.")
    var checkpoint: String
    @Option(help: "Numbers of frequencies M, comma-separated.")
    var frequencies = "64,256"
    @Option(help: "Kernels (COMPONENT+SOURCE), comma-separated (default: every pair with a fixed source).")
    var kernels: String?
    @Option(help: "Frequency draws averaged per kernel and M.")
    var draws = 3
    @Option(help: "Validation batches whose queries and keys are used.")
    var batches = 1
    @Option(help: "Examples per batch.")
    var batchSize = 16
    @Option(help: "Query/key positions per layer taken from the batches.")
    var tokens = 2048
    @Option(help: "Seed of the draws.")
    var seed: UInt64 = 1
    @Option(help: "CSV file of the results (default: grid.csv beside the checkpoint).")
    var csv: String?
    @OptionGroup var data: TaskOptions

    func validate() throws {
        guard draws > 0, batches > 0, batchSize > 0, tokens > 0 else {
            throw ValidationError("--draws, --batches, --batch-size and --tokens must be positive")
        }
        guard let counts = parsedFrequencies, !counts.isEmpty, counts.allSatisfy({ (1...(1 << 16)).contains($0) }) else {
            throw ValidationError("--frequencies must be a comma-separated list of counts in 1...65536, got '\(frequencies)'")
        }
        for name in kernelNames where RandomFeatureKernel(named: name) == nil {
            throw ValidationError("--kernels: \(RandomFeatureKernel.refusal(forName: name) ?? "'\(name)' is not COMPONENT+SOURCE")")
        }
    }

    var parsedFrequencies: [Int]? {
        let values = frequencies.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        return values.contains(nil) ? nil : values.compactMap { $0 }
    }

    var kernelNames: [String] {
        kernels?.split(separator: ",").map(String.init) ?? RandomFeatureKernel.all.filter { !$0.isLearned }.map(\.name)
    }

    func run() throws {
        let url = URL(fileURLWithPath: checkpoint)
        let contents = try Checkpoint.read(from: url)
        var options = data
        let taskGiven = CommandLine.arguments.contains { $0 == "--task" || $0.hasPrefix("--task=") }
        if !taskGiven, let task = (try? RunRecord.read(from: url.deletingLastPathComponent()))??.task,
           TrainingTask(rawValue: task) != nil {
            options.task = task
        }
        let splits = try options.splits(for: contents)
        let examples = splits.validation.isEmpty ? splits.test : splits.validation
        try Evaluate.checkTask(options.trainingTask, splits: splits, fit: contents)
        try Trainer.checkExamples(examples, fit: contents.configuration)
        let model = try SequenceClassifier(configuration: contents.configuration, seed: 0)
        try Checkpoint.restore(contents, into: model)
        let loaded = Array(Batcher(examples: examples, batchSize: batchSize).sequentialBatches().prefix(batches))
        let capture = AttentionCapture.capture(model: model, batches: loaded, tokenBudget: tokens)
        let pairs = kernelNames.compactMap { RandomFeatureKernel(named: $0) }
        print("queries and keys: \(capture.sequenceLengths.count) sequences × \(capture.layers.count) layers (\(capture.tokenCount) positions per layer) of \(url.path), kernel \(contents.configuration.kernel), head dimension \(contents.configuration.headDimension); \(draws) draws")
        let measured = GridApproximation(capture: capture, kernels: pairs, frequencies: parsedFrequencies ?? [], draws: draws, seed: seed)
        print(measured.markdown(), terminator: "")
        let csvURL = csv.map { URL(fileURLWithPath: $0) } ?? url.deletingLastPathComponent().appendingPathComponent("grid.csv")
        try AtomicFile.write(Data(measured.csv().utf8), to: csvURL)
        print("wrote \(csvURL.path)")
    }
}
