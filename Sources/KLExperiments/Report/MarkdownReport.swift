import Foundation

/// `report.md`: the results table of a sweep per task, with how it was made, for READMEs and notes.
enum MarkdownReport {
    /// The Markdown text.
    static func text(_ results: SweepResults, table: ResultsTable, title: String, provenance: ReportProvenance,
                     comparisons: [KernelComparison] = [], inspections: [InspectionLink] = []) -> String {
        var out = "# \(title)\n\n"
        out += provenance.markdown + "\n"
        for task in table.tasks {
            let rows = table.rows.filter { $0.key.task == task }
            out += "## \(task)\n\n"
            out += "| kernel | test accuracy % (mean ± std) | seeds | best validation % | steps/s | time/run | peak memory | parameters |\n"
            out += "|---|---|---|---|---|---|---|---|\n"
            for row in rows {
                func mark(_ text: String, _ column: ResultsTable.Column) -> String { table.isBest(row, in: column) ? "**\(text)**" : text }
                let cells = [
                    row.label,
                    mark(ReportFormat.percent(row.test), .test),
                    ReportFormat.seeds(row),
                    mark(ReportFormat.percent(row.validation), .validation),
                    mark(ReportFormat.rate(row.stepsPerSecond), .stepsPerSecond),
                    mark(ReportFormat.duration(row.seconds), .seconds),
                    mark(ReportFormat.bytes(row.peakResidentBytes), .memory),
                    ReportFormat.count(row.parameters),
                ]
                out += "| " + cells.joined(separator: " | ") + " |\n"
            }
            if let majority = rows.compactMap(\.majorityBaseline).first {
                out += String(format: "\nMajority-class baseline: %.2f%%.", 100 * majority)
            }
            out += " Bold: best of the column for this task. Test accuracy is that of the best-on-validation checkpoint; "
                + "± is the sample standard deviation over seeds; seeds counts finished runs of those in the grid; "
                + "time is training time (evaluation excluded); memory is the peak resident set of a run's process. "
                + "Runs that shared the machine with others (see the load average above) ran slower: compare speeds within one sweep only.\n\n"
        }
        if !comparisons.isEmpty {
            out += "## Paired kernels\n\n" + KernelComparison.markdownTable(comparisons, table: table) + "\n"
        }
        if !inspections.isEmpty {
            out += "## What the kernels learned\n\n" + InspectionLink.note + "\n\n"
            for link in inspections { out += "- [\(link.label)](\(link.relativePath)/index.html) (`\(link.relativePath)/summary.txt`)\n" }
            out += "\n"
        }
        let unfinished = results.runs.filter { $0.reportedStatus != "finished" }
        if !unfinished.isEmpty {
            out += "## Runs not finished\n\n| run | status | reason |\n|---|---|---|\n"
            for result in unfinished {
                let reason = result.failure?.logTail.split(separator: "\n").last.map(String.init)
                    ?? (result.status == .finished ? "non-finite score" : "")
                out += "| \(result.run.name) | \(result.reportedStatus) | \(reason.replacingOccurrences(of: "|", with: "\\|")) |\n"
            }
            out += "\n"
        }
        return out
    }
}
