import ArgumentParser
import Foundation
import KLExperiments
import KLTasks
import KLTraining

/// `klt experiment NAME`: one of the paper's claims as one command — its sweep, then its report.
struct Experiment: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a named experiment (its sweep or measurement) and write its report.",
        discussion: NamedExperiment.allCases.map { "\($0.rawValue): \($0.claim)" }.joined(separator: "\n"))

    @Argument(help: "The experiment: \(NamedExperiment.allCases.map(\.rawValue).joined(separator: ", ")).")
    var name: String
    @Option(help: "Where experiments train and report (the ListOps experiments share one sweep folder in it).")
    var outputDir = "experiments"
    @Option(help: "Runs at once; the cores are split between them.")
    var jobs = 1
    @Option(help: "Run only slice i of n (0-based) of the sweep.")
    var shard: String?

    func validate() throws {
        guard NamedExperiment(rawValue: name) != nil else {
            throw ValidationError("unknown experiment '\(name)'; available: \(NamedExperiment.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        if let shard, SweepShard(parsing: shard) == nil { throw ValidationError("--shard must be i/n with 0 ≤ i < n, got '\(shard)'") }
    }

    func run() throws {
        let experiment = NamedExperiment(rawValue: name)!
        let root = URL(fileURLWithPath: outputDir)
        guard let plan = experiment.plan else {
            print("experiment \(experiment.rawValue): \(experiment.claim)")
            print("budget: \(EfficiencyExperiment.kernels.count) kernels × \(EfficiencyExperiment.lengths.count) lengths (\(EfficiencyExperiment.lengths.map(String.init).joined(separator: ", "))), best of 3 passes each; a few minutes on 2 cores, most of it softmax at the longest lengths")
            let files = try EfficiencyExperiment.run(output: root.appendingPathComponent(experiment.rawValue), command: "klt experiment efficiency",
                                                     revision: SourceRevision.current) { print($0); fflush(nil) }
            for url in files { print("wrote \(url.path)") }
            return
        }
        for run in plan.runs { try Sweep.validateTrainArguments(run.axisArguments + plan.trainArguments) }
        let sweepDirectory = root.appendingPathComponent(NamedExperiment.sharedSweepFolder)
        let runner = SweepRunner(plan: plan, directory: sweepDirectory, executable: Sweep.executable, jobs: jobs,
                                 shard: shard.flatMap(SweepShard.init(parsing:)) ?? .all)
        print("experiment \(experiment.rawValue): \(experiment.claim)")
        print(ExperimentBudget(runner: runner).description)
        try FileManager.default.createDirectory(at: sweepDirectory, withIntermediateDirectories: true)
        try AtomicFile.write("klt sweep with the plan of `klt experiment` (\(NamedExperiment.allCases.filter { $0.plan != nil }.map(\.rawValue).joined(separator: ", ")))\n",
                             to: sweepDirectory.appendingPathComponent(SweepReport.commandFileName))
        let outcome = try runner.run()
        let reportDirectory = root.appendingPathComponent(experiment.rawValue)
        let files = try SweepReport.write(sweep: sweepDirectory, plan: plan, to: reportDirectory,
                                          title: "Experiment \(experiment.rawValue)", purpose: experiment.claim, command: "klt experiment \(experiment.rawValue)",
                                          revision: SourceRevision.current, comparisons: experiment.comparisons)
        for url in files { print("wrote \(url.path)") }
        if outcome.unfinished > 0 || outcome.failed > 0 { throw ExitCode.failure }
    }
}
