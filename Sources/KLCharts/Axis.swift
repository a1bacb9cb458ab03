import Foundation

/// One axis of a laid-out chart: a scale, its domain, where the domain lies in pixels, and its ticks.
public struct Axis: Sendable, Hashable {
    /// Linear or log.
    public let scale: Scale
    /// The values the axis spans.
    public let domain: ClosedRange<Double>
    /// The pixel coordinate of `domain.lowerBound` (for a vertical axis, the bottom: the larger y).
    public let start: Double
    /// The pixel coordinate of `domain.upperBound`.
    public let end: Double
    /// The labelled tick values, increasing.
    public let ticks: [Double]
    /// The label of each of ``ticks``.
    public let tickLabels: [String]
    /// Unlabelled tick values (log scales' 2…9 × 10ᵏ), drawn as fainter gridlines.
    public let minorTicks: [Double]

    /// An axis mapping `domain` on `scale` to pixels `start`…`end`, labelling `ticks` with ``TickLabels``.
    public init(scale: Scale, domain: ClosedRange<Double>, start: Double, end: Double, ticks: [Double], minorTicks: [Double] = []) {
        self.scale = scale
        self.domain = domain
        self.start = start
        self.end = end
        self.ticks = ticks
        self.tickLabels = TickLabels.labels(for: ticks, scale: scale)
        self.minorTicks = minorTicks
    }

    /// The pixel coordinate of `value`, or `nil` where the scale cannot place it (non-finite, or ≤ 0
    /// on a log scale). Values outside the domain map outside `start`…`end`.
    public func pixel(for value: Double) -> Double? {
        guard scale.canPlace(value), scale.canPlace(domain.lowerBound) else { return nil }
        let low = scale.transform(domain.lowerBound), high = scale.transform(domain.upperBound)
        guard high > low else { return (start + end) / 2 }
        return start + (scale.transform(value) - low) / (high - low) * (end - start)
    }

    /// The smallest pixel distance between neighbouring ticks (infinity with fewer than two).
    var smallestTickGap: Double {
        let pixels = ticks.compactMap(pixel(for:))
        return zip(pixels, pixels.dropFirst()).map { abs($1 - $0) }.min() ?? .infinity
    }
}

/// Tick label text: as short as the values allow, the same style along one axis.
public enum TickLabels {
    /// Labels for `ticks` on `scale`.
    ///
    /// Plain decimals with no trailing zeros ("0", "0.2", "1"); thousands as "5k", "2.5M", … once
    /// the largest label reaches 10,000; powers of ten (10⁻⁴, 2×10⁻⁴) when a linear axis stays below
    /// 0.001, and for every label of a log axis that reaches below 0.001 or to 10¹⁵; the minus sign is U+2212.
    public static func labels(for ticks: [Double], scale: Scale) -> [String] {
        let magnitudes = ticks.map { abs($0) }.filter(\.isFinite)
        let largest = magnitudes.max() ?? 0
        let usesSuffix = largest >= 10_000
        // A log axis writes every label as a power of ten once one of them needs it, so the styles do not mix.
        let allPowers = scale == .log && magnitudes.contains { $0 > 0 && ($0 < 1e-3 || $0 >= 1e15) }
        return ticks.map { value in
            let magnitude = abs(value)
            guard value.isFinite else { return "" }
            if magnitude <= largest * 1e-12 { return "0" }
            let sign = value < 0 ? "−" : ""
            if allPowers || (magnitude < 1e-3 && largest < 1e-3) || magnitude >= 1e15 { return sign + powerOfTen(magnitude) }
            if usesSuffix, magnitude >= 1000 {
                let (unit, suffix): (Double, String) = magnitude >= 1e12 ? (1e12, "T") : magnitude >= 1e9 ? (1e9, "G") : magnitude >= 1e6 ? (1e6, "M") : (1e3, "k")
                return sign + decimal(magnitude / unit) + suffix
            }
            return sign + decimal(magnitude)
        }
    }

    /// `value` (≥ 0) with the fewest decimals (at most 6) that write it exactly.
    static func decimal(_ value: Double) -> String {
        for decimals in 0...6 {
            let scale = pow10(Double(decimals))
            if abs((value * scale).rounded() / scale - value) <= 1e-9 * max(1, value) {
                return String(format: "%.\(decimals)f", value)
            }
        }
        return String(format: "%.6f", value)
    }

    /// `value` (> 0) as 10ⁿ or m×10ⁿ.
    static func powerOfTen(_ value: Double) -> String {
        var exponent = Int(log10(value).rounded(.down))
        var mantissa = value / pow10(Double(exponent))
        if mantissa >= 9.995 {
            mantissa /= 10
            exponent += 1
        }
        let rounded = (mantissa * 100).rounded() / 100
        let power = "10" + superscript(exponent)
        return rounded == 1 ? power : decimal(rounded) + "×" + power
    }

    private static func superscript(_ number: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        let body = String(String(abs(number)).map { digits[Int(String($0))!] })
        return number < 0 ? "⁻" + body : body
    }
}
