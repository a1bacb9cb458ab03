import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A curriculum written as two sweep files: the second stage's runs start from the first stage's
/// best checkpoints (`init-from-sweep`), and a folder made from another stage is refused.
@Suite struct CurriculumSweepTests {
    static func sweepFile(_ extra: String, cache: URL) -> String {
        """
        kernels = ["elu+1"]
        task = "listops"
        seeds = [1]
        presets = ["tiny"]
        \(extra)

        [train]
        steps = 20
        eval-every = 10
        batch-size = 8
        train-examples = 80
        validation-examples = 16
        test-examples = 16
        cache-dir = "\(cache.path)"
        """
    }

    @Test func secondStageStartsFromTheFirstStagesBestCheckpoint() throws {
        let root = try KLTProcess.freshFolder("klt-curriculum-sweep-\(getpid())")
        defer { try? FileManager.default.removeItem(at: root) }
        let cache = root.appendingPathComponent("cache")
        let first = root.appendingPathComponent("first.toml"), second = root.appendingPathComponent("second.toml")
        try Self.sweepFile("", cache: cache).write(to: first, atomically: true, encoding: .utf8)
        try Self.sweepFile("init-from-sweep = \"stage-1\"", cache: cache).write(to: second, atomically: true, encoding: .utf8)

        let one = try KLTProcess.run(["sweep", first.path, "--output-dir", root.appendingPathComponent("stage-1").path], log: root.appendingPathComponent("1.log"))
        #expect(one.status == 0, "\(one.output)")
        let two = try KLTProcess.run(["sweep", second.path, "--output-dir", root.appendingPathComponent("stage-2").path], log: root.appendingPathComponent("2.log"))
        #expect(two.status == 0, "\(two.output)")
        let run = root.appendingPathComponent("stage-2/runs/listops-elu+1-seed1-tiny")
        let record = try String(contentsOf: run.appendingPathComponent("run.json"), encoding: .utf8)
        let checkpoint = root.appendingPathComponent("stage-1/runs/listops-elu+1-seed1-tiny/best.safetensors").path
        #expect(record.contains(checkpoint.replacingOccurrences(of: "/", with: "\\/")) || record.contains(checkpoint), "\(record)")

        // The first stage's folder, reused for a sweep that starts from elsewhere, is refused.
        let reused = try KLTProcess.run(["sweep", second.path, "--output-dir", root.appendingPathComponent("stage-1").path],
                                        log: root.appendingPathComponent("3.log"))
        #expect(reused.status != 0 && reused.output.contains("started from scratch, now from the sweep stage-1"), "\(reused.output)")
    }
}
