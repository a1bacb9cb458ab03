import Foundation
import KLTasks
import KLTensor
import KLTransformer

/// `klt experiment efficiency`: attention time and memory against sequence length for softmax, the
/// fixed linear kernels and the paper's learned kernels, with fitted slopes, written as a report.
public enum EfficiencyExperiment {
    /// The kernels measured.
    public static let kernels: [Kernel] = [.softmax, .elu, .rff, .favor, .gmmRKS, .gmmPRF, .fastFoodRKS, .fastFoodPRF,
                                          .generatorRKS, .generatorPRF]
    /// The sequence lengths measured.
    public static let lengths = [256, 512, 1024, 2048, 4096, 8192]

    /// Measures every kernel at every length (shortest first, so a budget overrun shows early),
    /// reporting each measurement to `progress`, and writes `results.csv`, `efficiency.svg`,
    /// `report.md` and `report.html` into `output`. Returns the files written.
    @discardableResult
    public static func run(output: URL, kernels: [Kernel] = kernels, lengths: [Int] = lengths, command: String, revision: String?,
                           progress: (String) -> Void) throws -> [URL] {
        var costs: [AttentionCost] = []
        for length in lengths {
            for kernel in kernels {
                let cost = AttentionCost.measure(kernel, length: length)
                costs.append(cost)
                if let seconds = cost.seconds {
                    progress(String(format: "%@ L=%d: %.1f ms, peak %.1f MB", kernel.rawValue, length, 1000 * seconds, (cost.peakBytes ?? 0) / 1e6))
                } else {
                    progress("\(kernel.rawValue) L=\(length): skipped (\(cost.skipped ?? ""))")
                }
            }
        }
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let provenance = ReportProvenance(purpose: NamedExperiment.efficiency.claim, command: command, revision: revision)
        let context = "batch 1, 8 heads × 64, \(ComputeBackend.current), \(Parallel.threadCount) thread\(Parallel.threadCount == 1 ? "" : "s")"
        let svg = EfficiencyFigure.svg(costs, title: "Attention cost against length (\(context))")
        let markdown = EfficiencyReport.markdown(costs, context: context, provenance: provenance)
        let files: [(String, String)] = [
            ("results.csv", EfficiencyReport.csv(costs)),
            ("efficiency.svg", svg),
            ("report.md", markdown),
            ("report.html", EfficiencyReport.html(costs, svg: svg, context: context, provenance: provenance)),
        ]
        return try files.map { name, text in
            let url = output.appendingPathComponent(name)
            try AtomicFile.write(text, to: url)
            return url
        }
    }
}

/// The efficiency experiment's tables.
enum EfficiencyReport {
    /// One row per kernel and length.
    static func csv(_ costs: [AttentionCost]) -> String {
        var lines = ["kernel,length,features,seconds,peak_megabytes,status"]
        for cost in costs {
            lines.append([cost.kernel, String(cost.length), String(cost.features), cost.seconds.map { String($0) } ?? "",
                          cost.peakBytes.map { String($0 / 1e6) } ?? "", ResultsCSV.quote(cost.skipped.map { "skipped: \($0)" } ?? "ok")]
                            .joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Time (memory) per kernel and length, the fitted slopes and the speed-up over softmax.
    static func markdown(_ costs: [AttentionCost], context: String, provenance: ReportProvenance) -> String {
        let lengths = Array(Set(costs.map(\.length))).sorted()
        let kernels = EfficiencyFigure.kernels(costs)
        func cost(_ kernel: String, _ length: Int) -> AttentionCost? { costs.first { $0.kernel == kernel && $0.length == length } }
        var out = "# Experiment efficiency\n\n" + provenance.markdown + "\n"
        out += "Attention forward + backward, \(context). \(AttentionCost.method) Feature counts follow the official code "
            + "(spec §2.2): some grow with L up to a cap (GMM-RKS, RFF, Generator-RKS reach theirs by L = 1024), so slopes are "
            + "fitted over the longest lengths; `results.csv` has the count at each length.\n\n"
        out += "![time and memory against length](efficiency.svg)\n\n"
        out += "## Time in ms (peak tensor memory in MB)\n\n| kernel | " + lengths.map { "L = \($0)" }.joined(separator: " | ") + " |\n"
        out += "|---|" + lengths.map { _ in "---" }.joined(separator: "|") + "|\n"
        for kernel in kernels {
            let cells = lengths.map { length -> String in
                guard let c = cost(kernel, length) else { return "" }
                guard let seconds = c.seconds else { return "skipped" }
                return String(format: "%.1f (%.0f)", 1000 * seconds, (c.peakBytes ?? 0) / 1e6)
            }
            out += "| \(kernel) | " + cells.joined(separator: " | ") + " |\n"
        }
        out += "\n## Fitted slopes (exponent of L over the \(EfficiencyFigure.fittedLengths) longest lengths) and speed-up over softmax\n\n"
        let longest = lengths.last { length in cost("softmax", length)?.seconds != nil }
        out += "| kernel | time slope | memory slope |" + (longest.map { " speed-up at L = \($0) | memory ÷ at L = \($0) |" } ?? "") + "\n"
        out += "|---|---|---|" + (longest == nil ? "" : "---|---|") + "\n"
        for (kernel, time, memory) in EfficiencyFigure.slopes(costs) {
            var row = "| \(kernel) | " + (time.map { String(format: "%.2f", $0) } ?? "—") + " | " + (memory.map { String(format: "%.2f", $0) } ?? "—") + " |"
            if let longest, let softmax = cost("softmax", longest), let mine = cost(kernel, longest), let s = softmax.seconds, let m = mine.seconds {
                row += String(format: " %.1f× | %.1f× |", s / m, (softmax.peakBytes ?? 0) / max(mine.peakBytes ?? 1, 1))
            } else if longest != nil {
                row += " — | — |"
            }
            out += row + "\n"
        }
        return out
    }

    /// The Markdown tables as a page, with the figure inline.
    static func html(_ costs: [AttentionCost], svg: String, context: String, provenance: ReportProvenance) -> String {
        let tables = markdown(costs, context: context, provenance: provenance)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var body = "", inTable = false
        for line in tables {
            if line.hasPrefix("|") {
                if line.hasPrefix("|---") { continue }
                let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                body += (inTable ? "" : "<table>") + "<tr>" + cells.map { "<td>\(HTMLReport.escape($0.trimmingCharacters(in: .whitespaces)))</td>" }.joined() + "</tr>\n"
                inTable = true
                continue
            }
            if inTable { body += "</table>\n"; inTable = false }
            if line.hasPrefix("# ") { body += "<h1>\(HTMLReport.escape(String(line.dropFirst(2))))</h1>\n" }
            else if line.hasPrefix("## ") { body += "<h2>\(HTMLReport.escape(String(line.dropFirst(3))))</h2>\n" }
            else if line.hasPrefix("![") { body += svg + "\n" }
            else if line.hasPrefix("- ") { body += "<p class=\"note\">\(HTMLReport.inline(String(line.dropFirst(2))))</p>\n" }
            else if !line.isEmpty { body += "<p>\(HTMLReport.inline(line))</p>\n" }
        }
        if inTable { body += "</table>\n" }
        return HTMLReport.page(title: "Experiment efficiency", body: body)
    }

}
