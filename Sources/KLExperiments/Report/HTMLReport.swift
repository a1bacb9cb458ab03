import Foundation

/// `report.html`: a self-contained page (inline CSS and SVG, no scripts, nothing fetched) with the
/// results tables and the figures of a sweep.
enum HTMLReport {
    /// The page.
    static func text(_ results: SweepResults, table: ResultsTable, title: String, provenance: ReportProvenance,
                     comparisons: [KernelComparison] = [], inspections: [InspectionLink] = []) -> String {
        var body = "<h1>\(escape(title))</h1>\n"
        if let purpose = provenance.purpose { body += "<p>\(escape(purpose))</p>\n" }
        body += "<ul class=\"provenance\">"
        if let command = provenance.command { body += "<li>Command: <code>\(escape(command))</code></li>" }
        if let revision = provenance.revision { body += "<li>Checkout: <code>\(escape(revision))</code> (git HEAD of the working directory when this was written)</li>" }
        body += "<li>Machine: \(escape(provenance.machine))</li><li>Written: \(ISO8601DateFormatter().string(from: provenance.date))</li></ul>\n"
        for task in table.tasks {
            body += "<h2>\(escape(task))</h2>\n" + tableHTML(table, task: task)
            body += ReportFigures.html(results, table: table, task: task)
        }
        if !comparisons.isEmpty {
            body += "<h2>Paired kernels</h2>\n" + KernelComparison.htmlTable(comparisons, table: table)
        }
        if !inspections.isEmpty {
            body += "<h2>What the kernels learned</h2>\n<p class=\"note\">\(inline(InspectionLink.note))</p>\n"
            for link in inspections { body += link.html }
        }
        return page(title: title, body: body)
    }

    /// A whole page around `body`, with the reports' style sheet inline.
    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title)) — KLTransformer</title>
        <style>
        body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1300px; color: #222; padding: 0 1em; }
        table { border-collapse: collapse; margin: 1em 0; font-size: 14px; }
        th, td { border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        th { background: #f4f4f4; }
        td.best { font-weight: bold; }
        td.failed { color: #b00; }
        .note { color: #555; font-size: 13px; max-width: 60em; }
        .figures { display: flex; flex-wrap: wrap; gap: 12px; }
        code { background: #f4f4f4; padding: 1px 4px; }
        </style></head><body>
        \(body)
        </body></html>

        """
    }

    /// The results table of one task.
    static func tableHTML(_ table: ResultsTable, task: String) -> String {
        var out = "<table><tr><th>kernel</th><th>test accuracy % (mean ± std)</th><th>seeds</th><th>best validation %</th>"
            + "<th>steps/s</th><th>time/run</th><th>peak memory</th><th>parameters</th></tr>\n"
        let rows = table.rows.filter { $0.key.task == task }
        for row in rows {
            func cell(_ text: String, _ column: ResultsTable.Column?) -> String {
                "<td\(column.map { table.isBest(row, in: $0) } == true ? " class=\"best\"" : "")>\(escape(text))</td>"
            }
            out += "<tr><td>\(escape(row.label))</td>" + cell(ReportFormat.percent(row.test), .test)
                + "<td\(row.failed > 0 ? " class=\"failed\"" : "")>\(escape(ReportFormat.seeds(row)))</td>"
                + cell(ReportFormat.percent(row.validation), .validation) + cell(ReportFormat.rate(row.stepsPerSecond), .stepsPerSecond)
                + cell(ReportFormat.duration(row.seconds), .seconds) + cell(ReportFormat.bytes(row.peakResidentBytes), .memory)
                + cell(ReportFormat.count(row.parameters), nil) + "</tr>\n"
        }
        out += "</table>\n"
        if let majority = rows.compactMap(\.majorityBaseline).first {
            out += String(format: "<p class=\"note\">Majority-class baseline %.2f%%. ", 100 * majority)
        } else {
            out += "<p class=\"note\">"
        }
        out += "Bold: best of the column for this task. Test accuracy of the best-on-validation checkpoint; ± is the sample "
            + "standard deviation over seeds; time is training time (evaluation excluded); memory is the peak resident set of a run.</p>\n"
        return out
    }

    /// A line of Markdown-ish text as HTML: escaped, with `code` spans.
    static func inline(_ line: String) -> String {
        escape(line).split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .map { $0.offset % 2 == 1 ? "<code>\($0.element)</code>" : String($0.element) }.joined()
    }

    /// Text escaped for HTML.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
