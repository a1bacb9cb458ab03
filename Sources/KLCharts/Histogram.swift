import Foundation

/// One histogram bar: how many values fell in [`lower`, `upper`).
public struct HistogramBin: Sendable, Hashable {
    /// The left edge.
    public var lower: Double
    /// The right edge.
    public var upper: Double
    /// The bar's height: a count, or a density if the caller normalises.
    public var count: Double

    /// The bin [`lower`, `upper`) holding `count`.
    public init(lower: Double, upper: Double, count: Double) {
        self.lower = lower
        self.upper = upper
        self.count = count
    }
}

/// Equal-width binning of raw values for ``Series/bars(name:bins:color:)``.
public enum Histogram {
    /// `count` equal-width bins over `range` (default: the values' minimum to maximum) and the number
    /// of values in each; the last bin also holds values equal to its upper edge.
    ///
    /// Non-finite values and values outside `range` are left out. `count` defaults to Sturges' rule,
    /// ⌈log₂ n⌉ + 1, and is kept within 1…200. Values that are all equal get one bin of width 1 (or
    /// 10% of their magnitude) centred on them. No finite value gives no bins.
    public static func bins(of values: [Double], count: Int? = nil, range: ClosedRange<Double>? = nil) -> [HistogramBin] {
        let finite = values.filter(\.isFinite)
        guard !finite.isEmpty || range != nil else { return [] }
        var lower = range?.lowerBound ?? finite.min()!
        var upper = range?.upperBound ?? finite.max()!
        guard lower.isFinite, upper.isFinite else { return [] }
        if lower == upper {
            let half = lower == 0 ? 0.5 : abs(lower) * 0.05
            lower -= half
            upper += half
        }
        let binCount = min(200, max(1, count ?? Int(log2(Double(max(finite.count, 1))).rounded(.up)) + 1))
        let width = (upper - lower) / Double(binCount)
        var counts = [Double](repeating: 0, count: binCount)
        for value in finite where value >= lower && value <= upper {
            let index = min(binCount - 1, Int((value - lower) / width))
            counts[index] += 1
        }
        return counts.indices.map { index in
            let left = lower + Double(index) * width
            let right = index == binCount - 1 ? upper : lower + Double(index + 1) * width
            return HistogramBin(lower: left, upper: right, count: counts[index])
        }
    }
}
