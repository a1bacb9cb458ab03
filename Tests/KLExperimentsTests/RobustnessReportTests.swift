import Foundation
import Testing
@testable import KLExperiments

/// The robustness report from attack records: mean ± std over seeds per kernel, gradient estimate
/// and radius, the worst of fixed draw and EOT per run, runs not attacked yet shown, and the
/// records' round trip through their file.
@Suite struct RobustnessReportTests {
    static func record(_ kernel: String, seed: UInt64, clean: Int, fixed: [Int], eot: [Int]?) -> RunRobustness {
        let radii = [1.0 / 255, 8.0 / 255]
        var results = [RobustAccuracy(epsilon: 0, gradients: "clean", correct: clean, count: 100)]
        for (index, epsilon) in radii.enumerated() {
            results.append(RobustAccuracy(epsilon: epsilon, gradients: eot == nil ? "exact" : "fixed draw", correct: fixed[index], count: 100))
            if let eot { results.append(RobustAccuracy(epsilon: epsilon, gradients: "EOT-4", correct: eot[index], count: 100)) }
        }
        return RunRobustness(kernel: kernel, seed: seed, attack: "PGD", results: results)
    }

    @Test func tableGivesMeanAndSpreadPerEstimateAndTheWorst() throws {
        let runs = [
            Self.record("softmax", seed: 1, clean: 70, fixed: [50, 10], eot: nil),
            Self.record("softmax", seed: 2, clean: 72, fixed: [52, 12], eot: nil),
            Self.record("GMM-PRF", seed: 1, clean: 68, fixed: [60, 30], eot: [55, 20]),
            Self.record("GMM-PRF", seed: 2, clean: 66, fixed: [50, 10], eot: [58, 24]),
        ]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("klt-robustness-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try RobustnessReport.write(runs, expected: 6, kernels: ["softmax", "GMM-PRF", "FAVOR+"],
                                               provenance: ReportProvenance(command: "test"), to: directory)
        #expect(files.count == 4)
        let markdown = try String(contentsOf: directory.appendingPathComponent(RobustnessReport.markdownName), encoding: .utf8)
        #expect(markdown.contains("4 of 6 runs attacked"))
        #expect(markdown.contains("| softmax | exact | 2 | 71.00 ± 1.41 | 51.00 ± 1.41 | 11.00 ± 1.41 |"))
        #expect(markdown.contains("| GMM-PRF | fixed draw | 2 | 67.00 ± 1.41 | 55.00 ± 7.07 | 20.00 ± 14.14 |"))
        #expect(markdown.contains("| GMM-PRF | EOT-4 | 2 | 67.00 ± 1.41 | 56.50 ± 2.12 | 22.00 ± 2.83 |"))
        // Worst per run: seed 1 min(60, 55) = 55, min(30, 20) = 20; seed 2 min(50, 58) = 50, min(10, 24) = 10.
        #expect(markdown.contains("| GMM-PRF | worst | 2 | 67.00 ± 1.41 | 52.50 ± 3.54 | 15.00 ± 7.07 |"))
        #expect(markdown.contains("| FAVOR+ | (not attacked yet) | 0 |"))
        #expect(markdown.contains("ε = 8/255"))
        let csv = try String(contentsOf: directory.appendingPathComponent(RobustnessReport.csvName), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 1 + 2 * 3 + 2 * 5)
        for name in [RobustnessReport.worstChartName, RobustnessReport.estimatesChartName] {
            let svg = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            #expect(svg.hasPrefix("<?xml") || svg.hasPrefix("<svg"))
            #expect(svg.contains("GMM-PRF"))
        }
    }

    @Test func recordsRoundTripThroughTheirFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("klt-robustness-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(RunRobustness.read(from: directory) == nil)
        let record = Self.record("GMM-PRF", seed: 3, clean: 60, fixed: [40, 5], eot: [45, 9])
        try record.write(to: directory)
        #expect(RunRobustness.read(from: directory) == record)
        #expect(record.worstAccuracy(at: 8.0 / 255) == 0.05)
        #expect(record.worstAccuracy(at: 0.5) == nil)
    }
}
