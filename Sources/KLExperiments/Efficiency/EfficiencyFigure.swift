import Foundation
import KLCharts

/// The efficiency claim as a figure: time and peak memory of attention against sequence length on
/// log-log axes, one line per kernel, with the fitted slope (the exponent of L) in each legend entry.
public enum EfficiencyFigure {
    /// Slopes are fitted over this many of the longest measured lengths, where fixed per-call costs
    /// no longer hide the growth.
    public static let fittedLengths = 4

    /// The fitted exponent of time and of memory in L for each kernel with enough measurements.
    public static func slopes(_ costs: [AttentionCost]) -> [(kernel: String, time: Double?, memory: Double?)] {
        kernels(costs).map { kernel in
            let measured = costs.filter { $0.kernel == kernel && $0.seconds != nil }.sorted { $0.length < $1.length }.suffix(fittedLengths)
            let lengths = measured.map { Double($0.length) }
            return (kernel, LogLogFit.slope(x: lengths, y: measured.map { $0.seconds! }),
                    LogLogFit.slope(x: lengths, y: measured.map { $0.peakBytes ?? .nan }))
        }
    }

    /// The two charts side by side as one SVG.
    public static func svg(_ costs: [AttentionCost], title: String) -> String {
        let order = kernels(costs)
        let slopes = Dictionary(uniqueKeysWithValues: self.slopes(costs).map { ($0.kernel, ($0.time, $0.memory)) })
        var time = Chart(title: "Forward + backward time", xLabel: "sequence length L", yLabel: "seconds", xScale: .log, yScale: .log,
                         legend: .right, colorOrder: order)
        var memory = Chart(title: "Peak tensor memory", xLabel: "sequence length L", yLabel: "MB", xScale: .log, yScale: .log,
                           legend: .right, colorOrder: order)
        func label(_ kernel: String, _ slope: Double?) -> String {
            slope.map { String(format: "%@ (slope %.2f)", kernel, $0) } ?? kernel
        }
        for kernel in order {
            let measured = costs.filter { $0.kernel == kernel && $0.seconds != nil }.sorted { $0.length < $1.length }
            let x = measured.map { Double($0.length) }
            time.add(.line(name: label(kernel, slopes[kernel]?.0), x: x, y: measured.map { $0.seconds! }, markers: true))
            memory.add(.line(name: label(kernel, slopes[kernel]?.1), x: x, y: measured.map { ($0.peakBytes ?? .nan) / 1e6 }, markers: true))
        }
        // Legend names carry the slopes, so colours are matched by position in `order` (same in both charts).
        time.colorOrder = order.map { label($0, slopes[$0]?.0) }
        memory.colorOrder = order.map { label($0, slopes[$0]?.1) }
        return ChartGrid(title: title, columns: 2, charts: [time, memory]).svg(cellWidth: 640, cellHeight: 420)
    }

    /// Kernels in the order they were measured.
    static func kernels(_ costs: [AttentionCost]) -> [String] {
        var seen = Set<String>()
        return costs.map(\.kernel).filter { seen.insert($0).inserted }
    }
}
