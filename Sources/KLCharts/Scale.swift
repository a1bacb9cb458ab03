import Foundation

/// How values along an axis map to distance: evenly, or by order of magnitude.
public enum Scale: Sendable, Hashable {
    /// Equal differences take equal distance; ticks fall on multiples of 1, 2 or 5 × 10ᵏ.
    case linear
    /// Base-10 logarithmic: equal ratios take equal distance; ticks fall on decades, with 2 and 5
    /// between them when the range is short. Values ≤ 0 have no place on it: charts skip them.
    case log

    /// Whether `value` can be placed on this scale: finite, and positive on ``log``.
    public func canPlace(_ value: Double) -> Bool {
        value.isFinite && (self == .linear || value > 0)
    }

    /// The value in the space where the scale is linear.
    func transform(_ value: Double) -> Double {
        self == .linear ? value : log10(value)
    }

    /// At most `maxCount` "nice" tick values inside `domain`, in increasing order.
    ///
    /// Linear: every multiple of the smallest step of the form 1, 2 or 5 × 10ᵏ that leaves at most
    /// `maxCount` ticks (0…1 with 6 gives 0, 0.2, …, 1). Log: the decades inside the domain (every
    /// second or third one when there are more than `maxCount`); when the domain spans at most 2.5
    /// decades, 2 × and 5 × 10ᵏ as well if they fit; when it holds fewer than two decades, linear ticks.
    public func ticks(in domain: ClosedRange<Double>, maxCount: Int) -> [Double] {
        let lower = domain.lowerBound, upper = domain.upperBound
        guard lower.isFinite, upper.isFinite else { return [] }
        guard lower < upper else { return canPlace(lower) ? [lower] : [] }
        let maxCount = max(1, maxCount)
        switch self {
        case .linear:
            return Self.linearTicks(lower: lower, upper: upper, maxCount: maxCount)
        case .log:
            guard upper > 0 else { return [] }
            return Self.logTicks(lower: lower > 0 ? lower : upper / 1e6, upper: upper, maxCount: maxCount)
        }
    }

    /// Unlabelled minor ticks inside `domain`: on a log scale 2…9 × 10ᵏ (other than `ticks(in:maxCount:)`)
    /// when every decade has room for two labelled ticks, none otherwise; none on a linear scale.
    public func minorTicks(in domain: ClosedRange<Double>, maxCount: Int) -> [Double] {
        guard self == .log, domain.lowerBound > 0, domain.upperBound.isFinite, domain.lowerBound < domain.upperBound else { return [] }
        let decades = log10(domain.upperBound / domain.lowerBound)
        guard decades * 2 <= Double(maxCount), decades <= 8 else { return [] }
        let major = Set(ticks(in: domain, maxCount: maxCount))
        return Self.logValues(lower: domain.lowerBound, upper: domain.upperBound, mantissas: Array(1...9)).filter { !major.contains($0) }
    }

    /// `range` widened to "nice" bounds for at most `maxCount` ticks.
    ///
    /// Linear: out to the nearest multiples of the tick step. Log: out to whole decades when the
    /// range spans three decades or more, to the nearest 1, 2 or 5 × 10ᵏ otherwise. A range of zero
    /// width is first widened (by 10% of its magnitude, or ±1 at zero; by a factor 2 on a log scale).
    /// On a log scale the bounds must be positive (a range that is not is returned unchanged).
    public func niceDomain(covering range: ClosedRange<Double>, maxCount: Int) -> ClosedRange<Double> {
        var lower = range.lowerBound, upper = range.upperBound
        guard lower.isFinite, upper.isFinite else { return range }
        switch self {
        case .linear:
            if lower == upper {
                let pad = lower == 0 ? 1 : abs(lower) * 0.1
                lower -= pad
                upper += pad
            }
            let count = Double(max(2, maxCount))
            var step = NiceStep.atMost((upper - lower) / (count * 10))
            for _ in 0..<64 {
                let first = (lower / step.size + 1e-9).rounded(.down)
                let last = (upper / step.size - 1e-9).rounded(.up)
                if last - first + 1 <= count { return step.value(at: first)...step.value(at: last) }
                step = step.next
            }
            return lower...upper
        case .log:
            guard lower > 0 else { return range }
            if lower == upper {
                lower /= 2
                upper *= 2
            }
            if log10(upper / lower) >= 3 {
                return pow10((log10(lower) + 1e-9).rounded(.down))...pow10((log10(upper) - 1e-9).rounded(.up))
            }
            return Self.snapDown(lower)...Self.snapUp(upper)
        }
    }

    /// `range` (positive) widened to the nearest 1, 2 or 5 × 10ᵏ on either side.
    static func snappedToOneTwoFive(_ range: ClosedRange<Double>) -> ClosedRange<Double> {
        guard range.lowerBound > 0, range.upperBound.isFinite else { return range }
        return snapDown(range.lowerBound)...snapUp(range.upperBound)
    }

    // MARK: - Linear

    private static func linearTicks(lower: Double, upper: Double, maxCount: Int) -> [Double] {
        let count = Double(maxCount)
        var step = NiceStep.atMost((upper - lower) / (count * 10))
        for _ in 0..<64 {
            let first = (lower / step.size - 1e-9).rounded(.up)
            let last = (upper / step.size + 1e-9).rounded(.down)
            if last - first + 1 <= count {
                return last < first ? [] : stride(from: first, through: last, by: 1).map(step.value(at:))
            }
            step = step.next
        }
        return [lower, upper]
    }

    // MARK: - Log

    private static func logTicks(lower: Double, upper: Double, maxCount: Int) -> [Double] {
        if log10(upper / lower) <= 2.5 {
            for mantissas in [[1, 2, 5], [1, 5]] {
                let ticks = logValues(lower: lower, upper: upper, mantissas: mantissas)
                if ticks.count >= 2, ticks.count <= maxCount { return ticks }
            }
        }
        let decades = logValues(lower: lower, upper: upper, mantissas: [1])
        if decades.count >= 2 {
            if decades.count <= maxCount { return decades }
            let every = Int((Double(decades.count) / Double(maxCount)).rounded(.up))
            let thinned = decades.filter { decade in
                let exponent = Int(log10(decade).rounded())
                return ((exponent % every) + every) % every == 0
            }
            if thinned.count >= 2 { return thinned }
            return [decades.first!, decades.last!]
        }
        let linear = linearTicks(lower: lower, upper: upper, maxCount: maxCount).filter { $0 > 0 }
        return linear.count >= 2 || decades.isEmpty ? linear : decades
    }

    /// Every m × 10ᵏ in [lower, upper] for the given mantissas m, increasing.
    static func logValues(lower: Double, upper: Double, mantissas: [Int]) -> [Double] {
        guard lower > 0, upper >= lower, upper.isFinite else { return [] }
        let first = Int(log10(lower).rounded(.down)) - 1, last = Int(log10(upper).rounded(.down)) + 1
        guard last - first < 700 else { return [] }
        var values: [Double] = []
        for exponent in first...last {
            for mantissa in mantissas {
                let value = NiceStep(mantissa: mantissa, exponent: exponent).size
                if value >= lower * (1 - 1e-9), value <= upper * (1 + 1e-9) { values.append(value) }
            }
        }
        return values
    }

    /// The largest 1, 2 or 5 × 10ᵏ not above `value`.
    private static func snapDown(_ value: Double) -> Double {
        let exponent = Int(log10(value).rounded(.down))
        for exponent in [exponent + 1, exponent, exponent - 1] {
            for mantissa in [5, 2, 1] {
                let candidate = NiceStep(mantissa: mantissa, exponent: exponent).size
                if candidate <= value * (1 + 1e-9) { return candidate }
            }
        }
        return value
    }

    /// The smallest 1, 2 or 5 × 10ᵏ not below `value`.
    private static func snapUp(_ value: Double) -> Double {
        let exponent = Int(log10(value).rounded(.down))
        for exponent in [exponent - 1, exponent, exponent + 1] {
            for mantissa in [1, 2, 5] {
                let candidate = NiceStep(mantissa: mantissa, exponent: exponent).size
                if candidate >= value * (1 - 1e-9) { return candidate }
            }
        }
        return value
    }
}

/// 10ⁿ, exact for integral n up to 10²² in magnitude.
func pow10(_ exponent: Double) -> Double {
    guard let n = Int(exactly: exponent), abs(n) <= 22 else { return pow(10, exponent) }
    let power = (0..<abs(n)).reduce(1.0) { product, _ in product * 10 }
    return n >= 0 ? power : 1 / power
}

/// A tick step m × 10ᵏ with m ∈ {1, 2, 5}; multiples are computed so that 3 × 0.2 is 0.6, not 0.6000000000000001.
struct NiceStep {
    let mantissa: Int
    let exponent: Int

    /// The step as a number.
    var size: Double { value(at: 1) }

    /// `index` × the step.
    func value(at index: Double) -> Double {
        let multiple = index * Double(mantissa)
        let power = pow10(Double(abs(exponent)))
        return exponent >= 0 ? multiple * power : multiple / power
    }

    /// The next larger step: 1 → 2 → 5 → 10.
    var next: NiceStep {
        switch mantissa {
        case 1: NiceStep(mantissa: 2, exponent: exponent)
        case 2: NiceStep(mantissa: 5, exponent: exponent)
        default: NiceStep(mantissa: 1, exponent: exponent + 1)
        }
    }

    /// The largest step not above `value` (the smallest representable one for 0 or non-finite input).
    static func atMost(_ value: Double) -> NiceStep {
        guard value.isFinite, value > 0 else { return NiceStep(mantissa: 1, exponent: -300) }
        let exponent = Int(log10(value).rounded(.down))
        let leading = value / NiceStep(mantissa: 1, exponent: exponent).size
        let mantissa = leading >= 5 ? 5 : leading >= 2 ? 2 : 1
        return NiceStep(mantissa: mantissa, exponent: exponent)
    }
}
