import ArgumentParser
import Foundation
import KLExperiments
import KLTasks
import KLTraining

/// `klt inspect --checkpoint F`: what the kernel of a trained model learned, per layer and head —
/// the spectral distribution at initialisation and after training, the kernel κ(q, k) beside the
/// softmax and Gaussian kernels, and the random-feature approximation error on a real batch as the
/// number of frequencies grows. Writes SVG charts, `summary.txt` (also printed) and `index.html`.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what a checkpoint's kernel learned: spectral distribution, kernel function, approximation error.",
        discussion: """
            The initial distribution is rebuilt from the run's seed (run.json beside the checkpoint, or --seed) and checked \
            against the checkpoint. Queries and keys come from the first --batches validation batches of the task the run \
            trained on (run.json's task unless --task is given). Writes into --output-dir (default: inspect/ beside the \
            checkpoint): spectrum-layerN.svg, kernel-layerN.svg, approximation.svg, summary.txt and index.html.
            """)

    @Option(help: "Checkpoint file (.safetensors) written by `klt train`.")
    var checkpoint: String
    @Option(help: "Where the charts and summary go (default: inspect/ beside the checkpoint).")
    var outputDir: String?
    @Option(help: "Validation batches whose queries and keys are used.")
    var batches = 1
    @Option(help: "Examples per batch.")
    var batchSize = 32
    @Option(help: "The model's seed (default: run.json's, or the checkpoint's training seed).")
    var seed: UInt64?
    @Option(help: "Largest number of frequencies M of the approximation error (M = 8, 16, … up to it).")
    var maxFrequencies = 1024
    @Option(help: "Redraws averaged at each M.")
    var redraws = 4
    @Option(help: "Query/key positions per layer taken from the batches.")
    var tokens = 512
    @Option(help: "Seed of the inspection's own draws.")
    var inspectionSeed: UInt64 = 1
    @OptionGroup var data: TaskOptions

    func validate() throws {
        guard batches > 0, batchSize > 0, redraws > 0, tokens > 0 else {
            throw ValidationError("--batches, --batch-size, --redraws and --tokens must be positive")
        }
        guard maxFrequencies >= 8 else { throw ValidationError("--max-frequencies must be at least 8, got \(maxFrequencies)") }
    }

    func run() throws {
        let url = URL(fileURLWithPath: checkpoint)
        let inspected: InspectedCheckpoint
        do {
            inspected = try InspectedCheckpoint(url: url, seed: seed)
        } catch let error as KernelInspectionError {
            guard case .nothingToInspect = error else { throw error }
            print(error.description)
            return
        }
        var options = data
        let taskGiven = CommandLine.arguments.contains { $0 == "--task" || $0.hasPrefix("--task=") }
        if !taskGiven, let task = inspected.runRecord?.task, task != options.task, TrainingTask(rawValue: task) != nil {
            options.task = task
        }
        options.maxTokens = options.maxTokens ?? inspected.configuration.maxLength
        let splits = try options.load(scale: .cpu) { print($0) }
        let examples = splits.validation.isEmpty ? splits.test : splits.validation
        try Evaluate.checkTask(options.trainingTask, splits: splits, fit: inspected.contents)   // the model can read this task's data
        try Trainer.checkExamples(examples, fit: inspected.configuration)
        let loaded = Array(Batcher(examples: examples, batchSize: batchSize).sequentialBatches().prefix(batches))
        guard !loaded.isEmpty else { throw KernelInspectionError.noData("task \(options.task) has no validation or test examples to run \(url.path) on") }
        let frequencies = Array(sequence(first: 8) { $0 * 2 }.prefix { $0 <= maxFrequencies })
        let settings = InspectionSettings(frequencies: frequencies, redraws: redraws, tokenBudget: tokens, seed: inspectionSeed)
        let inspection = KernelInspection(checkpoint: inspected, batches: loaded, settings: settings)
        let directory = outputDir.map { URL(fileURLWithPath: $0) } ?? url.deletingLastPathComponent().appendingPathComponent("inspect")
        let written = try inspection.write(to: directory)
        print(inspection.summary, terminator: "")
        print("task \(options.task), \(loaded.count) validation batch\(loaded.count == 1 ? "" : "es"); wrote \(written.count) files to \(directory.path):")
        for file in written { print("  \(file.lastPathComponent)") }
    }
}
