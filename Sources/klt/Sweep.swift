import ArgumentParser
import Foundation
import KLExperiments
import KLTasks
import KLTraining

/// `klt sweep`: a grid of kernels × tasks × seeds (× feature counts × lengths × presets) as ordinary
/// `klt train` runs in folders under one sweep folder; resumable, parallel, shardable.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a grid of runs (kernels × tasks × seeds …), resumably, and write its report.",
        discussion: """
            The grid comes from a sweep file (TOML; see the README) or from the axis options, and options after \
            `--` go to every run's `klt train` (e.g. `-- --steps 2000`). Each run trains in DIR/runs/<name>. Run the \
            same command again to continue: finished runs are kept, interrupted ones resume from their last \
            checkpoint. --shard i/n (0-based i) runs every n-th run, for a job array writing into one folder. \
            Under `mpirun -np N` the runs (of the shard) are dealt out between the ranks, each run to one rank. \
            When it ends, `klt report DIR` is written (report.md, report.html, results.csv).
            """)

    @Argument(help: "A sweep file (TOML). Without it, the axis options give the grid.")
    var file: String?
    @Option(help: "Kernels, comma-separated (paper names or official aliases).")
    var kernels: String?
    @Option(name: [.customLong("tasks"), .customLong("task")], help: "Tasks, comma-separated.")
    var tasks: String?
    @Option(help: "Seeds, comma-separated.")
    var seeds: String?
    @Option(help: "Feature-count arguments, comma-separated (default: each kernel's).")
    var features: String?
    @Option(help: "Maximum tokens per sequence, comma-separated (default: each task's).")
    var maxLengths: String?
    @Option(help: "Model presets, comma-separated.")
    var presets: String?
    @Option(help: "The sweep folder (default: sweeps/<sweep file name> or sweeps/sweep).")
    var outputDir: String?
    @Option(help: "Runs at once; the cores are split between them.")
    var jobs = 1
    @Option(help: "Run only slice i of n (0-based), e.g. --shard $SLURM_ARRAY_TASK_ID/4.")
    var shard: String?
    @Flag(help: "Run again the runs recorded as failed.")
    var retryFailed = false
    @Flag(help: "Do not write the report at the end.")
    var noReport = false
    @Argument(parsing: .postTerminator, help: "Options for every run's `klt train`, after `--`.")
    var trainOptions: [String] = []

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        if let shard, SweepShard(parsing: shard) == nil {
            throw ValidationError("--shard must be i/n with 0 ≤ i < n, got '\(shard)'")
        }
        let axes = [kernels, tasks, seeds, features, maxLengths, presets]
        if file != nil {
            guard axes.allSatisfy({ $0 == nil }), trainOptions.isEmpty else {
                throw ValidationError("give the grid either in the sweep file or with options, not both")
            }
        } else {
            guard kernels != nil, seeds != nil else {
                throw ValidationError("give a sweep file, or at least --kernels and --seeds (and --tasks; default listops)")
            }
        }
    }

    /// The plan, from the file or the options, validated before anything runs.
    func plan() throws -> SweepPlan {
        if let file {
            return try SweepFile.load(URL(fileURLWithPath: file)) { try Self.validateArguments($1, for: $0) }
        }
        func list(_ text: String?, _ option: String) throws -> [String]? {
            guard let text else { return nil }
            let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !items.isEmpty, !items.contains(where: \.isEmpty) else { throw ValidationError("\(option) has an empty value: '\(text)'") }
            return items
        }
        func numbers<T: FixedWidthInteger>(_ text: String?, _ option: String, as _: T.Type) throws -> [T]? {
            try list(text, option)?.map { item in
                guard let value = T(item) else { throw ValidationError("\(option): '\(item)' is not a non-negative integer") }
                return value
            }
        }
        let plan = SweepPlan(kernels: try list(kernels, "--kernels")!, tasks: try list(tasks, "--tasks") ?? ["listops"],
                             seeds: try numbers(seeds, "--seeds", as: UInt64.self)!,
                             features: try numbers(features, "--features", as: Int.self),
                             maxLengths: try numbers(maxLengths, "--max-lengths", as: Int.self),
                             presets: try list(presets, "--presets"), trainArguments: trainOptions)
        try plan.validate()
        try Self.validateArguments(trainOptions, for: .train)
        return plan
    }

    /// Throws the message of `klt train` (or `klt pretrain`) when it would refuse these options.
    static func validateArguments(_ arguments: [String], for command: SweepCommand) throws {
        do {
            switch command {
            case .train: _ = try Train.parse(arguments)
            case .pretrain: _ = try Pretrain.parse(arguments)
            }
        } catch {
            throw ValidationError(command == .train ? Train.message(for: error) : Pretrain.message(for: error))
        }
    }

    /// Throws the message of the subcommand a run of `plan` is when it would refuse the run's options.
    static func validateRuns(of plan: SweepPlan) throws {
        for run in plan.runs { try validateArguments(plan.arguments(of: run), for: plan.runCommand) }
    }

    /// An argument as a POSIX shell reads it back.
    static func shellQuoted(_ argument: String) -> String {
        let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-_./=,:@%")
        return !argument.isEmpty && argument.allSatisfy(plain.contains) ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// This program, to start each run's `klt train`.
    static var executable: URL {
        #if os(Linux)
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        #else
        Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        #endif
    }

    func run() throws {
        let group = try ProcessGroup.world()
        let complete = try group.running { try sweep(in: group) }
        // A job script (or an array task) should see that the grid is not complete.
        if !complete { throw ExitCode.failure }
    }

    /// Runs this process's runs of the sweep, as one process or as one rank of `group`; returns
    /// whether every run of the shard (over all ranks) finished.
    private func sweep(in group: ProcessGroup) throws -> Bool {
        let plan = try plan()
        try Self.validateRuns(of: plan)
        let name = file.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent } ?? "sweep"
        let directory = URL(fileURLWithPath: outputDir ?? "sweeps/\(name)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if group.isRoot {
            try AtomicFile.write(CommandLine.arguments.map(Self.shellQuoted).joined(separator: " ") + "\n",
                                 to: directory.appendingPathComponent(SweepReport.commandFileName))
        }
        let requested = shard.flatMap(SweepShard.init(parsing:)) ?? .all
        let runner = SweepRunner(plan: plan, directory: directory, executable: Self.executable, jobs: jobs,
                                 cores: group.isDistributed ? MPILauncher.threadsPerRank() : ProcessInfo.processInfo.activeProcessorCount,
                                 shard: requested.dealt(toRank: group.rank, of: group.size), retriesFailed: retryFailed)
        let outcome = try runner.run()
        // Ranks whose runs are done wait for the others asleep, leaving the cores to their runs.
        try group.barrier(pollingEvery: .milliseconds(200))
        let totals = try group.allReduceSum([outcome.finished, outcome.failed, outcome.unfinished, runner.shardRuns.count].map(Double.init)).map { Int($0) }
        guard group.isRoot else { return totals[1] == 0 && totals[2] == 0 }
        print("sweep: \(totals[0]) finished, \(totals[1]) failed, \(totals[2]) unfinished (of \(totals[3]) in this shard\(group.isDistributed ? ", over \(group.size) ranks" : ""))")
        if !noReport {
            try ReportCommand.write(sweep: directory)
        }
        return totals[1] == 0 && totals[2] == 0
    }
}
