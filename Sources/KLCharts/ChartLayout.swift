import Foundation

/// Where a chart's parts go at one size: the plot area, both axes with their ticks, and the legend.
public struct ChartLayout: Sendable, Hashable {
    /// The whole chart's width in pixels.
    public let width: Double
    /// The whole chart's height in pixels.
    public let height: Double
    /// The area the data is drawn in.
    public let plotFrame: PixelRect
    /// The horizontal axis (pixels increase to the right).
    public let xAxis: Axis
    /// The vertical axis (`start` is the plot's bottom edge).
    public let yAxis: Axis
    /// The legend's box, or `nil` when there is no legend.
    public internal(set) var legendFrame: PixelRect?

    /// Where `point` is drawn, or `nil` where either coordinate cannot be placed on its scale.
    public func position(of point: DataPoint) -> PixelPoint? {
        guard let x = xAxis.pixel(for: point.x), let y = yAxis.pixel(for: point.y) else { return nil }
        return PixelPoint(x: x, y: y)
    }
}

/// The smallest and largest placeable values a chart's series hold, per axis.
struct DataExtent {
    var x: ClosedRange<Double>?
    var y: ClosedRange<Double>?

    /// Whether anything can be drawn.
    var hasData: Bool { x != nil && y != nil }

    /// The extent widened by `fraction` of its span on each side (measured on the scale), without
    /// crossing zero on a linear scale, so that markers at the extremes stay clear of the axes.
    func padded(by fraction: Double, xScale: Scale, yScale: Scale) -> DataExtent {
        func pad(_ range: ClosedRange<Double>?, _ scale: Scale) -> ClosedRange<Double>? {
            guard let range, range.lowerBound < range.upperBound else { return range }
            switch scale {
            case .linear:
                let amount = (range.upperBound - range.lowerBound) * fraction
                var lower = range.lowerBound - amount, upper = range.upperBound + amount
                if range.lowerBound >= 0, lower < 0 { lower = 0 }
                if range.upperBound <= 0, upper > 0 { upper = 0 }
                return lower...upper
            case .log:
                let factor = pow(range.upperBound / range.lowerBound, fraction)
                return range.lowerBound / factor...range.upperBound * factor
            }
        }
        return DataExtent(x: pad(x, xScale), y: pad(y, yScale))
    }

    mutating func includeX(_ value: Double) { x = Self.including(value, in: x) }
    mutating func includeY(_ value: Double) { y = Self.including(value, in: y) }

    private static func including(_ value: Double, in range: ClosedRange<Double>?) -> ClosedRange<Double> {
        guard let range else { return value...value }
        return min(range.lowerBound, value)...max(range.upperBound, value)
    }
}

/// Room taken from the plot for a legend outside it.
struct LegendReserve {
    var right = 0.0
    var bottom = 0.0
}

extension ChartLayout {
    static let tickFontSize = 11.0
    static let labelFontSize = 12.0
    static let titleFontSize = 14.0

    /// Lays out `chart` holding `extent` at `width` × `height`, leaving `reserve` free for a legend.
    static func make(for chart: Chart, extent: DataExtent, width: Double, height: Double, reserve: LegendReserve) -> ChartLayout {
        let top: Double = chart.title.isEmpty ? 14 : 38
        let bottom: Double = (chart.xLabel.isEmpty ? 26 : 46) + reserve.bottom
        let plotTop = top, plotBottom = max(top + 20, height - bottom)

        let yAxis = fittedAxis(scale: chart.yScale, override: chart.yDomain, data: extent.y ?? 0...1, start: plotBottom, end: plotTop) { axis in
            axis.smallestTickGap >= 18
        }
        let yTickWidth = yAxis.tickLabels.map { TextMetrics.width(of: $0, fontSize: tickFontSize) }.max() ?? 0
        let left = 10 + (chart.yLabel.isEmpty ? 0 : 22) + yTickWidth + 8

        var right = 14 + reserve.right
        var xAxis: Axis
        var pass = 0
        repeat {
            let plotLeft = left, plotRight = max(left + 20, width - right)
            xAxis = fittedAxis(scale: chart.xScale, override: chart.xDomain, data: extent.x ?? 0...1, start: plotLeft, end: plotRight) { axis in
                let widest = axis.tickLabels.map { TextMetrics.width(of: $0, fontSize: tickFontSize) }.max() ?? 0
                return axis.smallestTickGap >= widest + 12
            }
            // The last tick label is centred on its tick: keep it inside the chart (and off a legend on the right).
            guard let last = xAxis.ticks.last, let label = xAxis.tickLabels.last, let pixel = xAxis.pixel(for: last) else { break }
            let overhang = pixel + TextMetrics.width(of: label, fontSize: tickFontSize) / 2 - (width - reserve.right - 3)
            if overhang <= 0 { break }
            right += overhang
            pass += 1
        } while pass < 2

        let frame = PixelRect(x: xAxis.start, y: plotTop, width: xAxis.end - xAxis.start, height: plotBottom - plotTop)
        return ChartLayout(width: width, height: height, plotFrame: frame, xAxis: xAxis, yAxis: yAxis, legendFrame: nil)
    }

    /// The axis with the most ticks (one per 30 px at most) that `fits`, over `override` when it is
    /// usable on `scale` and over the nice domain covering `data` otherwise.
    private static func fittedAxis(scale: Scale, override: ClosedRange<Double>?, data: ClosedRange<Double>, start: Double, end: Double,
                                   fits: (Axis) -> Bool) -> Axis {
        let length = abs(end - start)
        var maxCount = max(2, Int(length / 30))
        while true {
            var domain: ClosedRange<Double>
            if let override, override.lowerBound < override.upperBound, scale.canPlace(override.lowerBound), scale.canPlace(override.upperBound) {
                domain = override
            } else {
                domain = scale.niceDomain(covering: data, maxCount: maxCount)
                // Few ticks make coarse bounds: when they would leave more than a quarter of the axis
                // empty, use finer bounds (the end ticks then need not sit on the axis' ends).
                if wastedFraction(of: domain, data: data, scale: scale) > 0.25 {
                    domain = scale == .log ? Scale.snappedToOneTwoFive(data)
                                           : scale.niceDomain(covering: data, maxCount: max(2 * maxCount, Int(length / 20)))
                }
            }
            // A coarse step can leave a single tick inside the domain: allow a few more for at least two.
            var ticks = scale.ticks(in: domain, maxCount: maxCount)
            var allowed = maxCount
            while ticks.count < 2, allowed < maxCount + 4 {
                allowed += 1
                ticks = scale.ticks(in: domain, maxCount: allowed)
            }
            let axis = Axis(scale: scale, domain: domain, start: start, end: end, ticks: ticks,
                            minorTicks: scale.minorTicks(in: domain, maxCount: maxCount))
            if maxCount <= 2 || fits(axis) { return axis }
            maxCount -= 1
        }
    }

    /// The share of `domain` (measured on `scale`) that `data` leaves empty; 0 for a point.
    private static func wastedFraction(of domain: ClosedRange<Double>, data: ClosedRange<Double>, scale: Scale) -> Double {
        guard data.lowerBound < data.upperBound, scale.canPlace(data.lowerBound), scale.canPlace(domain.lowerBound) else { return 0 }
        let span = scale.transform(domain.upperBound) - scale.transform(domain.lowerBound)
        guard span > 0 else { return 0 }
        return 1 - (scale.transform(data.upperBound) - scale.transform(data.lowerBound)) / span
    }
}
