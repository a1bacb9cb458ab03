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
        if !Self.stages(of: experiment, in: root).isEmpty { return try runStages(of: experiment, in: root) }
        guard let plan = experiment.plan else {
            print("experiment \(experiment.rawValue): \(experiment.claim)")
            print("budget: \(EfficiencyExperiment.kernels.count) kernels × \(EfficiencyExperiment.lengths.count) lengths (\(EfficiencyExperiment.lengths.map(String.init).joined(separator: ", "))), best of 3 passes each; a few minutes on 2 cores, most of it softmax at the longest lengths")
            let files = try EfficiencyExperiment.run(output: root.appendingPathComponent(experiment.rawValue), command: "klt experiment efficiency",
                                                     revision: SourceRevision.current) { print($0); fflush(nil) }
            for url in files { print("wrote \(url.path)") }
            return
        }
        try Sweep.validateRuns(of: plan)
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

    /// One sweep of an experiment made of several: its folder under the experiments folder, its
    /// label, its plan, and the folder (in the experiment's report folder) its own sweep report goes to (nil: none).
    struct StageSweep {
        var folder: String
        var label: String
        var plan: SweepPlan
        var reportFolder: String?
    }

    /// The stage sweeps of the experiments that have several, in the order they must run.
    static func stages(of experiment: NamedExperiment, in root: URL) -> [StageSweep] {
        switch experiment {
        case .pathfinder:
            PathfinderCurriculum.sweeps.map { StageSweep(folder: $0.stage.sweepFolder, label: $0.stage.label, plan: $0.plan,
                                                         reportFolder: CurriculumReport.stageReportFolder($0.stage)) }
        case .short:
            // Pre-training runs are language models: the classifier sweep report does not read them.
            ShortProtocolExperiment.sweeps(in: root).map { StageSweep(folder: $0.stage.sweepFolder, label: $0.stage.rawValue, plan: $0.plan,
                                                            reportFolder: $0.stage == .pretraining ? nil : $0.stage.sweepFolder) }
        case .kernels, .learnedVsFixed, .efficiency, .robustness: []
        }
    }

    /// Runs an experiment's stage sweeps in order (a stage may start from the one before, so each
    /// waits for the previous to end), writes each stage's sweep report, then the experiment's own
    /// report into `root/<name>`.
    func runStages(of experiment: NamedExperiment, in root: URL) throws {
        let reportDirectory = root.appendingPathComponent(experiment.rawValue)
        let command = "klt experiment \(experiment.rawValue)"
        print("experiment \(experiment.rawValue): \(experiment.claim)")
        var complete = true
        for stage in Self.stages(of: experiment, in: root) {
            try Sweep.validateRuns(of: stage.plan)
            let sweepDirectory = root.appendingPathComponent(stage.folder)
            let runner = SweepRunner(plan: stage.plan, directory: sweepDirectory, executable: Sweep.executable, jobs: jobs,
                                     shard: shard.flatMap(SweepShard.init(parsing:)) ?? .all)
            print("stage \(stage.label): \(ExperimentBudget(runner: runner))")
            if !reportOnly {
                try FileManager.default.createDirectory(at: sweepDirectory, withIntermediateDirectories: true)
                try AtomicFile.write("\(command) (stage \(stage.label))\n", to: sweepDirectory.appendingPathComponent(SweepReport.commandFileName))
                let outcome = try runner.run()
                complete = complete && outcome.unfinished == 0 && outcome.failed == 0
            }
            // A stage not started yet (a report while an earlier stage runs) has no sweep report.
            guard let reportFolder = stage.reportFolder, FileManager.default.fileExists(atPath: SweepRunner.planURL(in: sweepDirectory).path) else { continue }
            let files = try SweepReport.write(sweep: sweepDirectory, plan: stage.plan, to: reportDirectory.appendingPathComponent(reportFolder),
                                              title: "Experiment \(experiment.rawValue), stage \(stage.label)", purpose: experiment.claim,
                                              command: command, revision: SourceRevision.current, comparisons: experiment.comparisons)
            for url in files { print("wrote \(url.path)") }
        }
        let provenance = ReportProvenance(purpose: experiment.claim, command: command, revision: SourceRevision.current)
        let files = experiment == .pathfinder
            ? try CurriculumReport.write(experiments: root, provenance: provenance, to: reportDirectory)
            : try ShortProtocolReport.write(experiments: root, provenance: provenance, to: reportDirectory)
        for url in files { print("wrote \(url.path)") }
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
