import Foundation
import Testing
@testable import KLExperiments

/// `klt experiment short`: a sweep of `klt pretrain` runs on a corpus, then the short tasks fine-tuned
/// from each kernel's and seed's pre-trained encoder (`SweepPlan.initialisingTask`) and from scratch.
@Suite struct ShortProtocolTests {
    @Test func pretrainingRunsAreKltPretrainOnTheCorpus() throws {
        let plan = SweepPlan(kernels: ["performer"], tasks: ["shakespeare"], seeds: [2], trainArguments: ["--steps", "5"], command: .pretrain)
        try plan.validate()
        let runner = SweepRunner(plan: plan, directory: URL(fileURLWithPath: "/tmp/klt-short/pre"), executable: URL(fileURLWithPath: "/bin/true"))
        let run = try #require(plan.runs.first)
        #expect(run.name == "shakespeare-FAVOR+-seed2")
        #expect(runner.trainArguments(for: run) == ["pretrain", "--corpus", "shakespeare", "--kernel", "FAVOR+", "--seed", "2", "--steps", "5",
                                                    "--output-dir", "/tmp/klt-short/pre/runs/shakespeare-FAVOR+-seed2", "--resume", "--threads",
                                                    String(runner.threadsPerRun)])
    }

    @Test func fineTuningRunsStartFromTheirKernelsAndSeedsPretraining() throws {
        let root = URL(fileURLWithPath: "/tmp/klt-short")
        let (_, plan) = try #require(ShortProtocolExperiment.sweeps(in: root).first { $0.stage == .fineTuned })
        let runner = SweepRunner(plan: plan, directory: root.appendingPathComponent(ShortProtocolExperiment.Stage.fineTuned.sweepFolder),
                                 executable: URL(fileURLWithPath: "/bin/true"))
        let run = try #require(plan.runs.first { $0.task == "trec" && $0.kernel == "GMM-PRF" && $0.seed == 2 })
        let expected = root.appendingPathComponent(ShortProtocolExperiment.Stage.pretraining.sweepFolder)
            .appendingPathComponent("runs/shakespeare-GMM-PRF-seed2/best.safetensors")
        #expect(runner.initialisingCheckpoint(for: run) == expected)
        #expect(runner.trainArguments(for: run).prefix(3) == ["train", "--task", "trec"])
    }

    @Test func theThreeSweepsAreValidAndCompareLikeWithLike() throws {
        let root = URL(fileURLWithPath: "/tmp/klt-short")
        let sweeps = ShortProtocolExperiment.sweeps(in: root)
        #expect(sweeps.map(\.stage) == [.pretraining, .fineTuned, .scratch, .scratchSubwords])
        #expect(Set(sweeps.map(\.stage.sweepFolder)).count == 4)
        for (_, plan) in sweeps { try plan.validate() }
        let fineTuned = sweeps[1].plan, scratch = sweeps[2].plan, subwords = sweeps[3].plan
        // The same runs and options; only the start (and the subword arm's tokeniser) differs.
        #expect(fineTuned.runs == scratch.runs && fineTuned.trainArguments == scratch.trainArguments && subwords.runs == scratch.runs)
        #expect(subwords.trainArguments == scratch.trainArguments
                + ["--tokenizer", "/tmp/klt-short/\(ShortProtocolExperiment.Stage.pretraining.sweepFolder)/runs/shakespeare-softmax-seed1/best.safetensors"])
        #expect(subwords.initialisingSweep == nil)
        #expect(scratch.initialisingSweep == nil && fineTuned.initialisingSweep == ShortProtocolExperiment.Stage.pretraining.sweepFolder)
        #expect(sweeps[0].plan.runs.count == ShortProtocolExperiment.kernels.count * ShortProtocolExperiment.seeds.count)
        #expect(sweeps[0].plan.kernels == ShortProtocolExperiment.kernels && fineTuned.kernels == ShortProtocolExperiment.kernels)
    }

    @Test func plansThatCannotRunAreRefused() {
        let refused: [(SweepPlan, String)] = [
            (SweepPlan(kernels: ["softmax"], tasks: ["/no/such/corpus.txt"], seeds: [1], command: .pretrain), "unknown corpus"),
            (SweepPlan(kernels: ["softmax"], tasks: ["shakespeare"], seeds: [1], command: .train), "unknown task"),
            (SweepPlan(kernels: ["softmax"], tasks: ["shakespeare"], seeds: [1], trainArguments: ["--corpus", "gcide"], command: .pretrain), "set by the sweep"),
            (SweepPlan(kernels: ["softmax"], tasks: ["shakespeare"], seeds: [1], initialisingSweep: "first", command: .pretrain), "no --init-from"),
            (SweepPlan(kernels: ["softmax"], tasks: ["trec"], seeds: [1], initialisingTask: "shakespeare"), "no initialising sweep"),
        ]
        for (plan, message) in refused {
            #expect {
                try plan.validate()
            } throws: { error in
                "\(error)".contains(message)
            }
        }
    }

    @Test func trainPlansEncodeAsBeforeAndOldPlansDecodeAsTrain() throws {
        let plan = SweepPlan(kernels: ["softmax"], tasks: ["trec"], seeds: [1], trainArguments: ["--steps", "3"])
        let json = String(decoding: try JSONEncoder().encode(plan), as: UTF8.self)
        #expect(!json.contains("command") && !json.contains("initialisingTask"), "\(json)")
        let old = #"{"kernels":["softmax"],"tasks":["trec"],"seeds":[1],"trainArguments":["--steps","3"]}"#
        let decoded = try JSONDecoder().decode(SweepPlan.self, from: Data(old.utf8))
        #expect(decoded == plan && decoded.runCommand == .train)
        let pretraining = SweepPlan(kernels: ["softmax"], tasks: ["gcide"], seeds: [1], command: .pretrain)
        #expect(try JSONDecoder().decode(SweepPlan.self, from: JSONEncoder().encode(pretraining)).runCommand == .pretrain)
    }

    @Test func reportWhileThePretrainingRunsShowsWhatIsThere() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("klt-short-early-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let (stage, plan) = ShortProtocolExperiment.sweeps(in: root)[0]
        let sweep = root.appendingPathComponent(stage.sweepFolder)
        try FileManager.default.createDirectory(at: SweepRunner.runsDirectory(in: sweep), withIntermediateDirectories: true)
        try JSONEncoder().encode(plan).write(to: SweepRunner.planURL(in: sweep))
        let files = try ShortProtocolReport.write(experiments: root, provenance: ReportProvenance(), to: root.appendingPathComponent("report"))
        let markdown = try String(contentsOf: files[0], encoding: .utf8)
        #expect(markdown.contains("| GMM-PRF | — | — | — | — | — | 0 |"), "\(markdown)")
        #expect(markdown.contains("| GMM-PRF | — | — | — | — | — | 0 / 0 / 0 |"), "\(markdown)")
        #expect(try String(contentsOf: files[1], encoding: .utf8).contains("fine-tuned,sentences,GMM-PRF,1,pending,"))
    }

    /// Fake sweeps: every run finished with scores that say its kernel and seed.
    @Test func reportTabulatesBitsPerByteAndPairedAccuracyDifferences() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("klt-short-report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        func write(_ object: [String: Any], _ name: String, in folder: URL) throws {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try JSONSerialization.data(withJSONObject: object).write(to: folder.appendingPathComponent(name))
        }
        for (stage, plan) in ShortProtocolExperiment.sweeps(in: root) {
            let sweep = root.appendingPathComponent(stage.sweepFolder)
            try FileManager.default.createDirectory(at: SweepRunner.runsDirectory(in: sweep), withIntermediateDirectories: true)
            try JSONEncoder().encode(plan).write(to: SweepRunner.planURL(in: sweep))
            for run in plan.runs where !(stage == .scratch && run.kernel == "FAVOR+" && run.seed == 3) {   // one run unfinished
                let folder = SweepRunner.runsDirectory(in: sweep).appendingPathComponent(run.name)
                let seed = Double(run.seed)
                switch stage {
                case .pretraining:
                    let bits = run.kernel == "softmax" ? 3.0 + 0.01 * seed : 3.2 + 0.02 * seed
                    try write(["objective": "masked", "corpus": "shakespeare", "vocabularySize": 2000, "validationBitsPerByte": bits,
                               "validationPerplexity": 300.0, "validationAccuracy": 0.1, "testBitsPerByte": bits + 0.1, "testPerplexity": 320.0,
                               "bestStep": 600, "steps": 600, "trainingSeconds": 120.0, "tokensPerSecond": 20_000.0, "parameters": 1000],
                              "summary.json", in: folder)
                    let metrics = [200, 400, 600].map { #"{"kind":"validation","loss":6.0,"accuracy":0.1,"bitsPerByte":\#(bits + 0.5 - Double($0) / 1200),"step":\#($0)}"# }
                    try Data(metrics.joined(separator: "\n").utf8).write(to: folder.appendingPathComponent("metrics.jsonl"))
                case .fineTuned, .scratch, .scratchSubwords:
                    let accuracy = 0.6 + 0.01 * seed + (stage == .fineTuned ? 0.05 * seed : stage == .scratchSubwords ? 0.02 : 0)
                    try write(["testAccuracy": accuracy, "validationAccuracy": accuracy, "validationLoss": 0.6, "majorityBaseline": 0.5,
                               "bestStep": 300, "steps": 300, "trainingSeconds": 30.0], "summary.json", in: folder)
                }
            }
        }
        let files = try ShortProtocolReport.write(experiments: root, provenance: ReportProvenance(purpose: "test", command: "klt experiment short"),
                                                  to: root.appendingPathComponent("report"))
        #expect(files.map(\.lastPathComponent) == [ShortProtocolReport.markdownName, ShortProtocolReport.csvName, ShortProtocolReport.chartName])
        let markdown = try String(contentsOf: files[0], encoding: .utf8)
        // softmax: 3.01, 3.02, 3.03 → 3.020 ± 0.010 validation, 3.120 ± 0.010 test.
        #expect(markdown.contains("| softmax | 3.020 ± 0.010 | 3.120 ± 0.010 | 320.0 ± 0.0 | 2m00s | 20,000 | 3 |"), "\(markdown)")
        // Fine-tuned 66, 72, 78 against bytes 61, 62, 63 and subwords 63, 64, 65: paired +10.00 ± 5.00 and +8.00 ± 5.00.
        #expect(markdown.contains("| GMM-PRF | 72.00 ± 6.00 | 62.00 ± 1.00 | 64.00 ± 1.00 | +10.00 ± 5.00 | +8.00 ± 5.00 | 3 / 3 / 3 |"), "\(markdown)")
        // FAVOR+'s unfinished third bytes seed: only the first two seeds pair up there (+5, +10).
        #expect(markdown.contains("| FAVOR+ | 72.00 ± 6.00 | 61.50 ± 0.71 | 64.00 ± 1.00 | +7.50 ± 3.54 | +8.00 ± 5.00 | 3 / 2 / 3 |"), "\(markdown)")
        #expect(markdown.contains("Always predicting the most frequent class scores 50.00%"))
        let csv = try String(contentsOf: files[1], encoding: .utf8).split(separator: "\n")
        let runs = ShortProtocolExperiment.sweeps(in: root).map(\.plan.runs.count).reduce(0, +)
        #expect(csv.count == runs + 1)
        #expect(csv.contains { $0.hasPrefix("from-scratch,trec,FAVOR+,3,pending,") })
        #expect(csv.contains { $0.hasPrefix("pretraining,shakespeare,softmax,1,finished,3.01,") })
        let svg = try String(contentsOf: files[2], encoding: .utf8)
        for kernel in ShortProtocolExperiment.kernels { #expect(svg.contains(kernel), "the chart has no series \(kernel)") }
    }
}
