import Foundation

/// An opaque sRGB colour.
public struct Color: Sendable, Hashable, CustomStringConvertible {
    /// Red, 0–255.
    public var red: UInt8
    /// Green, 0–255.
    public var green: UInt8
    /// Blue, 0–255.
    public var blue: UInt8

    /// The colour with the given components.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// The colour written as `#rrggbb` or `rrggbb` (either case); `nil` for anything else.
    public init?(hex: String) {
        var digits = Substring(hex)
        if digits.hasPrefix("#") { digits = digits.dropFirst() }
        guard digits.count == 6, digits.allSatisfy(\.isHexDigit), let value = UInt32(digits, radix: 16) else { return nil }
        self.init(red: UInt8(value >> 16 & 0xFF), green: UInt8(value >> 8 & 0xFF), blue: UInt8(value & 0xFF))
    }

    /// The colour as `#rrggbb` (lower case), as SVG and CSS read it.
    public var hex: String {
        "#" + [red, green, blue].map { component in
            let digits = String(component, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    /// The `#rrggbb` form.
    public var description: String { hex }

    /// Mid grey, for reference lines and notes.
    static let referenceGrey = Color(red: 0x55, green: 0x55, blue: 0x55)
}

/// An ordered list of series colours; lookups wrap around.
///
/// Charts give each series name the next colour in order (``Chart/colorOrder`` fixes the order
/// across charts). Once a palette is used up colours repeat, and a chart draws the repeats' lines dashed.
public struct Palette: Sendable, Hashable {
    /// The colours, in the order they are handed out (never empty).
    public let colors: [Color]

    /// A palette of `colors`; an empty list gives ``okabeIto``'s colours.
    public init(colors: [Color]) {
        self.colors = colors.isEmpty ? Palette.okabeIto.colors : colors
    }

    /// The colour at `index`, wrapping around (negative indices count from the end).
    public func color(at index: Int) -> Color {
        let count = colors.count
        return colors[((index % count) + count) % count]
    }

    /// The colour of `name` when every report lists its series names in the same order `names`:
    /// the colour at `name`'s index there, or `nil` when `name` is not listed.
    public func color(for name: String, in names: [String]) -> Color? {
        names.firstIndex(of: name).map(color(at:))
    }

    /// Okabe & Ito's colour-blind-safe palette (2008), ordered for lines on white: blue, vermillion,
    /// bluish green, orange, reddish purple, sky blue, yellow, black.
    public static let okabeIto = Palette(uncheckedColors: [
        Color(red: 0x00, green: 0x72, blue: 0xB2), Color(red: 0xD5, green: 0x5E, blue: 0x00),
        Color(red: 0x00, green: 0x9E, blue: 0x73), Color(red: 0xE6, green: 0x9F, blue: 0x00),
        Color(red: 0xCC, green: 0x79, blue: 0xA7), Color(red: 0x56, green: 0xB4, blue: 0xE9),
        Color(red: 0xF0, green: 0xE4, blue: 0x42), Color(red: 0x00, green: 0x00, blue: 0x00),
    ])

    /// Tableau 10 (the 2016 revision), designed to stay distinguishable with common colour-vision deficiencies.
    public static let tableau10 = Palette(uncheckedColors: [
        Color(red: 0x4E, green: 0x79, blue: 0xA7), Color(red: 0xF2, green: 0x8E, blue: 0x2B),
        Color(red: 0xE1, green: 0x57, blue: 0x59), Color(red: 0x76, green: 0xB7, blue: 0xB2),
        Color(red: 0x59, green: 0xA1, blue: 0x4F), Color(red: 0xED, green: 0xC9, blue: 0x48),
        Color(red: 0xB0, green: 0x7A, blue: 0xA1), Color(red: 0xFF, green: 0x9D, blue: 0xA7),
        Color(red: 0x9C, green: 0x75, blue: 0x5F), Color(red: 0xBA, green: 0xB0, blue: 0xAC),
    ])

    private init(uncheckedColors: [Color]) {
        colors = uncheckedColors
    }
}
