import Foundation

/// Estimated text widths, so layouts can keep labels apart without measuring fonts.
///
/// The widths are those of DejaVu Sans (the usual `sans-serif` on Linux), which is wider than
/// Helvetica, Arial, Segoe UI and San Francisco: estimates err on the side of more room.
enum TextMetrics {
    /// How much wider bold text runs (DejaVu Sans Bold against Book).
    static let boldFactor = 1.15

    /// The estimated advance of `text` at `fontSize` pixels.
    static func width(of text: String, fontSize: Double, bold: Bool = false) -> Double {
        var em = 0.0
        for scalar in text.unicodeScalars {
            em += advance(of: scalar)
        }
        return em * fontSize * (bold ? boldFactor : 1)
    }

    /// `text` shortened with an ellipsis so that it fits in `maxWidth` (unchanged when it fits).
    static func truncated(_ text: String, toWidth maxWidth: Double, fontSize: Double, bold: Bool = false) -> String {
        guard width(of: text, fontSize: fontSize, bold: bold) > maxWidth else { return text }
        let scale = fontSize * (bold ? boldFactor : 1)
        let room = maxWidth / scale - advance(of: "…")
        var used = 0.0
        var kept = ""
        for character in text {
            used += character.unicodeScalars.reduce(0) { $0 + advance(of: $1) }
            if used > room { break }
            kept.append(character)
        }
        return kept.trimmingCharacters(in: .whitespaces) + "…"
    }

    private static func advance(of scalar: Unicode.Scalar) -> Double {
        switch scalar {
        case " ": return 0.32
        case "i", "j", "l", "'", "|", "!", ".", ",", ":", ";", "`": return 0.3
        case "f", "t", "r", "I", "(", ")", "[", "]", "{", "}", "/", "\\", "-": return 0.42
        case "m", "M", "W", "%", "@": return 0.98
        case "w", "—", "…": return 0.84
        case "0"..."9", "+", "=", "<", ">", "~", "−", "±", "×", "$", "#", "^", "_", "*", "\"": return 0.64
        case "a"..."z": return 0.62
        case "A"..."Z": return 0.74
        default:
            // CJK, Hangul and other wide scripts take a full em; anything else an average Latin width.
            return scalar.value >= 0x2E80 ? 1.0 : 0.68
        }
    }
}
