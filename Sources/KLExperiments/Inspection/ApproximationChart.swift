import Foundation
import KLCharts

/// The log-log chart of the approximation error against the number of frequencies, one chart per
/// layer, a line per head with ± one standard deviation over redraws, a 1/√M reference line, and
/// the model's own M marked.
enum ApproximationChart {
    /// The SVG for every layer that has a measured error.
    static func svg(kernel: String, layers: [(index: Int, error: ApproximationError)], modelFrequencies: Int) -> String {
        let charts = layers.map { layer, error in
            var chart = Chart(title: "layer \(layer)", xLabel: "frequencies M drawn from the trained distribution",
                              yLabel: "‖φ(Q)φ(K)ᵀ − K‖_F / ‖K‖_F", xScale: .log, yScale: .log, legend: .automatic)
            let x = error.frequencies.map(Double.init)
            for (head, values) in error.errors.enumerated() {
                chart.add(.line(name: "head \(head)", x: x, y: values, markers: true))
                chart.add(.errorBars(name: "head \(head)", bars: zip(x, zip(values, error.spread[head])).map {
                    ErrorBar(x: $0, y: $1.0, yLower: max($1.0 - $1.1, $1.0 * 0.5), yUpper: $1.0 + $1.1)
                }))
            }
            if let factors = error.varianceFactor {
                for (head, factor) in factors.enumerated() {
                    chart.add(.line(name: "head \(head)", x: x, y: x.map { (factor / $0).squareRoot() }, dashed: true))
                }
            } else if let first = x.first {
                let start = error.errors.map { $0[0] }.reduce(0, +) / Double(max(error.errors.count, 1))
                chart.add(.line(name: "∝ 1/√M", x: x, y: x.map { start * (first / $0).squareRoot() }, color: InspectionColors.reference,
                                dashed: true))
            }
            if let index = error.frequencies.firstIndex(of: modelFrequencies) {
                let points = error.errors.map { DataPoint(x: Double(modelFrequencies), y: $0[index]) }
                chart.add(.scatter(name: "the model's M = \(modelFrequencies)", points: points, color: InspectionColors.softmax))
            }
            return chart
        }
        let theory = layers.first?.error.varianceFactor == nil ? "" : "; dashed: theory √(F/M)"
        let title = "\(kernel): random-feature error on the model's queries and keys (mean ± sd of \(layers.first?.error.redraws ?? 0) redraws\(theory))"
        return ChartGrid(title: title, columns: min(2, max(charts.count, 1)), charts: charts).svg(cellWidth: 560, cellHeight: 420)
    }
}
