import Foundation

/// Sizes multiplied and added without ever wrapping: a result that does not fit in `Int` is
/// `Int.max`, which every memory limit refuses. Size estimates of configurations (parameter counts,
/// activation bytes) use these, so a hostile or mistyped size cannot overflow into a small number.
public enum SaturatingSize {
    /// The product of non-negative `factors`, or `Int.max` if it overflows.
    public static func product(_ factors: Int...) -> Int { product(factors) }

    /// The product of non-negative `factors`, or `Int.max` if it overflows (0 if any factor is 0).
    public static func product(_ factors: [Int]) -> Int {
        if factors.contains(0) { return 0 }
        var result = 1
        for factor in factors {
            let (value, overflow) = result.multipliedReportingOverflow(by: max(factor, 0))
            if overflow { return .max }
            result = value
        }
        return result
    }

    /// The sum of non-negative `terms`, or `Int.max` if it overflows.
    public static func sum(_ terms: Int...) -> Int { sum(terms) }

    /// The sum of non-negative `terms`, or `Int.max` if it overflows.
    public static func sum(_ terms: [Int]) -> Int {
        var result = 0
        for term in terms {
            let (value, overflow) = result.addingReportingOverflow(max(term, 0))
            if overflow { return .max }
            result = value
        }
        return result
    }

    /// `bytes` for messages: "512 B", "3.4 MB", "137.4 GB" (decimal units), "more than 9.2 EB" at `Int.max`.
    public static func describe(bytes: Int) -> String {
        if bytes == .max { return "more than 9.2 EB" }
        let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"]
        var value = Double(bytes), unit = 0
        while value >= 1000 && unit + 1 < units.count {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f", value) + " " + units[unit]
    }
}
