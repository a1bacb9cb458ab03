import Foundation

/// Two kernels compared on each task of a sweep: the difference of their mean test accuracies and the
/// standard error of that difference (√(s₁²/n₁ + s₂²/n₂)), e.g. a learned spectral distribution
/// against the same feature map with a fixed one.
public struct KernelComparison: Sendable, Equatable {
    /// The kernel under test (paper name).
    public var kernel: String
    /// The kernel it is compared with.
    public var baseline: String

    /// A comparison of `kernel` against `baseline`.
    public init(kernel: String, baseline: String) {
        self.kernel = kernel
        self.baseline = baseline
    }

    /// One line per comparison and task: both means, the difference and its standard error.
    struct Line {
        var task: String
        var kernel: ResultsTable.Row
        var baseline: ResultsTable.Row
        var difference: Double
        var standardError: Double
    }

    /// The lines of `comparisons` on every task where both kernels have results.
    static func lines(_ comparisons: [KernelComparison], table: ResultsTable) -> [Line] {
        table.tasks.flatMap { task in
            comparisons.compactMap { comparison -> Line? in
                func row(_ kernel: String) -> ResultsTable.Row? {
                    table.rows.first { $0.key.task == task && $0.key.kernel == kernel && $0.succeeded > 0 }
                }
                guard let a = row(comparison.kernel), let b = row(comparison.baseline) else { return nil }
                let error = (a.test.standardDeviation * a.test.standardDeviation / Double(a.test.count)
                    + b.test.standardDeviation * b.test.standardDeviation / Double(b.test.count)).squareRoot()
                return Line(task: task, kernel: a, baseline: b, difference: a.test.mean - b.test.mean, standardError: error)
            }
        }
    }

    static let header = ["task", "kernel", "test %", "compared with", "test %", "difference (points)"]

    /// The cells of one line.
    static func cells(_ line: Line) -> [String] {
        [line.task, line.kernel.label, ReportFormat.percent(line.kernel.test), line.baseline.label, ReportFormat.percent(line.baseline.test),
         line.kernel.test.count > 1 && line.baseline.test.count > 1
            ? String(format: "%+.2f ± %.2f", 100 * line.difference, 100 * line.standardError)
            : String(format: "%+.2f (one seed: no error yet)", 100 * line.difference)]
    }

    static let note = "Difference of mean test accuracies ± its standard error over seeds (√(s₁²/n₁ + s₂²/n₂)); "
        + "a difference smaller than about twice its standard error is not evidence either way."

    /// A Markdown table of the comparisons.
    static func markdownTable(_ comparisons: [KernelComparison], table: ResultsTable) -> String {
        var out = "| " + header.joined(separator: " | ") + " |\n|" + header.map { _ in "---" }.joined(separator: "|") + "|\n"
        for line in lines(comparisons, table: table) { out += "| " + cells(line).joined(separator: " | ") + " |\n" }
        return out + "\n" + note + "\n"
    }

    /// An HTML table of the comparisons.
    static func htmlTable(_ comparisons: [KernelComparison], table: ResultsTable) -> String {
        var out = "<table><tr>" + header.map { "<th>\(HTMLReport.escape($0))</th>" }.joined() + "</tr>\n"
        for line in lines(comparisons, table: table) {
            out += "<tr>" + cells(line).map { "<td>\(HTMLReport.escape($0))</td>" }.joined() + "</tr>\n"
        }
        return out + "</table>\n<p class=\"note\">\(HTMLReport.escape(note))</p>\n"
    }
}
