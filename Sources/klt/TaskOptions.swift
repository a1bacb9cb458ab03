import ArgumentParser
import Foundation
import KLTasks
import KLTraining
import KLTransformer

/// Which task and which data: shared by `klt train` and `klt eval`, so that evaluation finds the same
/// generated or fetched data the run trained on.
struct TaskOptions: ParsableArguments {
    @Option(help: "Task: \(TrainingTask.allCases.map(\.rawValue).joined(separator: ", ")) (see `klt data tasks`).")
    var task = TrainingTask.listOps.rawValue
    @Option(help: "Directory with the task's real files (LRA TSV/PNG, cifar-10-batches-bin, aclImdb, …) instead of generated or fetched data.")
    var dataDir: String?
    @Option(help: "Where generated and fetched data sets are cached (default: $XDG_CACHE_HOME/klt or ~/.cache/klt).")
    var cacheDir: String?
    @Option(parsing: .unconditional, help: "Truncate sequences (each document, for pairs) to this many tokens (default: the task's length at the chosen --preset).")
    var maxTokens: Int?
    @Option(parsing: .unconditional, help: "Seed of generated data and of deterministic splits.")
    var dataSeed: UInt64 = 0
    @Option(parsing: .unconditional, help: "Pathfinder: images to generate.")
    var pathfinderImages = 4000
    @Option(help: "Pathfinder: difficulty (easy, intermediate, hard = contour length 6, 9, 14), or a contour length \(TaskOptions.contourLengths.lowerBound)…\(TaskOptions.contourLengths.upperBound) (for a curriculum).")
    var difficulty = PathfinderDifficulty.hard.rawValue
    @OptionGroup(title: "Generated ListOps") var listOps: ListOpsGenerationOptions

    func validate() throws {
        guard TrainingTask(rawValue: task) != nil else {
            throw ValidationError("unknown --task '\(task)'; available: \(TrainingTask.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard contourLength != nil else {
            throw ValidationError("unknown --difficulty '\(difficulty)'; available: \(PathfinderDifficulty.allCases.map(\.rawValue).joined(separator: ", ")), or a contour length \(Self.contourLengths.lowerBound)…\(Self.contourLengths.upperBound)")
        }
        if let maxTokens, maxTokens <= 0 { throw ValidationError("--max-tokens must be positive, got \(maxTokens)") }
        guard pathfinderImages >= 10 else { throw ValidationError("--pathfinder-images must be at least 10, got \(pathfinderImages)") }
    }

    /// The task (validated).
    var trainingTask: TrainingTask { TrainingTask(rawValue: task)! }

    /// The contour lengths `--difficulty` accepts as a number: the generator needs 3 (distractors
    /// have a third of it), and past 30 dashes a pair of contours rarely fits a 32 × 32 image.
    static let contourLengths = 3...30

    /// The Pathfinder contour length `--difficulty` names, or nil when it names none.
    var contourLength: Int? {
        if let named = PathfinderDifficulty(rawValue: difficulty) { return named.contourLength }
        return Int(difficulty).flatMap { Self.contourLengths.contains($0) ? $0 : nil }
    }

    /// The cache root.
    var cacheDirectory: URL {
        if let cacheDir { return URL(fileURLWithPath: cacheDir) }
        let environment = ProcessInfo.processInfo.environment
        return environment["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0).appendingPathComponent("klt") }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/klt")
    }

    /// Loads the task's splits at a model scale.
    func load(scale: EncoderConfiguration.Preset, progress: (String) -> Void) throws -> LabeledSplits {
        let options = TrainingTask.DataOptions(
            dataDirectory: dataDir.map { URL(fileURLWithPath: $0) }, cacheDirectory: cacheDirectory,
            maximumLength: maxTokens ?? trainingTask.defaultMaximumLength(scale: scale), seed: dataSeed,
            listOps: listOps.configuration(seed: dataSeed), pathfinderImages: pathfinderImages,
            pathfinderContourLength: contourLength!)
        return try trainingTask.load(options, progress: progress)
    }
}
