import Foundation

/// A chart of series on two axes, written as standalone SVG.
///
/// ```swift
/// var chart = Chart(title: "Validation accuracy", xLabel: "step", yLabel: "accuracy")
/// chart.add(SeriesSummary(runs: seeds, spread: .standardDeviation), name: "GMM-PRF")
/// chart.add(.referenceLine(name: "majority class", y: 0.171))
/// let svg = chart.svg(width: 640, height: 400)
/// ```
///
/// Domains are fitted to the data and widened to nice tick values unless ``xDomain`` or
/// ``yDomain`` fixes them; data outside a fixed domain is clipped. Points that cannot be placed
/// (NaN, infinite, or ≤ 0 on a log axis) are skipped; a chart with nothing to place says "No data".
public struct Chart: Sendable, Hashable {
    /// The title above the plot (none when empty).
    public var title: String
    /// The horizontal axis' label (none when empty).
    public var xLabel: String
    /// The vertical axis' label (none when empty).
    public var yLabel: String
    /// The horizontal scale.
    public var xScale: Scale
    /// The vertical scale.
    public var yScale: Scale
    /// A fixed horizontal domain, or `nil` to fit the data. Ignored unless its bounds are finite,
    /// increasing and (on a log scale) positive.
    public var xDomain: ClosedRange<Double>?
    /// A fixed vertical domain, or `nil` to fit the data (same conditions as ``xDomain``).
    public var yDomain: ClosedRange<Double>?
    /// Where the legend goes.
    public var legend: LegendPosition
    /// The colours series names take in turn.
    public var palette: Palette
    /// Series names in palette order, for the same colour per name in every chart of a report: a listed
    /// name takes the palette colour at its index; other names take the lowest indices no listed name
    /// in this chart uses. Series with an explicit colour keep it.
    public var colorOrder: [String]
    /// The series, in the order they were added (which is also their drawing order within a kind:
    /// bands first, then bars, reference lines, lines, error bars, points, labels).
    public private(set) var series: [Series] = []

    /// An empty chart.
    public init(title: String = "", xLabel: String = "", yLabel: String = "", xScale: Scale = .linear, yScale: Scale = .linear,
                xDomain: ClosedRange<Double>? = nil, yDomain: ClosedRange<Double>? = nil, legend: LegendPosition = .automatic,
                palette: Palette = .okabeIto, colorOrder: [String] = []) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.yScale = yScale
        self.xDomain = xDomain
        self.yDomain = yDomain
        self.legend = legend
        self.palette = palette
        self.colorOrder = colorOrder
    }

    /// Adds `series` on top of those already added (of its kind).
    public mutating func add(_ series: Series) {
        self.series.append(series)
    }

    /// Adds every series of `newSeries`, in order.
    public mutating func add(contentsOf newSeries: some Sequence<Series>) {
        series.append(contentsOf: newSeries)
    }

    /// Adds `summary` as a band named `name` and the line of its mean over it, in one colour and one legend entry.
    public mutating func add(_ summary: SeriesSummary, name: String, color: Color? = nil, dashed: Bool = false) {
        add(.band(name: name, lower: summary.lower, upper: summary.upper, color: color))
        add(.line(name: name, points: summary.mean, color: color, dashed: dashed))
    }

    /// Where everything goes at `width` × `height` pixels, or `nil` when there is nothing to draw.
    public func layout(width: Int, height: Int) -> ChartLayout? {
        ChartRenderer(chart: self, width: Double(width), height: Double(height)).finalLayout()
    }

    /// The chart as a standalone SVG 1.1 document of `width` × `height` pixels (with a `viewBox`, so it
    /// scales when inlined into HTML). It has no scripts, styles or external references, and its
    /// one `id` (a clip path) is derived from its content, so many charts can share one HTML page.
    public func svg(width: Int = 640, height: Int = 400) -> String {
        ChartRenderer(chart: self, width: Double(max(width, 1)), height: Double(max(height, 1))).svg(origin: nil)
    }
}

extension Chart {
    /// The placeable extent of the series on scales `xScale` and `yScale`.
    func dataExtent(xScale: Scale, yScale: Scale) -> DataExtent {
        var extent = DataExtent()
        func include(_ point: DataPoint) {
            guard xScale.canPlace(point.x), yScale.canPlace(point.y) else { return }
            extent.includeX(point.x)
            extent.includeY(point.y)
        }
        for series in series {
            switch series.kind {
            case .line(let points, _, _), .scatter(let points, _):
                points.forEach(include)
            case .band(let lower, let upper):
                lower.forEach(include)
                upper.forEach(include)
            case .errorBars(let bars):
                for bar in bars where xScale.canPlace(bar.x) && yScale.canPlace(bar.y) {
                    include(DataPoint(x: bar.x, y: bar.y))
                    for y in [bar.yLower, bar.yUpper] where yScale.canPlace(y) { extent.includeY(y) }
                    for x in [bar.xLower, bar.xUpper] where xScale.canPlace(x) { extent.includeX(x) }
                }
            case .bars(let bins):
                for bin in bins where xScale.canPlace(bin.lower) && xScale.canPlace(bin.upper) && yScale.canPlace(bin.count) {
                    extent.includeX(bin.lower)
                    extent.includeX(bin.upper)
                    extent.includeY(bin.count)
                    if yScale == .linear { extent.includeY(0) }
                }
            case .referenceLine:
                break
            }
        }
        if extent.hasData {
            for case .referenceLine(let y) in series.map(\.kind) where yScale.canPlace(y) { extent.includeY(y) }
        }
        let hasMarkers = series.contains { series in
            switch series.kind {
            case .scatter, .errorBars: return true
            case .line(_, _, let markers): return markers
            default: return false
            }
        }
        return hasMarkers ? extent.padded(by: 0.03, xScale: xScale, yScale: yScale) : extent
    }

    /// Whether `series` has anything that can be drawn on this chart's scales.
    func hasPlaceableData(_ series: Series) -> Bool {
        var single = Chart(xScale: xScale, yScale: yScale)
        single.add(series)
        if case .referenceLine(let y) = series.kind { return yScale.canPlace(y) }
        return single.dataExtent(xScale: xScale, yScale: yScale).hasData
    }
}
