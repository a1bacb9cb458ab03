import Foundation
import KLTraining

/// How reports write numbers: accuracies in percent with the spread over seeds, durations, sizes.
enum ReportFormat {
    /// "35.21 ± 0.84" (percent); "—" when there is no value.
    static func percent(_ statistics: SampleStatistics, withSpread: Bool = true) -> String {
        guard statistics.count > 0, statistics.mean.isFinite else { return "—" }
        let mean = String(format: "%.2f", 100 * statistics.mean)
        guard withSpread, statistics.count > 1 else { return mean }
        return mean + String(format: " ± %.2f", 100 * statistics.standardDeviation)
    }

    /// "12.3" steps per second; "—" when unknown.
    static func rate(_ statistics: SampleStatistics) -> String {
        statistics.count > 0 && statistics.mean.isFinite ? String(format: "%.1f", statistics.mean) : "—"
    }

    /// "3m05s"; "—" when unknown.
    static func duration(_ statistics: SampleStatistics) -> String {
        statistics.count > 0 && statistics.mean.isFinite ? ProgressReporter.duration(statistics.mean) : "—"
    }

    /// "412 MiB", "1.3 GiB"; "—" when unknown.
    static func bytes(_ value: Int?) -> String {
        guard let value else { return "—" }
        let mib = Double(value) / 1_048_576
        return mib >= 1024 ? String(format: "%.1f GiB", mib / 1024) : String(format: "%.0f MiB", mib)
    }

    /// "1,234,567".
    static func count(_ value: Int?) -> String {
        guard let value else { return "—" }
        let digits = String(value)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return out
    }

    /// "3/3", or "2/3 (1 failed)": runs that finished of those in the grid.
    static func seeds(_ row: ResultsTable.Row) -> String {
        "\(row.succeeded)/\(row.runs)" + (row.failed > 0 ? " (\(row.failed) failed)" : "")
    }
}
