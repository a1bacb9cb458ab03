import Foundation

/// Where a chart puts its legend.
public enum LegendPosition: Sendable, Hashable {
    /// Inside the first corner of the plot (top right, top left, bottom right, bottom left) where it
    /// covers no data; to the right of the plot if none is free, or below it when it is too tall for that.
    case automatic
    /// Inside the plot's top-left corner.
    case topLeft
    /// Inside the plot's top-right corner.
    case topRight
    /// Inside the plot's bottom-left corner.
    case bottomLeft
    /// Inside the plot's bottom-right corner.
    case bottomRight
    /// In a column to the right of the plot.
    case right
    /// In rows below the plot.
    case bottom
    /// No legend.
    case hidden
}

/// One legend row: a series name and a swatch showing how its series are drawn.
struct LegendEntry {
    var name: String
    var color: Color
    var hasLine = false
    var lineDash: String?
    var hasBand = false
    var hasMarker = false
    var hasBars = false
    var hasErrorBars = false
    /// None of the name's series has a point that can be drawn.
    var hasNoData = true

    var text: String { hasNoData ? name + " (no data)" : name }
}

/// A legend's entries and their arrangement: one column, or rows that wrap at a width.
struct Legend {
    static let fontSize = 11.0
    static let rowHeight = 17.0
    static let padding = 6.0
    static let swatchWidth = 22.0
    static let maxTextWidth = 240.0

    var entries: [LegendEntry]

    private func textWidth(_ entry: LegendEntry) -> Double {
        min(Self.maxTextWidth, TextMetrics.width(of: entry.text, fontSize: Self.fontSize))
    }

    /// The size of the boxed single-column form.
    var columnSize: (width: Double, height: Double) {
        let text = entries.map(textWidth).max() ?? 0
        return (2 * Self.padding + Self.swatchWidth + 6 + text, 2 * Self.padding + Double(entries.count) * Self.rowHeight - 3)
    }

    /// Each entry's offset in the rows form within `width` (equal columns, filled row by row), and the rows' total height.
    func rows(within width: Double) -> (offsets: [PixelPoint], height: Double) {
        guard !entries.isEmpty else { return ([], 0) }
        let gap = 18.0
        let columnWidth = Self.swatchWidth + 6 + (entries.map(textWidth).max() ?? 0) + gap
        let columns = max(1, min(entries.count, Int((width + gap) / columnWidth)))
        let offsets = entries.indices.map { index in
            PixelPoint(x: Double(index % columns) * columnWidth, y: Double(index / columns) * Self.rowHeight)
        }
        return (offsets, Double((entries.count + columns - 1) / columns) * Self.rowHeight)
    }

    /// Draws the column form in `frame`, boxed.
    func drawColumn(in frame: PixelRect, into writer: inout SVGWriter) {
        writer.open("g", [("class", "legend")])
        writer.element("rect", [("x", n(frame.x)), ("y", n(frame.y)), ("width", n(frame.width)), ("height", n(frame.height)),
                                ("rx", "3"), ("fill", "#ffffff"), ("fill-opacity", "0.92"), ("stroke", "#d9d9d9")])
        for (index, entry) in entries.enumerated() {
            let origin = PixelPoint(x: frame.x + Self.padding, y: frame.y + Self.padding + Double(index) * Self.rowHeight + 7)
            draw(entry, at: origin, into: &writer)
        }
        writer.close("g")
        writer.newline()
    }

    /// Draws the rows form with its top-left corner at `origin`, wrapping within `width`.
    func drawRows(at origin: PixelPoint, within width: Double, into writer: inout SVGWriter) {
        writer.open("g", [("class", "legend")])
        for (entry, offset) in zip(entries, rows(within: width).offsets) {
            draw(entry, at: PixelPoint(x: origin.x + offset.x, y: origin.y + offset.y + 7), into: &writer)
        }
        writer.close("g")
        writer.newline()
    }

    /// One entry whose swatch starts at `origin.x`, centred vertically on `origin.y`.
    private func draw(_ entry: LegendEntry, at origin: PixelPoint, into writer: inout SVGWriter) {
        let (x, y) = (origin.x, origin.y)
        let color = entry.hasNoData ? "#aaaaaa" : entry.color.hex
        if entry.hasBand {
            writer.element("rect", [("x", n(x)), ("y", n(y - 5)), ("width", n(Self.swatchWidth)), ("height", "10"),
                                    ("fill", color), ("fill-opacity", "0.2")])
        }
        if entry.hasBars {
            writer.element("rect", [("x", n(x + 4)), ("y", n(y - 5)), ("width", n(Self.swatchWidth - 8)), ("height", "10"),
                                    ("fill", color), ("fill-opacity", "0.75")])
        }
        if entry.hasErrorBars, !entry.hasLine {
            let cx = x + Self.swatchWidth / 2
            writer.element("path", [("d", "M\(n(cx)),\(n(y - 5))V\(n(y + 5))M\(n(cx - 3)),\(n(y - 5))H\(n(cx + 3))M\(n(cx - 3)),\(n(y + 5))H\(n(cx + 3))"),
                                    ("stroke", color), ("stroke-width", "1.25"), ("fill", "none")])
        }
        if entry.hasLine {
            var attributes = [("x1", n(x)), ("y1", n(y)), ("x2", n(x + Self.swatchWidth)), ("y2", n(y)),
                              ("stroke", color), ("stroke-width", "2")]
            if let dash = entry.lineDash { attributes.append(("stroke-dasharray", dash)) }
            writer.element("line", attributes)
        }
        if entry.hasMarker {
            writer.element("circle", [("cx", n(x + Self.swatchWidth / 2)), ("cy", n(y)), ("r", "3.5"), ("fill", color),
                                      ("stroke", "#ffffff"), ("stroke-width", "0.75")])
        }
        if entry.hasNoData, !(entry.hasBand || entry.hasBars || entry.hasLine || entry.hasMarker || entry.hasErrorBars) {
            writer.element("line", [("x1", n(x)), ("y1", n(y)), ("x2", n(x + Self.swatchWidth)), ("y2", n(y)), ("stroke", color), ("stroke-width", "2")])
        }
        let text = TextMetrics.truncated(entry.text, toWidth: Self.maxTextWidth, fontSize: Self.fontSize)
        writer.element("text", [("x", n(x + Self.swatchWidth + 6)), ("y", n(y)), ("dy", "0.35em"), ("font-size", n(Self.fontSize)),
                                ("fill", entry.hasNoData ? "#888888" : "#333333")], text: text)
    }

    private func n(_ value: Double) -> String { SVGWriter.number(value) }
}
