import Foundation

/// Several charts in rows of equal cells, written as one SVG (e.g. one chart per task or per metric).
public struct ChartGrid: Sendable, Hashable {
    /// A title above the whole grid (none when empty).
    public var title: String
    /// Charts per row (at least 1).
    public var columns: Int
    /// The charts, filling rows left to right, top to bottom.
    public var charts: [Chart]

    /// A grid of `charts` with `columns` per row.
    public init(title: String = "", columns: Int = 2, charts: [Chart] = []) {
        self.title = title
        self.columns = max(1, columns)
        self.charts = charts
    }

    /// Appends `chart` after the others.
    public mutating func add(_ chart: Chart) {
        charts.append(chart)
    }

    /// The grid as one standalone SVG 1.1 document; every chart gets a `cellWidth` × `cellHeight` cell.
    /// An empty grid says "No charts".
    public func svg(cellWidth: Int = 420, cellHeight: Int = 300) -> String {
        let columns = max(1, min(self.columns, max(charts.count, 1)))
        let rows = max(1, (charts.count + columns - 1) / columns)
        let top: Double = title.isEmpty ? 0 : 34
        let cellWidth = Double(max(cellWidth, 1)), cellHeight = Double(max(cellHeight, 1))
        let width = Double(columns) * cellWidth, height = top + Double(rows) * cellHeight
        let n = SVGWriter.number
        var writer = SVGWriter()
        writer.open("svg", [("xmlns", "http://www.w3.org/2000/svg"), ("version", "1.1"), ("width", n(width)), ("height", n(height)),
                            ("viewBox", "0 0 \(n(width)) \(n(height))"), ("font-family", ChartRenderer.fontFamily), ("font-size", "11")])
        writer.newline()
        if !title.isEmpty { writer.element("title", text: title) }
        writer.element("rect", [("width", n(width)), ("height", n(height)), ("fill", "#ffffff")])
        writer.newline()
        if !title.isEmpty {
            let text = TextMetrics.truncated(title, toWidth: width - 24, fontSize: 16, bold: true)
            writer.element("text", [("x", "12"), ("y", "24"), ("font-size", "16"), ("font-weight", "bold"), ("fill", "#222222")], text: text)
            writer.newline()
        }
        if charts.isEmpty {
            writer.element("text", [("x", n(width / 2)), ("y", n(top + cellHeight / 2)), ("dy", "0.35em"), ("text-anchor", "middle"),
                                    ("font-size", "13"), ("fill", "#777777")], text: "No charts")
            writer.newline()
        }
        for (index, chart) in charts.enumerated() {
            let origin = PixelPoint(x: Double(index % columns) * cellWidth, y: top + Double(index / columns) * cellHeight)
            writer.raw(ChartRenderer(chart: chart, width: cellWidth, height: cellHeight).svg(origin: origin))
        }
        writer.close("svg")
        writer.newline()
        return writer.output
    }
}
