import Foundation
import KLTraining
import Testing
@testable import KLExperiments

/// Reports read run folders: mean ± std over seeds, failed runs shown as failed (never dropped),
/// best per column marked, CSV with one row per run.
@Suite struct ReportTests {
    /// A sweep folder with two kernels × three seeds; one GMM-PRF seed failed, one FAVOR+ seed is unfinished.
    static func makeSweep() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("klt-report-\(UUID().uuidString)")
        let plan = SweepPlan(kernels: ["GMM-PRF", "FAVOR+"], tasks: ["listops"], seeds: [1, 2, 3], trainArguments: ["--steps", "10"])
        let runs = SweepRunner.runsDirectory(in: directory)
        try FileManager.default.createDirectory(at: runs, withIntermediateDirectories: true)
        try JSONEncoder().encode(plan).write(to: SweepRunner.planURL(in: directory))
        let accuracies: [String: [Double?]] = ["GMM-PRF": [0.30, 0.40, nil], "FAVOR+": [0.20, 0.24, 0.22]]
        for run in plan.runs {
            let folder = runs.appendingPathComponent(run.name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let accuracy = accuracies[run.kernel]![Int(run.seed) - 1]
            if run.kernel == "FAVOR+" && run.seed == 3 { continue }   // never started
            guard let accuracy else {
                try RunFailure(exitStatus: 1, logTail: "step 3\nError: training stopped at step 4: the loss is nan.").write(to: folder)
                continue
            }
            let summary: [String: Any] = ["testAccuracy": accuracy, "validationAccuracy": accuracy + 0.01, "validationLoss": 1.0,
                                          "testLoss": 1.1, "majorityBaseline": 0.17, "bestStep": 10, "steps": 10,
                                          "trainingSeconds": run.kernel == "FAVOR+" ? 5.0 : 8.0, "stepsPerSecond": 2.0,
                                          "parameters": 1234, "peakResidentBytes": 100 << 20]
            try JSONSerialization.data(withJSONObject: summary).write(to: folder.appendingPathComponent("summary.json"))
            let metrics = (1...10).map { #"{"kind":"train","loss":\#(2.0 - Double($0) / 10),"step":\#($0),"seconds":\#($0)}"# }
                + [#"{"kind":"validation","loss":1.5,"accuracy":\#(accuracy),"step":10}"#]
            try Data(metrics.joined(separator: "\n").utf8).write(to: folder.appendingPathComponent("metrics.jsonl"))
        }
        return directory
    }

    @Test func tableAggregatesOverSeedsAndKeepsFailures() throws {
        let directory = try Self.makeSweep()
        defer { try? FileManager.default.removeItem(at: directory) }
        let table = ResultsTable(try SweepResults(directory: directory))
        #expect(table.rows.count == 2)
        let gmm = table.rows[0], favor = table.rows[1]
        #expect(gmm.key.kernel == "GMM-PRF" && gmm.runs == 3 && gmm.succeeded == 2 && gmm.failed == 1)
        #expect(abs(gmm.test.mean - 0.35) < 1e-12)
        #expect(abs(gmm.test.standardDeviation - 0.1 / 2.0.squareRoot()) < 1e-12)
        #expect(favor.succeeded == 2 && favor.failed == 0 && favor.runs == 3)
        #expect(table.isBest(gmm, in: .test) && !table.isBest(favor, in: .test))
        #expect(table.isBest(favor, in: .seconds) && !table.isBest(gmm, in: .seconds))
    }

    @Test func reportFilesShowFailedAndUnfinishedRuns() throws {
        let directory = try Self.makeSweep()
        defer { try? FileManager.default.removeItem(at: directory) }
        try SweepReport.write(sweep: directory)
        let markdown = try String(contentsOf: directory.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(markdown.contains("| GMM-PRF | **35.00 ± 7.07** | 2/3 (1 failed) |"), "\(markdown)")
        #expect(markdown.contains("listops-GMM-PRF-seed3 | failed | Error: training stopped at step 4: the loss is nan."))
        #expect(markdown.contains("listops-FAVOR+-seed3 | pending"))
        let csv = try String(contentsOf: directory.appendingPathComponent("results.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 1 + 6)
        #expect(csv.contains { $0.hasPrefix("listops-GMM-PRF-seed3,listops,GMM-PRF,3,,,,failed,") })
        let html = try String(contentsOf: directory.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<svg") && !html.contains("<script"))
    }

    @Test func pairedKernelsGiveTheDifferenceAndItsStandardError() throws {
        let directory = try Self.makeSweep()
        defer { try? FileManager.default.removeItem(at: directory) }
        let table = ResultsTable(try SweepResults(directory: directory))
        let lines = KernelComparison.lines([KernelComparison(kernel: "GMM-PRF", baseline: "FAVOR+")], table: table)
        let line = try #require(lines.first)
        #expect(abs(line.difference - (0.35 - 0.22)) < 1e-12)
        // √(s₁²/2 + s₂²/2): s₁² = 0.005 (0.30, 0.40), s₂² = 0.0008 (0.20, 0.24)
        #expect(abs(line.standardError - (0.005 / 2 + 0.0008 / 2).squareRoot()) < 1e-12)
        #expect(KernelComparison.cells(line).last == "+13.00 ± 5.39")
        try SweepReport.write(sweep: directory, comparisons: [KernelComparison(kernel: "GMM-PRF", baseline: "FAVOR+")])
        let markdown = try String(contentsOf: directory.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(markdown.contains("| listops | GMM-PRF | 35.00 ± 7.07 | FAVOR+ | 22.00 ± 2.83 | +13.00 ± 5.39 |"), "\(markdown)")
    }

    @Test func csvQuotesFieldsThatNeedIt() {
        #expect(ResultsCSV.quote("plain") == "plain")
        #expect(ResultsCSV.quote("a,b") == "\"a,b\"")
        #expect(ResultsCSV.quote("say \"hi\"") == "\"say \"\"hi\"\"\"")
    }
}
