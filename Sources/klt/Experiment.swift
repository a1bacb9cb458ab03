import ArgumentParser
import Foundation
import KLExperiments
import KLTasks
import KLTraining
import KLTransformer

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
    @Flag(help: "Train nothing: write the report of the runs finished so far (e.g. while the sweep runs elsewhere).")
    var reportOnly = false

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
        if experiment == .pathfinder { return try runCurriculum(in: root) }
        guard let plan = experiment.plan else {
            print("experiment \(experiment.rawValue): \(experiment.claim)")
            print("budget: \(EfficiencyExperiment.kernels.count) kernels × \(EfficiencyExperiment.lengths.count) lengths (\(EfficiencyExperiment.lengths.map(String.init).joined(separator: ", "))), best of 3 passes each; a few minutes on 2 cores, most of it softmax at the longest lengths")
            let files = try EfficiencyExperiment.run(output: root.appendingPathComponent(experiment.rawValue), command: "klt experiment efficiency",
                                                     revision: SourceRevision.current) { print($0); fflush(nil) }
            for url in files { print("wrote \(url.path)") }
            return
        }
        for run in plan.runs { try Sweep.validateTrainArguments(run.axisArguments + plan.trainArguments) }
        let sweepDirectory = root.appendingPathComponent(experiment.sweepFolder)
        let runner = SweepRunner(plan: plan, directory: sweepDirectory, executable: Sweep.executable, jobs: jobs,
                                 shard: shard.flatMap(SweepShard.init(parsing:)) ?? .all)
        print("experiment \(experiment.rawValue): \(experiment.claim)")
        print(ExperimentBudget(runner: runner).description)
        if reportOnly {
            try writeReport(experiment, plan: plan, runner: runner, root: root)
            if experiment == .robustness { try attackAndReport(plan, runner: runner, into: root.appendingPathComponent(experiment.rawValue), attacking: false) }
            return
        }
        try FileManager.default.createDirectory(at: sweepDirectory, withIntermediateDirectories: true)
        try AtomicFile.write("klt sweep with the plan of `klt experiment` (\(NamedExperiment.allCases.filter { $0.plan != nil }.map(\.rawValue).joined(separator: ", ")))\n",
                             to: sweepDirectory.appendingPathComponent(SweepReport.commandFileName))
        let outcome = try runner.run()
        try writeReport(experiment, plan: plan, runner: runner, root: root)
        if experiment == .robustness { try attackAndReport(plan, runner: runner, into: root.appendingPathComponent(experiment.rawValue)) }
        if outcome.unfinished > 0 || outcome.failed > 0 { throw ExitCode.failure }
    }

    /// Runs the Pathfinder curriculum's stage sweeps in order (a stage starts from the one before,
    /// so each waits for the previous to end), then writes each stage's sweep report and the
    /// curriculum's report into `root/pathfinder`.
    func runCurriculum(in root: URL) throws {
        let experiment = NamedExperiment.pathfinder
        let reportDirectory = root.appendingPathComponent(experiment.rawValue)
        print("experiment \(experiment.rawValue): \(experiment.claim)")
        var complete = true
        for (stage, plan) in PathfinderCurriculum.sweeps {
            for run in plan.runs { try Sweep.validateTrainArguments(run.axisArguments + plan.trainArguments) }
            let sweepDirectory = root.appendingPathComponent(stage.sweepFolder)
            let runner = SweepRunner(plan: plan, directory: sweepDirectory, executable: Sweep.executable, jobs: jobs,
                                     shard: shard.flatMap(SweepShard.init(parsing:)) ?? .all)
            print("stage \(stage.label): \(ExperimentBudget(runner: runner))")
            if !reportOnly {
                try FileManager.default.createDirectory(at: sweepDirectory, withIntermediateDirectories: true)
                try AtomicFile.write("klt experiment \(experiment.rawValue) (stage \(stage.label))\n",
                                     to: sweepDirectory.appendingPathComponent(SweepReport.commandFileName))
                let outcome = try runner.run()
                complete = complete && outcome.unfinished == 0 && outcome.failed == 0
            }
            let files = try SweepReport.write(sweep: sweepDirectory, plan: plan,
                                              to: reportDirectory.appendingPathComponent(CurriculumReport.stageReportFolder(stage)),
                                              title: "Experiment pathfinder, stage \(stage.label)", purpose: experiment.claim,
                                              command: "klt experiment pathfinder", revision: SourceRevision.current,
                                              comparisons: experiment.comparisons)
            for url in files { print("wrote \(url.path)") }
        }
        let provenance = ReportProvenance(purpose: experiment.claim, command: "klt experiment pathfinder", revision: SourceRevision.current)
        for url in try CurriculumReport.write(experiments: root, provenance: provenance, to: reportDirectory) { print("wrote \(url.path)") }
        if !complete { throw ExitCode.failure }
    }

    /// Writes the experiment's report (with the inspections of its learned kernels) into `root/<name>`.
    func writeReport(_ experiment: NamedExperiment, plan: SweepPlan, runner: SweepRunner, root: URL) throws {
        let reportDirectory = root.appendingPathComponent(experiment.rawValue)
        let inspections = try inspectLearnedKernels(plan, runner: runner, into: reportDirectory)
        let files = try SweepReport.write(sweep: runner.directory, plan: plan, to: reportDirectory,
                                          title: "Experiment \(experiment.rawValue)", purpose: experiment.claim,
                                          command: "klt experiment \(experiment.rawValue)", revision: SourceRevision.current,
                                          comparisons: experiment.comparisons, inspections: inspections)
        for url in files { print("wrote \(url.path)") }
    }

    /// Runs `klt inspect` on the best checkpoint of each learned kernel's first finished seed (once:
    /// an inspection already written is kept) into `inspect/<run>` of the report folder.
    func inspectLearnedKernels(_ plan: SweepPlan, runner: SweepRunner, into reportDirectory: URL) throws -> [InspectionLink] {
        try plan.kernels.filter { Kernel(named: $0)?.isLearned == true }.compactMap { kernel -> InspectionLink? in
            let candidates = plan.runs.filter { $0.kernel == kernel }
            guard let run = candidates.first(where: { RunFolderStatus(directory: runner.folder(of: $0)) == .finished }) else { return nil }
            let relativePath = "inspect/\(run.name)"
            let directory = reportDirectory.appendingPathComponent(relativePath)
            if !FileManager.default.fileExists(atPath: directory.appendingPathComponent("index.html").path) {
                print("inspecting \(run.name)")
                let inspect = try Inspect.parse(["--checkpoint", runner.folder(of: run).appendingPathComponent("best.safetensors").path,
                                                 "--output-dir", directory.path])
                try inspect.run()
            }
            return InspectionLink(label: "\(kernel), seed \(run.seed)", directory: directory, relativePath: relativePath)
        }
    }

    /// Attacks every finished run of the robustness sweep that has not been attacked yet (its
    /// results go to `robustness.json` in its folder, so an interrupted experiment resumes), then
    /// writes the robustness report into `reportDirectory`.
    func attackAndReport(_ plan: SweepPlan, runner: SweepRunner, into reportDirectory: URL, attacking: Bool = true) throws {
        var attacked: [RunRobustness] = []
        for run in plan.runs {
            let folder = runner.folder(of: run)
            if let saved = RunRobustness.read(from: folder) { attacked.append(saved); continue }
            guard attacking, RunFolderStatus(directory: folder) == .finished else { continue }
            var data = try TaskOptions.parse(["--task", run.task])
            data.maxTokens = nil
            let loaded = try CheckpointOnSplit(checkpoint: folder.appendingPathComponent("best.safetensors").path, data: data, split: "test",
                                               batchSize: RobustnessExperiment.batchSize)
            let attack = try AdversarialEvaluation(model: loaded.model, attack: RobustnessExperiment.attack, origin: folder.path)
            let started = Date()
            let results = try attack.run(examples: Array(loaded.examples.prefix(RobustnessExperiment.examples)), batchSize: RobustnessExperiment.batchSize,
                                         epsilons: RobustnessExperiment.radii, gradients: attack.gradientEstimates(eotDraws: RobustnessExperiment.eotDraws))
            let record = RunRobustness(kernel: run.kernel, seed: run.seed, attack: RobustnessExperiment.attack.summary, results: results)
            try record.write(to: folder)
            attacked.append(record)
            let worst = RobustnessExperiment.radii.map { epsilon in record.worstAccuracy(at: epsilon).map { String(format: "%.1f%%", 100 * $0) } ?? "—" }
            print("attacked \(run.name) in \(ProgressReporter.duration(Date().timeIntervalSince(started))): \(worst.joined(separator: " / ")) at ε = \(RobustnessExperiment.radii.map(AttackRadii.describe).joined(separator: ", "))")
            fflush(nil)
        }
        let provenance = ReportProvenance(purpose: NamedExperiment.robustness.claim, command: "klt experiment robustness", revision: SourceRevision.current)
        let files = try RobustnessReport.write(attacked, expected: plan.runs.count, kernels: plan.kernels, provenance: provenance, to: reportDirectory)
        for url in files { print("wrote \(url.path)") }
    }
}
