import Foundation
import KLTasks

/// Writes a sweep's report into its folder: `report.md` (the results tables), `report.html` (the
/// tables with the learning curves and accuracy against time, inline SVG, no scripts) and
/// `results.csv` (one row per run). A report only reads run folders, so it can be written at any
/// time, also while a sweep runs, and is the same whenever the runs are.
public enum SweepReport {
    /// The file written for the command that made a sweep.
    public static let commandFileName = "command.txt"

    /// Reads the sweep at `directory` (the runs of `plan`, default its `sweep.json`) and writes the
    /// three report files into `output` (default: the sweep folder); returns their URLs. `command`
    /// names what made the numbers (default: the sweep's `command.txt`), `purpose` what they are for; `comparisons` adds a table of
    /// paired kernels (e.g. learned against fixed), `inspections` a section on what learned kernels learned.
    @discardableResult
    public static func write(sweep directory: URL, plan: SweepPlan? = nil, to output: URL? = nil, title: String? = nil,
                             purpose: String? = nil, command: String? = nil, revision: String? = nil,
                             comparisons: [KernelComparison] = [], inspections: [InspectionLink] = []) throws -> [URL] {
        let results = try SweepResults(directory: directory, plan: plan)
        let table = ResultsTable(results)
        let command = command ?? FileManager.default.contents(atPath: directory.appendingPathComponent(commandFileName).path)
            .map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
        let provenance = ReportProvenance(purpose: purpose, command: command, revision: revision)
        let title = title ?? "Sweep \(directory.lastPathComponent)"
        let files: [(String, String)] = [
            ("report.md", MarkdownReport.text(results, table: table, title: title, provenance: provenance, comparisons: comparisons,
                                              inspections: inspections)),
            ("results.csv", ResultsCSV.text(results)),
            ("report.html", HTMLReport.text(results, table: table, title: title, provenance: provenance, comparisons: comparisons,
                                              inspections: inspections)),
        ]
        let output = output ?? directory
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        return try files.map { name, text in
            let url = output.appendingPathComponent(name)
            try AtomicFile.write(text, to: url)
            return url
        }
    }
}
