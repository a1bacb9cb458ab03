import Foundation
import KLTraining
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `mpirun -np 2 klt train`: the same parameters as one process with the same global batch, and a
/// job that loses a rank ends at once and resumes from its last checkpoint.
@Suite(.serialized, .enabled(if: MPIRun.isEnabled, MPIRun.requirement)) struct DataParallelTrainingTests {
    static func arguments(output: URL, cache: URL, steps: Int, evaluationInterval: Int) -> [String] {
        ["train", "--preset", "tiny", "--kernel", "GMM-PRF", "--dropout", "0", "--steps", "\(steps)", "--eval-every", "\(evaluationInterval)",
         "--batch-size", "8", "--lr", "0.003", "--train-examples", "160", "--validation-examples", "36", "--test-examples", "32",
         "--seed", "3", "--threads", "1", "--checksum-every", "5", "--cache-dir", cache.path, "--output-dir", output.path]
    }

    /// The model parameters of a checkpoint, by name.
    static func parameters(_ url: URL) throws -> [String: [Float]] {
        let contents = try Checkpoint.read(from: url)
        return contents.tensors.filter { $0.key.hasPrefix("param/") }.mapValues { tensor in tensor.withUnsafeBufferPointer(Array.init) }
    }

    /// The training losses of metrics.jsonl, in step order.
    static func losses(_ run: URL) throws -> [Double] {
        let text = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            guard let record = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  record["kind"] as? String == "train" else { return nil }
            return record["loss"] as? Double
        }
    }

    @Test func twoRanksTrainTheParametersOfOneProcess() throws {
        let root = try KLTProcess.freshFolder("klt-mpi-equal-\(getpid())")
        defer { try? FileManager.default.removeItem(at: root) }
        let cache = root.appendingPathComponent("cache")
        let single = root.appendingPathComponent("single"), parallel = root.appendingPathComponent("parallel")
        let alone = try KLTProcess.run(Self.arguments(output: single, cache: cache, steps: 30, evaluationInterval: 10),
                                       log: root.appendingPathComponent("single.log"))
        try #require(alone.status == 0, "\(alone.output)")
        let together = try MPIRun.run(ranks: 2, Self.arguments(output: parallel, cache: cache, steps: 30, evaluationInterval: 10),
                                      log: root.appendingPathComponent("parallel.log"))
        try #require(together.status == 0, "\(together.output)")
        #expect(together.output.contains("MPI rank 0 of 2"), "\(together.output)")

        let expected = try Self.parameters(single.appendingPathComponent("last.safetensors"))
        let actual = try Self.parameters(parallel.appendingPathComponent("last.safetensors"))
        #expect(Set(actual.keys) == Set(expected.keys))
        var largest = 0.0
        for (name, values) in expected {
            let other = try #require(actual[name])
            for (a, b) in zip(values, other) { largest = max(largest, Double(abs(a - b)) / max(1, Double(abs(a)))) }
        }
        // The same arithmetic but for the order of a few additions (the per-rank means and their sum).
        #expect(largest < 1e-5, "largest relative parameter difference \(largest)")
        let (lossesAlone, lossesTogether) = (try Self.losses(single), try Self.losses(parallel))
        #expect(lossesAlone.count == 30 && lossesTogether.count == 30)
        for (a, b) in zip(lossesAlone, lossesTogether) { #expect(abs(a - b) <= 1e-5 * max(1, abs(a)), "losses \(a) and \(b)") }
        // Rank 0 alone wrote the run: one metrics record per step, one summary.
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: parallel.appendingPathComponent("summary.json"))) as? [String: Any]
        #expect(summary?["ranks"] as? Int == 2)
        #expect((summary?["allReduceBytesPerStep"] as? Int ?? 0) > 0)
    }

    /// The state letter and parent pid of process `pid` (Linux: from /proc), nil when it is gone.
    static func status(of pid: Int32) -> (state: Character, parent: Int32)? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 1, let state = fields[0].first, let parent = Int32(fields[1]) else { return nil }
        return (state, parent)
    }

    /// Whether process `pid` still runs (a zombie, dead but not yet reaped, does not).
    static func isRunning(_ pid: Int32) -> Bool { status(of: pid).map { $0.state != "Z" } ?? false }

    /// The pids of the running processes whose parent is `parent`.
    static func children(of parent: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { status(of: $0)?.parent == parent && isRunning($0) }
    }

    @Test func aKilledRankEndsTheJobAndResumeFinishesIt() throws {
        #if os(Linux)
        let root = try KLTProcess.freshFolder("klt-mpi-kill-\(getpid())")
        defer { try? FileManager.default.removeItem(at: root) }
        let cache = root.appendingPathComponent("cache")
        let run = root.appendingPathComponent("run")
        let steps = 60
        let arguments = Self.arguments(output: run, cache: cache, steps: steps, evaluationInterval: 10)
        let job = try MPIRun.start(ranks: 2, arguments, log: root.appendingPathComponent("killed.log"))
        let deadline = Date().addingTimeInterval(180)
        while job.isRunning, Date() < deadline, !FileManager.default.fileExists(atPath: run.appendingPathComponent("last.safetensors").path) {
            usleep(5_000)
        }
        let ranks = Self.children(of: job.processIdentifier)
        try #require(job.isRunning && ranks.count == 2, "the job ended before a rank could be killed (ranks: \(ranks))")
        kill(ranks[1], SIGKILL)
        let killed = Date()
        job.waitUntilExit()
        let waited = Date().timeIntervalSince(killed)
        let output = try String(contentsOf: root.appendingPathComponent("killed.log"), encoding: .utf8)
        #expect(job.terminationStatus != 0, "\(output)")
        #expect(waited < 20, "the job took \(waited) s to end after a rank was killed")
        #expect(!FileManager.default.fileExists(atPath: run.appendingPathComponent("summary.json").path))
        usleep(200_000)
        #expect(!ranks.contains(where: Self.isRunning), "a rank outlived the job")

        let resumed = try MPIRun.run(ranks: 2, arguments + ["--resume"], log: root.appendingPathComponent("resumed.log"))
        try #require(resumed.status == 0, "\(resumed.output)")
        #expect(resumed.output.contains("resuming \(run.path) at step"), "\(resumed.output)")
        #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("summary.json").path))
        #expect(try Self.losses(run).count == steps, "every step is logged once")
        #endif
    }
}
