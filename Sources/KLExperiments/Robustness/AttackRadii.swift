import Foundation

/// L∞ radii written as the attack literature writes them: fractions of the intensity range such
/// as `8/255`, or decimals such as `0.03`, comma-separated.
public enum AttackRadii {
    /// The radii of `text` in order, each in [0, 1]; throws naming the first entry that is not one.
    public static func parse(_ text: String) throws -> [Double] {
        let entries = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        return try entries.map { entry in
            let parts = entry.split(separator: "/", omittingEmptySubsequences: false)
            let value: Double? = switch parts.count {
            case 1: Double(parts[0])
            case 2: Double(parts[0]).flatMap { numerator in Double(parts[1]).flatMap { $0 > 0 ? numerator / $0 : nil } }
            default: nil
            }
            guard let value, value.isFinite, value >= 0, value <= 1 else {
                throw AttackError(description: "the radius '\(entry)' in '\(text)' is not a number in [0, 1] (write e.g. 8/255 or 0.03)")
            }
            return value
        }
    }

    /// `value` as n/255 when it is one (to 1e-9), else as a decimal.
    public static func describe(_ value: Double) -> String {
        let scaled = value * 255
        if abs(scaled - scaled.rounded()) < 1e-9 { return value == 0 ? "0" : "\(Int(scaled.rounded()))/255" }
        return value.formatted(significantDigits: 4)
    }
}
