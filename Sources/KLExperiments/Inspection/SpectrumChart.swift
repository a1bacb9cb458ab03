import Foundation
import KLCharts

/// The chart of one layer's spectral distribution, initial against trained: per-dimension μ with
/// a ±σ band per head or component (Gaussian kernels), the learned FastFood diagonals per index,
/// the generator's ‖ω‖ histogram and a scatter of ω on the trained ω's first two principal
/// directions, or a fixed kernel's ‖ω‖ histogram.
enum SpectrumChart {
    /// The SVG of layer `layer`'s snapshots.
    static func svg(layer: Int, kernel: String, initial: SpectralSnapshot, trained: SpectralSnapshot) -> String {
        switch (initial, trained) {
        case (.gaussian(let start), .gaussian(let end)):
            return gaussian(layer: layer, kernel: kernel, start, end)
        case (.fastFood(let start), .fastFood(let end)):
            return fastFood(layer: layer, kernel: kernel, start, end)
        case (.generated(let start), .generated(let end)):
            return generated(layer: layer, kernel: kernel, start, end)
        default:
            guard case .fixed(let norms) = trained else { return ChartGrid(title: "Layer \(layer): no spectrum").svg() }
            var chart = Chart(title: "‖ω‖ of the current draw", xLabel: "‖ω‖", yLabel: "frequencies", legend: .hidden)
            chart.add(.bars(name: "fixed", bins: Histogram.bins(of: norms, count: 30), color: InspectionColors.trained))
            return ChartGrid(title: "Layer \(layer): \(kernel) is a fixed kernel — nothing is learned", columns: 1, charts: [chart])
                .svg(cellWidth: 640, cellHeight: 380)
        }
    }

    /// μ ± σ per dimension, one chart per component.
    private static func gaussian(layer: Int, kernel: String, _ start: GaussianSpectrum, _ end: GaussianSpectrum) -> String {
        var charts: [Chart] = [], deltas: [Chart] = []
        for (index, (a, b)) in zip(start.components, end.components).enumerated() {
            let name = end.componentName == "shared" ? "shared by all heads"
                : end.componentName == "component" ? String(format: "component %d (π = %.3f)", index, b.weight) : "head \(index)"
            var chart = Chart(title: name, xLabel: "dimension i of ω", yLabel: end.symmetric ? "±μᵢ (one sign) ± σᵢ" : "μᵢ ± σᵢ",
                              xDomain: -0.5...(Double(b.mean.count) - 0.5), legend: .automatic)
            for (label, component, color, dashed) in [("initial", a, InspectionColors.initial, true), ("trained", b, InspectionColors.trained, false)] {
                let x = component.mean.indices.map(Double.init), sd = component.standardDeviation
                chart.add(.band(name: label, x: x, lower: zip(component.mean, sd).map { $0 - $1 }, upper: zip(component.mean, sd).map { $0 + $1 },
                                color: color))
                chart.add(.line(name: label, x: x, y: component.mean, color: color, dashed: dashed, markers: component.mean.count <= 32))
            }
            charts.append(chart)
            var change = Chart(title: "\(name): trained − initial", xLabel: "dimension i of ω", yLabel: "change",
                               xDomain: -0.5...(Double(b.mean.count) - 0.5), legend: .automatic)
            let x = b.mean.indices.map(Double.init)
            change.add(.line(name: "Δμᵢ", x: x, y: zip(b.mean, a.mean).map { $0 - $1 }, color: InspectionColors.trained, markers: x.count <= 32))
            change.add(.line(name: "Δσᵢ", x: x, y: zip(b.standardDeviation, a.standardDeviation).map { $0 - $1 },
                             color: InspectionColors.gaussianChange, markers: x.count <= 32))
            change.add(.referenceLine(name: "", y: 0, color: InspectionColors.reference))
            deltas.append(change)
        }
        // rows of at most four components, each row followed by the row of their changes
        let columns = min(4, max(charts.count, 1))
        let ordered = stride(from: 0, to: charts.count, by: columns).flatMap { start in
            Array(charts[start..<min(start + columns, charts.count)]) + Array(deltas[start..<min(start + columns, deltas.count)])
        }
        let title = "Layer \(layer): \(kernel) spectral density — μ per dimension with a ±σ band (marginal σ), initial vs trained; below: the change"
        return ChartGrid(title: title, columns: columns, charts: ordered).svg(cellWidth: 420, cellHeight: 300)
    }

    /// The learned diagonals per index.
    private static func fastFood(layer: Int, kernel: String, _ start: FastFoodDiagonals, _ end: FastFoodDiagonals) -> String {
        let charts = zip(start.learned, end.learned).map { a, b in
            var chart = Chart(title: "\(b.name) (learned)", xLabel: "index i", yLabel: "\(b.name)ᵢ",
                              xDomain: -0.5...(Double(b.values.count) - 0.5), legend: .automatic)
            let x = b.values.indices.map(Double.init)
            chart.add(.line(name: "initial", x: x, y: a.values, color: InspectionColors.initial, dashed: true, markers: x.count <= 64))
            chart.add(.line(name: "trained", x: x, y: b.values, color: InspectionColors.trained, markers: x.count <= 64))
            return chart
        }
        let drawn = end.drawn.isEmpty ? "" : "; \(end.drawn.joined(separator: ", ")) drawn at random"
        return ChartGrid(title: "Layer \(layer): \(kernel) diagonals of V = S·H·G·Π·H·B/√d, shared by the heads (Π redrawn\(drawn)), initial vs trained",
                         columns: max(1, charts.count), charts: charts).svg(cellWidth: 440, cellHeight: 320)
    }

    /// ‖ω‖ histograms and the principal-direction scatter.
    private static func generated(layer: Int, kernel: String, _ start: GeneratedFrequencies, _ end: GeneratedFrequencies) -> String {
        let (a, b) = (start.norms, end.norms)
        let all = (a + b).filter(\.isFinite)
        let range = (all.min() ?? 0)...(all.max() ?? 1)
        var histogram = Chart(title: "‖ω‖ of \(end.omega.count) generated frequencies (same noise)", xLabel: "‖ω‖", yLabel: "frequencies",
                              legend: .automatic)
        histogram.add(.bars(name: "initial", bins: Histogram.bins(of: a, count: 30, range: range), color: InspectionColors.initial))
        histogram.add(.bars(name: "trained", bins: Histogram.bins(of: b, count: 30, range: range), color: InspectionColors.trained))
        let directions = PrincipalDirections.of(end.omega)
        var scatter = Chart(title: "ω on the trained ω's first two principal directions", xLabel: "along PC 1", yLabel: "along PC 2",
                            legend: .automatic)
        if directions.count == 2 {
            for (label, omega, color) in [("initial", start.omega, InspectionColors.initial), ("trained", end.omega, InspectionColors.trained)] {
                let points = omega.prefix(400).map { PrincipalDirections.project($0, on: directions) }.map { DataPoint(x: $0[0], y: $0[1]) }
                scatter.add(.scatter(name: label, points: points, color: color))
            }
        }
        return ChartGrid(title: "Layer \(layer): \(kernel) generated frequencies ω = g(ε), shared by the heads, initial vs trained",
                         columns: 2, charts: [histogram, scatter]).svg(cellWidth: 480, cellHeight: 360)
    }
}
