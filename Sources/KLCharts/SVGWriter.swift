import Foundation

/// Builds SVG markup: elements with escaped attributes and text, numbers written compactly.
///
/// Everything that comes from a caller (titles, series names, labels) passes through
/// ``escaped(_:)``, so the output is well-formed XML whatever the text contains.
public struct SVGWriter: Sendable {
    /// The markup written so far.
    private(set) var output = ""

    init() {}

    /// `text` made safe for XML character data and for attribute values in either quote style:
    /// `&`, `<`, `>`, `"` and `'` become entity references, and characters that XML 1.0 forbids
    /// (control characters other than tab, line feed and carriage return, U+FFFE, U+FFFF) become U+FFFD.
    public static func escaped(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    result += "\u{FFFD}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// `value` with at most two decimals and no trailing zeros ("12", "3.5", "-0.25"); 0 for non-finite values.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let hundredths = (value * 100).rounded()
        if hundredths == 0 { return "0" }
        if abs(hundredths) < 1e15, hundredths == (hundredths / 100).rounded() * 100 {
            return String(Int64(hundredths / 100))
        }
        var text = String(format: "%.2f", hundredths / 100)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// A list of points for `points=` attributes: "x1,y1 x2,y2 …".
    static func points(_ points: [PixelPoint]) -> String {
        points.map { number($0.x) + "," + number($0.y) }.joined(separator: " ")
    }

    private mutating func writeTag(_ name: String, _ attributes: [(String, String)]) {
        output += "<" + name
        for (key, value) in attributes {
            output += " " + key + "=\"" + Self.escaped(value) + "\""
        }
    }

    /// Opens `<name …>`; close it with ``close(_:)``.
    mutating func open(_ name: String, _ attributes: [(String, String)] = []) {
        writeTag(name, attributes)
        output += ">"
    }

    /// Writes `</name>`.
    mutating func close(_ name: String) {
        output += "</" + name + ">"
    }

    /// Writes one element, empty (`<name …/>`) unless `text` is given.
    mutating func element(_ name: String, _ attributes: [(String, String)] = [], text: String? = nil) {
        writeTag(name, attributes)
        if let text {
            output += ">" + Self.escaped(text) + "</" + name + ">"
        } else {
            output += "/>"
        }
    }

    /// Writes markup that is already well-formed (a nested chart).
    mutating func raw(_ markup: String) {
        output += markup
    }

    /// Ends the current line of markup (keeps the output diffable; no effect on rendering).
    mutating func newline() {
        output += "\n"
    }
}
