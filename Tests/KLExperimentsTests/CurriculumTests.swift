import Foundation
import KLTraining
import Testing
@testable import KLExperiments

/// A curriculum is a chain of sweeps, each run starting from the best checkpoint of the run of
/// the same name in the sweep before; `klt experiment pathfinder` is one, with a control.
@Suite struct CurriculumTests {
    @Test func initialisingSweepGivesEachRunItsPredecessorsCheckpoint() throws {
        let root = URL(fileURLWithPath: "/tmp/klt-curriculum-root")
        let plan = SweepPlan(kernels: ["softmax"], tasks: ["pathfinder"], seeds: [2], trainArguments: ["--steps", "5"],
                             initialisingSweep: "stage-1")
        try plan.validate()
        let runner = SweepRunner(plan: plan, directory: root.appendingPathComponent("stage-2"), executable: URL(fileURLWithPath: "/bin/true"))
        let run = try #require(plan.runs.first)
        let arguments = runner.trainArguments(for: run)
        let position = try #require(arguments.firstIndex(of: "--init-from"))
        #expect(arguments[position + 1] == "/tmp/klt-curriculum-root/stage-1/runs/pathfinder-softmax-seed2/best.safetensors")
        let absolute = SweepRunner(plan: SweepPlan(kernels: ["softmax"], tasks: ["pathfinder"], seeds: [2], initialisingSweep: "/elsewhere/first"),
                                   directory: root.appendingPathComponent("stage-2"), executable: URL(fileURLWithPath: "/bin/true"))
        #expect(absolute.initialisingCheckpoint(for: run)?.path == "/elsewhere/first/runs/pathfinder-softmax-seed2/best.safetensors")
        let fresh = SweepRunner(plan: SweepPlan(kernels: ["softmax"], tasks: ["pathfinder"], seeds: [2]), directory: root,
                                executable: URL(fileURLWithPath: "/bin/true"))
        #expect(!fresh.trainArguments(for: run).contains("--init-from"))
    }

    @Test func commonInitFromIsRefusedBesideAnInitialisingSweep() {
        for option in [["--init-from", "a.safetensors"], ["--init-from=a.safetensors"]] {
            let plan = SweepPlan(kernels: ["softmax"], tasks: ["listops"], seeds: [1], trainArguments: option, initialisingSweep: "first")
            #expect(throws: SweepError.self) { try plan.validate() }
        }
    }

    @Test func sweepFilesNameTheirInitialisingSweep() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("klt-curriculum-\(UUID().uuidString).toml")
        defer { try? FileManager.default.removeItem(at: file) }
        let axes = "kernels = [\"softmax\"]\ntask = \"listops\"\nseeds = [1]\n"
        try (axes + "init-from-sweep = \"stage-1\"\n").write(to: file, atomically: true, encoding: .utf8)
        #expect(try SweepFile.load(file).initialisingSweep == "stage-1")
        try (axes + "init-from-sweep = 3\n").write(to: file, atomically: true, encoding: .utf8)
        #expect {
            try SweepFile.load(file)
        } throws: { error in
            guard case .invalidFile(_, let line, let field, _) = error as? SweepError else { return false }
            return line == 4 && field == "init-from-sweep"
        }
    }

    @Test func plansWrittenBeforeCurriculaStillDecode() throws {
        let old = #"{"kernels":["GMM-PRF"],"tasks":["listops"],"seeds":[1],"trainArguments":["--steps","10"]}"#
        let plan = try JSONDecoder().decode(SweepPlan.self, from: Data(old.utf8))
        #expect(plan.initialisingSweep == nil && plan == SweepPlan(kernels: ["GMM-PRF"], tasks: ["listops"], seeds: [1], trainArguments: ["--steps", "10"]))
    }

    @Test func pathfinderStagesChainAndTheControlStartsFresh() throws {
        let sweeps = PathfinderCurriculum.sweeps
        #expect(sweeps.count == PathfinderCurriculum.stages.count + 1)
        #expect(Set(sweeps.map(\.stage.sweepFolder)).count == sweeps.count)
        for (index, (stage, plan)) in sweeps.enumerated() {
            try plan.validate()
            #expect(plan.trainArguments.contains(String(stage.contourLength)))
            if stage.continuesCurriculum {
                #expect(plan.initialisingSweep == sweeps[index - 1].stage.sweepFolder)
            } else {
                #expect(plan.initialisingSweep == nil)
            }
        }
        #expect(sweeps.last?.stage == PathfinderCurriculum.control && !PathfinderCurriculum.control.continuesCurriculum)
        #expect(PathfinderCurriculum.control.steps == PathfinderCurriculum.stages[0].steps + PathfinderCurriculum.stages[1].steps)
        #expect(PathfinderCurriculum.control.contourLength == PathfinderCurriculum.stages[1].contourLength)
    }

    /// Fake stage sweeps: every run finished with an accuracy that says its kernel, seed and stage.
    @Test func reportTabulatesEveryStageAndDrawsTheChains() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("klt-curriculum-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        for (index, (stage, plan)) in PathfinderCurriculum.sweeps.enumerated() {
            let sweep = root.appendingPathComponent(stage.sweepFolder)
            try FileManager.default.createDirectory(at: SweepRunner.runsDirectory(in: sweep), withIntermediateDirectories: true)
            try JSONEncoder().encode(plan).write(to: SweepRunner.planURL(in: sweep))
            for run in plan.runs where !(index == 2 && run.seed == 3) {   // the hard stage's third seed is unfinished
                let folder = SweepRunner.runsDirectory(in: sweep).appendingPathComponent(run.name)
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                let accuracy = 0.5 + 0.1 * Double(index) + (run.kernel == "softmax" ? 0.01 : 0.02) * Double(run.seed)
                let summary: [String: Any] = ["testAccuracy": accuracy, "validationAccuracy": accuracy, "validationLoss": 0.6, "majorityBaseline": 0.5,
                                              "bestStep": stage.steps, "steps": stage.steps, "trainingSeconds": 10.0]
                try JSONSerialization.data(withJSONObject: summary).write(to: folder.appendingPathComponent("summary.json"))
                let metrics = [250, stage.steps].map { #"{"kind":"validation","loss":0.6,"accuracy":\#(accuracy),"step":\#($0)}"# }
                try Data(metrics.joined(separator: "\n").utf8).write(to: folder.appendingPathComponent("metrics.jsonl"))
            }
        }
        let output = root.appendingPathComponent("report")
        let files = try CurriculumReport.write(experiments: root, provenance: ReportProvenance(purpose: "test", command: "klt experiment pathfinder"),
                                               to: output)
        #expect(files.map(\.lastPathComponent) == [CurriculumReport.markdownName, CurriculumReport.chartName])
        let markdown = try String(contentsOf: files[0], encoding: .utf8)
        // softmax, stage 1: 51, 52, 53 → 52.00 ± 1.00; GMM-PRF, stage 3 (two seeds): 72, 74 → 73.00 ± 1.41.
        #expect(markdown.contains("| softmax | 52.00 ± 1.00 (n = 3) |"), "\(markdown)")
        #expect(markdown.contains("73.00 ± 1.41 (n = 2)"), "\(markdown)")
        let svg = try String(contentsOf: files[1], encoding: .utf8)
        for name in ["softmax, curriculum", "GMM-PRF, curriculum", "softmax, from scratch", "GMM-PRF, from scratch"] {
            #expect(svg.contains(name), "the chart has no series \(name)")
        }
    }
}
