import Foundation
import KLCharts

/// Generation's cost against position as a figure: time per token and decoding-state memory on
/// log-log axes, one line per kernel, each legend entry with its fitted slope (0: flat, as the
/// linear kernels' recurrent state; 1: growing with the position, as softmax's key-value cache).
public enum GenerationFigure {
    /// The fitted exponent of time and of memory in the position for each kernel, over the positions
    /// from `from` on (short prefixes are dominated by fixed per-token costs).
    public static func slopes(_ costs: [GenerationCost], from: Int = 1024) -> [(kernel: String, time: Double?, memory: Double?)] {
        kernels(costs).map { kernel in
            let measured = costs.filter { $0.kernel == kernel && $0.position >= from }.sorted { $0.position < $1.position }
            let x = measured.map { Double($0.position) }
            return (kernel, LogLogFit.slope(x: x, y: measured.map(\.secondsPerToken)),
                    LogLogFit.slope(x: x, y: measured.map { max($0.stateBytes, 1) }))
        }
    }

    /// The two charts side by side as one SVG.
    public static func svg(_ costs: [GenerationCost], title: String) -> String {
        let order = kernels(costs)
        let fitted = Dictionary(uniqueKeysWithValues: slopes(costs).map { ($0.kernel, ($0.time, $0.memory)) })
        func label(_ kernel: String, _ slope: Double?) -> String {
            slope.map { String(format: "%@ (slope %.2f)", kernel, $0) } ?? kernel
        }
        var time = Chart(title: "Time per generated token", xLabel: "position", yLabel: "milliseconds", xScale: .log, yScale: .log,
                         legend: .right, colorOrder: order.map { label($0, fitted[$0]?.0) })
        var memory = Chart(title: "Decoding state", xLabel: "position", yLabel: "KB", xScale: .log, yScale: .log,
                           legend: .right, colorOrder: order.map { label($0, fitted[$0]?.1) })
        for kernel in order {
            let measured = costs.filter { $0.kernel == kernel }.sorted { $0.position < $1.position }
            let x = measured.map { Double($0.position) }
            time.add(.line(name: label(kernel, fitted[kernel]?.0), x: x, y: measured.map { $0.secondsPerToken * 1000 }, markers: true))
            memory.add(.line(name: label(kernel, fitted[kernel]?.1), x: x, y: measured.map { $0.stateBytes / 1024 }, markers: true))
        }
        return ChartGrid(title: title, columns: 2, charts: [time, memory]).svg(cellWidth: 640, cellHeight: 420)
    }

    /// Kernels in the order they were measured.
    static func kernels(_ costs: [GenerationCost]) -> [String] {
        var seen = Set<String>()
        return costs.map(\.kernel).filter { seen.insert($0).inserted }
    }
}
