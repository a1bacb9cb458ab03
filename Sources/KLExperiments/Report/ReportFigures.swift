import Foundation
import KLCharts

/// The figures of a sweep report, per task: training loss and validation accuracy against step (one
/// line per kernel, the seeds as a band of ± one standard deviation) and test accuracy against
/// training time (mean ± std over seeds on both axes).
enum ReportFigures {
    /// Training losses are averaged over windows of this many points per curve, so that a line
    /// shows the trend rather than mini-batch noise.
    static let trainingCurvePoints = 60

    /// The figures of one task as inline SVG in HTML.
    static func html(_ results: SweepResults, table: ResultsTable, task: String) -> String {
        let rows = table.rows.filter { $0.key.task == task }
        let order = rows.map(\.label)
        let charts = [lossChart(results, rows: rows, order: order), validationChart(results, rows: rows, order: order),
                      costChart(rows, order: order)]
        return "<div class=\"figures\">\n" + charts.map { $0.svg(width: 580, height: 380) }.joined(separator: "\n") + "\n</div>\n"
    }

    /// The finished runs of a row.
    static func members(_ results: SweepResults, _ row: ResultsTable.Row) -> [SweepRunResult] {
        results.runs.filter { result in
            var key = result.run
            key.seed = 0
            return key == row.key && result.succeeded
        }
    }

    /// Training loss against step, windowed, seeds as a band.
    static func lossChart(_ results: SweepResults, rows: [ResultsTable.Row], order: [String]) -> Chart {
        var chart = Chart(title: "Training loss", xLabel: "step", yLabel: "cross-entropy (windowed mean)", colorOrder: order)
        for row in rows {
            let curves = members(results, row).map { windowed($0.metrics.training.map { DataPoint(x: Double($0.step), y: $0.loss) }) }
            guard !curves.isEmpty else { continue }
            chart.add(SeriesSummary(runs: curves), name: row.label)
        }
        return chart
    }

    /// Validation accuracy against step, seeds as a band, with the majority-class baseline.
    static func validationChart(_ results: SweepResults, rows: [ResultsTable.Row], order: [String]) -> Chart {
        var chart = Chart(title: "Validation accuracy", xLabel: "step", yLabel: "accuracy", colorOrder: order)
        for row in rows {
            let curves = members(results, row).map { $0.metrics.validation.map { DataPoint(x: Double($0.step), y: $0.accuracy) } }
            guard !curves.isEmpty else { continue }
            chart.add(SeriesSummary(runs: curves), name: row.label)
        }
        if let majority = rows.compactMap(\.majorityBaseline).first {
            chart.add(.referenceLine(name: "majority class", y: majority, color: Color(red: 120, green: 120, blue: 120)))
        }
        return chart
    }

    /// Test accuracy against training time per run, mean ± std over seeds.
    static func costChart(_ rows: [ResultsTable.Row], order: [String]) -> Chart {
        var chart = Chart(title: "Test accuracy against training time", xLabel: "training time per run (s)", yLabel: "test accuracy",
                          legend: .hidden, colorOrder: order)
        for row in rows where row.succeeded > 0 && row.test.mean.isFinite && row.seconds.mean.isFinite {
            let point = DataPoint(x: row.seconds.mean, y: row.test.mean)
            chart.add(.errorBars(name: row.label, bars: [ErrorBar(x: point.x, y: point.y, yError: row.test.standardDeviation,
                                                                  xError: row.seconds.standardDeviation)]))
            chart.add(.scatter(name: row.label, points: [point], labels: [row.label]))
        }
        return chart
    }

    /// A curve averaged over consecutive windows, about `trainingCurvePoints` points in all.
    static func windowed(_ points: [DataPoint]) -> [DataPoint] {
        let window = max(1, points.count / trainingCurvePoints)
        return stride(from: 0, to: points.count, by: window).map { start in
            let slice = points[start..<min(start + window, points.count)]
            return DataPoint(x: slice.last!.x, y: slice.map(\.y).reduce(0, +) / Double(slice.count))
        }
    }
}
