import Foundation
import KLExperiments
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A sweep killed with SIGKILL mid-way and started again redoes no finished run, resumes the
/// interrupted one, and ends with the same results as a sweep that was never interrupted.
@Suite(.serialized) struct SweepInterruptionTests {
    static func arguments(output: URL, cache: URL) -> [String] {
        ["sweep", "--kernels", "elu+1,GMM-PRF", "--seeds", "1", "--presets", "tiny", "--output-dir", output.path, "--",
         "--steps", "40", "--eval-every", "10", "--batch-size", "8", "--train-examples", "160", "--validation-examples", "32",
         "--test-examples", "32", "--cache-dir", cache.path]
    }

    /// results.csv without the columns that measure time and memory.
    static func comparableResults(_ sweep: URL) throws -> [[String]] {
        let text = try String(contentsOf: sweep.appendingPathComponent("results.csv"), encoding: .utf8)
        let rows = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let keep = rows[0].indices.filter { !ResultsCSV.measuredColumns.contains(rows[0][$0]) }
        return rows.map { row in keep.map { row[$0] } }
    }

    @Test func killedSweepResumesWithoutRedoingFinishedRuns() throws {
        let root = try KLTProcess.freshFolder("klt-sweep-kill-\(getpid())")
        defer { try? FileManager.default.removeItem(at: root) }
        let cache = root.appendingPathComponent("cache")

        let reference = root.appendingPathComponent("uninterrupted")
        let whole = try KLTProcess.run(Self.arguments(output: reference, cache: cache), log: root.appendingPathComponent("reference.log"))
        #expect(whole.status == 0, "\(whole.output)")

        let interrupted = root.appendingPathComponent("interrupted")
        let runs = interrupted.appendingPathComponent("runs")
        let first = runs.appendingPathComponent("listops-elu+1-seed1-tiny")
        let second = runs.appendingPathComponent("listops-GMM-PRF-seed1-tiny")
        let sweep = try KLTProcess.start(Self.arguments(output: interrupted, cache: cache), log: root.appendingPathComponent("first.log"))
        // Kill once the first run has finished and the second has written a checkpoint but not its summary.
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline, sweep.isRunning {
            if FileManager.default.fileExists(atPath: first.appendingPathComponent("summary.json").path),
               FileManager.default.fileExists(atPath: second.appendingPathComponent("last.safetensors").path) { break }
            usleep(2_000)
        }
        try #require(sweep.isRunning, "the sweep ended before it could be killed")
        kill(sweep.processIdentifier, SIGKILL)
        sweep.waitUntilExit()
        let finishedSummary = try Data(contentsOf: first.appendingPathComponent("summary.json"))
        let finishedDate = try FileManager.default.attributesOfItem(atPath: first.appendingPathComponent("summary.json").path)[.modificationDate] as? Date
        // The run the sweep was training died with it: its files stop changing.
        usleep(300_000)
        let metricsSize = { (try? FileManager.default.attributesOfItem(atPath: second.appendingPathComponent("metrics.jsonl").path)[.size] as? Int) ?? -1 }
        let sizeAfterKill = metricsSize()
        usleep(500_000)
        #expect(metricsSize() == sizeAfterKill, "a run outlived its sweep")
        #expect(!FileManager.default.fileExists(atPath: second.appendingPathComponent("summary.json").path))

        let again = try KLTProcess.start(Self.arguments(output: interrupted, cache: cache), log: root.appendingPathComponent("second.log"))
        again.waitUntilExit()
        let secondLog = try String(contentsOf: root.appendingPathComponent("second.log"), encoding: .utf8)
        #expect(again.terminationStatus == 0, "\(secondLog)")
        #expect(secondLog.contains("1 finished, 0 failed, 1 to run"), "\(secondLog)")
        #expect(try Data(contentsOf: first.appendingPathComponent("summary.json")) == finishedSummary)
        let dateAfter = try FileManager.default.attributesOfItem(atPath: first.appendingPathComponent("summary.json").path)[.modificationDate] as? Date
        #expect(dateAfter == finishedDate, "a finished run was redone")
        let resumedResults = try Self.comparableResults(interrupted), referenceResults = try Self.comparableResults(reference)
        #expect(resumedResults == referenceResults)
        // Every step of the resumed run is logged once.
        let metrics = try String(contentsOf: second.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        #expect(metrics.split(separator: "\n").filter { $0.contains("\"kind\":\"train\"") }.count == 40)
    }
}
