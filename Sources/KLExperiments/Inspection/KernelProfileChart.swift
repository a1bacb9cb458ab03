import Foundation
import KLCharts

/// The chart of one layer's kernel profile: κ(q, k)/κ(q, q) against ‖q − k‖ along the radial and
/// the tangential path, the learned kernel per head beside the softmax and Gaussian kernels.
enum KernelProfileChart {
    /// Ratios below this are not drawn on the log axis (they are zero for attention's purposes).
    static let smallestRatio = 1e-8

    /// The SVG of `profile` for layer `layer`.
    static func svg(layer: Int, kernel: String, profile: KernelProfile) -> String {
        let charts = KernelProfile.Path.allCases.map { path in chart(path, kernel: kernel, profile: profile) }
        let heads = profile.heads.count == 1 ? ", the heads share one kernel" : ""
        let title = String(format: "Layer %d: %@ kernel κ(q, k) with ‖q‖ = %.2f%@ (κ: %@)", layer, kernel, profile.radius, heads, profile.method)
        return ChartGrid(title: title, columns: 2, charts: charts).svg(cellWidth: 560, cellHeight: 400)
    }

    private static func chart(_ path: KernelProfile.Path, kernel: String, profile: KernelProfile) -> Chart {
        let learned = profile.learned[path] ?? [], references = [profile.softmax[path] ?? [], profile.gaussian[path] ?? []]
        let values = (learned.flatMap { $0 } + references.flatMap { $0 }).filter(\.isFinite)
        let logarithmic = !values.isEmpty && values.allSatisfy { $0 > 0 }
        let title = path == .radial ? "radial: k = q − t·q/‖q‖ (through 0 at t = ‖q‖)" : "tangential: k = q + t·v, v ⟂ q"
        var chart = Chart(title: title, xLabel: "t = ‖q − k‖", yLabel: "κ(q, k) / κ(q, q)", yScale: logarithmic ? .log : .linear,
                          legend: .automatic)
        if logarithmic, let low = values.min(), let high = values.max(), low < smallestRatio {
            chart.yDomain = smallestRatio...max(high, smallestRatio * 10)
        }
        for (index, curve) in learned.enumerated() {
            let name = profile.heads.count == 1 ? "\(kernel) (all heads)" : "\(kernel) head \(profile.heads[index])"
            chart.add(.line(name: name, x: profile.distances, y: curve))
        }
        chart.add(.line(name: "softmax exp(q·k/√d)", x: profile.distances, y: references[0], color: InspectionColors.softmax, dashed: true))
        chart.add(.line(name: "Gaussian exp(−‖q−k‖²/(2√d))", x: profile.distances, y: references[1], color: InspectionColors.gaussian,
                        dashed: true))
        return chart
    }
}
