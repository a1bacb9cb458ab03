import Foundation
import KLExperiments
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The short-sequence protocol's chain as sweeps: `klt pretrain` runs on a corpus, then classifier
/// runs each starting from the pre-training of its own kernel and seed; a pre-training folder is
/// refused to a sweep of classifiers.
@Suite struct PretrainingSweepTests {
    @Test func fineTuningSweepStartsFromThePretrainingSweep() throws {
        let root = try KLTProcess.freshFolder("klt-pretraining-sweep-\(getpid())")
        defer { try? FileManager.default.removeItem(at: root) }
        let corpus = try LanguageModelCommandTests.writeCorpus(in: root)
        let sentences = try LanguageModelCommandTests.writeSentences(in: root)
        let kernels = ["softmax", "elu+1"]
        let pretraining = SweepPlan(kernels: kernels, tasks: [corpus.path], seeds: [1], presets: ["tiny"],
                                    trainArguments: ["--vocabulary-size", "280", "--length", "16", "--steps", "4",
                                                     "--eval-every", "2", "--batch-size", "4"], command: .pretrain)
        let fineTuning = SweepPlan(kernels: kernels, tasks: ["sentences"], seeds: [1], presets: ["tiny"],
                                   trainArguments: ["--data-dir", sentences.path, "--steps", "2", "--eval-every", "2",
                                                    "--batch-size", "8"],
                                   initialisingSweep: "pre", initialisingTask: corpus.path)
        for plan in [pretraining, fineTuning] { try plan.validate() }
        let lines = LineCollector()
        let first = SweepRunner(plan: pretraining, directory: root.appendingPathComponent("pre"), executable: KLTProcess.executable,
                                cores: 2, output: lines.append)
        let pretrained = try first.run()
        #expect(pretrained.finished == 2 && pretrained.failed == 0, "\(lines.text)")
        #expect(lines.text.contains("bits per byte"), "\(lines.text)")
        for run in pretraining.runs { #expect(PretrainingRunSummary.read(from: first.folder(of: run))?.steps == 4) }

        let second = SweepRunner(plan: fineTuning, directory: root.appendingPathComponent("tuned"), executable: KLTProcess.executable,
                                 cores: 2, output: lines.append)
        let tuned = try second.run()
        #expect(tuned.finished == 2 && tuned.failed == 0, "\(lines.text)")
        for run in fineTuning.runs {
            let log = try String(contentsOf: second.folder(of: run).appendingPathComponent("train.log"), encoding: .utf8)
            #expect(log.contains("re-encoded the task"), "\(log)")
            var origin = run
            origin.task = corpus.path
            let record = try String(contentsOf: second.folder(of: run).appendingPathComponent("run.json"), encoding: .utf8)
            let checkpoint = first.folder(of: origin).appendingPathComponent("best.safetensors").path
            #expect(record.contains(checkpoint.replacingOccurrences(of: "/", with: "\\/")) || record.contains(checkpoint), "\(record)")
        }

        // The pre-training folder, reused for classifier runs, is refused before anything trains.
        let reused = SweepRunner(plan: SweepPlan(kernels: kernels, tasks: ["sentences"], seeds: [1], presets: ["tiny"],
                                                         trainArguments: pretraining.trainArguments),
                                 directory: root.appendingPathComponent("pre"), executable: KLTProcess.executable, output: lines.append)
        #expect {
            try reused.run()
        } throws: { error in
            "\(error)".contains("`klt pretrain` runs, now of `klt train`")
        }
    }
}

/// Lines a sweep prints, collected from its job threads.
final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    /// Adds a line.
    func append(_ line: String) { lock.withLock { lines.append(line) } }

    /// Every line so far.
    var text: String { lock.withLock { lines.joined(separator: "\n") } }
}
