import Foundation
import KLTraining
import KLTransformer

/// A grid of `klt train` (or `klt pretrain`) runs: every combination of the axes' values, each run
/// given the same common training options. The order puts seeds outermost, so an interrupted sweep has a complete
/// comparison at its first seeds before it starts the next.
public struct SweepPlan: Codable, Equatable, Sendable {
    /// Kernels, by any name `klt kernels` accepts (stored by paper name).
    public var kernels: [String]
    /// Tasks (`klt data tasks`), or corpora when the runs pre-train (`command`).
    public var tasks: [String]
    /// Seeds of model, data order and dropout.
    public var seeds: [UInt64]
    /// Feature-count arguments (`--features`); nil: each kernel's default.
    public var features: [Int]?
    /// Maximum tokens per sequence (`--max-tokens`); nil: each task's default.
    public var maxLengths: [Int]?
    /// Model presets (`--preset`); nil: the `klt train` default.
    public var presets: [String]?
    /// Options passed to every run's `klt train`, e.g. `["--steps", "2000"]`.
    public var trainArguments: [String]
    /// The sweep folder whose runs this sweep's runs start from, the previous stage of a curriculum:
    /// each run gets `--init-from` the best checkpoint of the run of the same name there. A relative
    /// path is taken from the folder that holds this sweep's folder (stages are siblings); nil: runs
    /// start from a fresh initialisation.
    public var initialisingSweep: String?
    /// The task of the initialising sweep's run a run starts from, when it is not the run's own: a
    /// fine-tuning sweep on `sentences` starting from a pre-training sweep on `shakespeare`. The other
    /// axis values (kernel, seed, …) are the run's own; nil: the run of the same name.
    public var initialisingTask: String?
    /// The subcommand each run is; nil (plans written before pre-training sweeps): `train`.
    public var command: SweepCommand?

    /// A plan; kernels are stored by their paper names so that aliases name the same run.
    public init(kernels: [String], tasks: [String], seeds: [UInt64], features: [Int]? = nil, maxLengths: [Int]? = nil,
                presets: [String]? = nil, trainArguments: [String] = [], initialisingSweep: String? = nil,
                initialisingTask: String? = nil, command: SweepCommand = .train) {
        self.kernels = kernels.map { AttentionKernel(named: $0)?.name ?? $0 }
        self.tasks = tasks
        self.seeds = seeds
        self.features = features
        self.maxLengths = maxLengths
        self.presets = presets
        self.trainArguments = trainArguments
        self.initialisingSweep = initialisingSweep
        self.initialisingTask = initialisingTask
        self.command = command == .train ? nil : command
    }

    /// The subcommand each run is.
    public var runCommand: SweepCommand { command ?? .train }

    /// The options of one run: its axis values, then the common options.
    public func arguments(of run: SweepRun) -> [String] {
        run.axisArguments(for: runCommand) + trainArguments
    }

    /// Every run of the grid, in execution order.
    public var runs: [SweepRun] {
        var runs: [SweepRun] = []
        for seed in seeds {
            for task in tasks {
                for preset in presets.map({ $0.map(Optional.some) }) ?? [nil] {
                    for maxLength in maxLengths.map({ $0.map(Optional.some) }) ?? [nil] {
                        for featureCount in features.map({ $0.map(Optional.some) }) ?? [nil] {
                            for kernel in kernels {
                                runs.append(SweepRun(task: task, kernel: kernel, seed: seed, features: featureCount,
                                                     maxLength: maxLength, preset: preset))
                            }
                        }
                    }
                }
            }
        }
        return runs
    }

    /// Checks every axis value and that the grid is not empty; `SweepFile` does the same with line
    /// numbers, this is for plans built in code or from flags.
    public func validate() throws {
        for (name, count) in [("kernels", kernels.count), ("tasks", tasks.count), ("seeds", seeds.count),
                              ("features", features?.count ?? 1), ("max-lengths", maxLengths?.count ?? 1),
                              ("presets", presets?.count ?? 1)] where count == 0 {
            throw SweepError.invalidPlan("the axis '\(name)' is empty: the grid has no runs")
        }
        for kernel in kernels where AttentionKernel(named: kernel) == nil {
            throw SweepError.invalidPlan(AttentionKernel.refusal(forName: kernel))
        }
        if let refusal = tasks.lazy.compactMap(runCommand.refusal(ofTask:)).first { throw SweepError.invalidPlan(refusal) }
        for preset in presets ?? [] where EncoderConfiguration.Preset(rawValue: preset) == nil {
            throw SweepError.invalidPlan("unknown preset '\(preset)'; available: \(EncoderConfiguration.Preset.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let bad = (features ?? []).first(where: { $0 <= 0 }) { throw SweepError.invalidPlan("features must be positive, got \(bad)") }
        if let bad = (maxLengths ?? []).first(where: { $0 <= 0 }) { throw SweepError.invalidPlan("max-lengths must be positive, got \(bad)") }
        let names = runs.map(\.name)
        if let repeated = Dictionary(grouping: names, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw SweepError.invalidPlan("the grid names run '\(repeated)' more than once (a value repeats on an axis)")
        }
        if let reserved = trainArguments.first(where: { SweepRun.reservedOptions(for: runCommand).contains($0.split(separator: "=").first.map(String.init) ?? $0) }) {
            throw SweepError.invalidPlan("'\(reserved)' is set by the sweep itself (an axis, or the run folder); give it as an axis or leave it out")
        }
        if initialisingSweep != nil, trainArguments.contains(where: { $0 == "--init-from" || $0.hasPrefix("--init-from=") }) {
            throw SweepError.invalidPlan("'--init-from' is set for each run by the initialising sweep; leave it out of the common options")
        }
        if initialisingTask != nil && initialisingSweep == nil {
            throw SweepError.invalidPlan("an initialising task names a run of the initialising sweep, but the plan has no initialising sweep")
        }
        if runCommand == .pretrain && initialisingSweep != nil {
            throw SweepError.invalidPlan("pre-training runs start from a fresh initialisation (klt pretrain has no --init-from); leave out the initialising sweep")
        }
    }
}

/// Why a sweep cannot start or go on.
public enum SweepError: Error, CustomStringConvertible, Equatable {
    /// The grid is invalid.
    case invalidPlan(String)
    /// A sweep file is invalid: file, line (0 when the file as a whole is at fault), field, message.
    case invalidFile(path: String, line: Int, field: String?, message: String)
    /// The sweep folder was made for another plan.
    case conflictingPlan(String)

    /// The message shown to the user.
    public var description: String {
        switch self {
        case .invalidPlan(let message): "invalid sweep: \(message)"
        case .invalidFile(let path, let line, let field, let message):
            "\(path)\(line > 0 ? ":\(line)" : ""): \(field.map { "field '\($0)': " } ?? "")\(message)"
        case .conflictingPlan(let message): message
        }
    }
}
