import Foundation

/// `results.csv`: one row per run of a sweep, every number a report shows, for pandas and
/// spreadsheets (RFC 4180 quoting; empty fields where a run has no value).
public enum ResultsCSV {
    /// The header.
    public static let columns = [
        "run", "task", "kernel", "seed", "features", "max_length", "preset", "status", "test_accuracy", "test_loss",
        "validation_accuracy", "validation_loss", "majority_baseline", "best_step", "steps", "training_seconds",
        "steps_per_second", "parameters", "peak_resident_bytes", "peak_tensor_bytes",
    ]

    /// The columns that measure time or memory, which differ between two runs of the same sweep.
    public static let measuredColumns: Set<String> = ["training_seconds", "steps_per_second", "peak_resident_bytes", "peak_tensor_bytes"]

    /// The CSV text of a sweep's runs.
    public static func text(_ results: SweepResults) -> String {
        var lines = [columns.joined(separator: ",")]
        for result in results.runs {
            let run = result.run, summary = result.succeeded || result.status == .finished ? result.summary : nil
            func number(_ value: Double?) -> String { value.map { $0.isFinite ? String($0) : "nan" } ?? "" }
            func integer(_ value: Int?) -> String { value.map(String.init) ?? "" }
            let fields: [String] = [
                run.name, run.task, run.kernel, String(run.seed), integer(run.features), integer(run.maxLength), run.preset ?? "",
                result.reportedStatus, number(summary?.testAccuracy), number(summary?.testLoss),
                number(summary?.validationAccuracy), number(summary?.validationLoss), number(summary?.majorityBaseline),
                integer(summary?.bestStep), integer(summary?.steps), number(summary?.trainingSeconds),
                number(summary?.stepsPerSecond), integer(summary?.parameters), integer(summary?.peakResidentBytes),
                integer(summary?.peakTensorBytes),
            ]
            lines.append(fields.map(quote).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A field quoted when it holds a comma, a quote or a line break.
    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
