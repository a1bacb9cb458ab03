import Foundation

/// How a series name is drawn: its colour, and a dash pattern once the palette has been used up.
struct SeriesStyle {
    var color: Color
    var repeatDash: String?
}

/// The pixels one series covers at one layout.
struct SeriesShapes {
    var polylines: [[PixelPoint]] = []
    /// Single points of a line between gaps, drawn as dots.
    var dots: [PixelPoint] = []
    var polygons: [[PixelPoint]] = []
    var markers: [PixelPoint] = []
    /// The label of each of `markers` (empty for none); only scatter points have labels.
    var markerLabels: [String] = []
    var labels: [(text: String, point: PixelPoint)] = []
    var rects: [PixelRect] = []
    /// Error bar whiskers and caps.
    var segments: [(PixelPoint, PixelPoint)] = []
    /// A reference line's y and its label.
    var reference: (y: Double, label: PlacedLabel?)?
}

/// Draws one chart: resolves colours, lays out axes and legend, and writes the SVG.
struct ChartRenderer {
    static let fontFamily = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"
    static let markerRadius = 3.5

    let chart: Chart
    let width: Double
    let height: Double

    // MARK: - Colours

    /// The style of every series name.
    func styles() -> [String: SeriesStyle] {
        var explicit: [String: Color] = [:]
        var names: [String] = []
        var onlyReference: Set<String> = []
        var seen: Set<String> = []
        for series in chart.series {
            if let color = series.color, explicit[series.name] == nil { explicit[series.name] = color }
            let isReference: Bool
            if case .referenceLine = series.kind { isReference = true } else { isReference = false }
            if seen.insert(series.name).inserted {
                names.append(series.name)
                if isReference { onlyReference.insert(series.name) }
            } else if !isReference {
                onlyReference.remove(series.name)
            }
        }
        var slots: [String: Int] = [:]
        for (index, name) in chart.colorOrder.enumerated() where slots[name] == nil { slots[name] = index }
        let needing = names.filter { explicit[$0] == nil && !onlyReference.contains($0) }
        var used = Set(needing.compactMap { slots[$0] })
        var next = 0
        var styles: [String: SeriesStyle] = [:]
        let count = chart.palette.colors.count
        let dashes = ["7 4", "2 3", "9 3 2 3"]
        for name in names {
            if let color = explicit[name] {
                styles[name] = SeriesStyle(color: color)
            } else if onlyReference.contains(name) {
                styles[name] = SeriesStyle(color: .referenceGrey)
            } else {
                let slot: Int
                if let listed = slots[name] {
                    slot = listed
                } else {
                    while used.contains(next) { next += 1 }
                    slot = next
                    used.insert(slot)
                }
                styles[name] = SeriesStyle(color: chart.palette.color(at: slot), repeatDash: slot >= count ? dashes[(slot / count - 1) % dashes.count] : nil)
            }
        }
        return styles
    }

    /// One legend entry per named series (reference lines are labelled in place instead).
    func legendEntries(styles: [String: SeriesStyle]) -> [LegendEntry] {
        var entries: [LegendEntry] = []
        var indexOfName: [String: Int] = [:]
        for series in chart.series where !series.name.isEmpty {
            if case .referenceLine = series.kind { continue }
            let index: Int
            if let existing = indexOfName[series.name] {
                index = existing
            } else {
                let style = styles[series.name]!
                entries.append(LegendEntry(name: series.name, color: style.color))
                index = entries.count - 1
                indexOfName[series.name] = index
            }
            let style = styles[series.name]!
            switch series.kind {
            case .line(_, let dashed, let markers):
                let dash = dashed ? "6 3" : style.repeatDash
                if !entries[index].hasLine || entries[index].lineDash != nil { entries[index].lineDash = dash }
                entries[index].hasLine = true
                if markers { entries[index].hasMarker = true }
            case .band: entries[index].hasBand = true
            case .scatter: entries[index].hasMarker = true
            case .errorBars: entries[index].hasErrorBars = true
            case .bars: entries[index].hasBars = true
            case .referenceLine: break
            }
            if chart.hasPlaceableData(series) { entries[index].hasNoData = false }
        }
        return entries
    }

    // MARK: - Layout

    private struct Plan {
        var layout: ChartLayout
        var shapes: [SeriesShapes]
        var placedLabels: [PlacedLabel]
        var legend: Legend
        /// Where the legend goes: inside or right (column in `layout.legendFrame`), or bottom (rows).
        var legendInRows: Bool
    }

    /// The final layout, or `nil` when there is no data.
    func finalLayout() -> ChartLayout? {
        plan()?.layout
    }

    private func plan() -> Plan? {
        let extent = chart.dataExtent(xScale: chart.xScale, yScale: chart.yScale)
        guard extent.hasData else { return nil }
        let styles = styles()
        let legend = Legend(entries: chart.legend == .hidden ? [] : legendEntries(styles: styles))
        let column = legend.columnSize
        let rowsWidth = width - 24
        let rowsHeight = legend.rows(within: rowsWidth).height

        func build(reserve: LegendReserve) -> (ChartLayout, [SeriesShapes], [PlacedLabel]) {
            let layout = ChartLayout.make(for: chart, extent: extent, width: width, height: height, reserve: reserve)
            var shapes = chart.series.map { self.shapes(for: $0, layout: layout) }
            let markers = shapes.flatMap { shape in
                shape.markers.map(Self.markerFrame) + shape.dots.map(Self.markerFrame) + shape.segments.map { a, b in
                    PixelRect(x: min(a.x, b.x) - 0.75, y: min(a.y, b.y) - 0.75, width: abs(b.x - a.x) + 1.5, height: abs(b.y - a.y) + 1.5)
                }
            }
            let bounds = PixelRect(x: 2, y: layout.plotFrame.y - 4, width: width - 4, height: layout.plotFrame.height + 8)
            let labels = LabelPlacement.place(shapes.flatMap(\.labels), avoiding: markers, within: bounds)
            for index in shapes.indices {
                if let reference = shapes[index].reference {
                    shapes[index].reference = (reference.y, referenceLabel(chart.series[index].name, y: reference.y, layout: layout))
                }
            }
            return (layout, shapes, labels)
        }

        func inside(_ corner: LegendPosition, in frame: PixelRect) -> PixelRect? {
            guard column.width <= frame.width - 16, column.height <= frame.height - 16 else { return nil }
            let left = frame.x + 8, right = frame.maxX - 8 - column.width
            let top = frame.y + 8, bottom = frame.maxY - 8 - column.height
            switch corner {
            case .topLeft: return PixelRect(x: left, y: top, width: column.width, height: column.height)
            case .topRight: return PixelRect(x: right, y: top, width: column.width, height: column.height)
            case .bottomLeft: return PixelRect(x: left, y: bottom, width: column.width, height: column.height)
            case .bottomRight: return PixelRect(x: right, y: bottom, width: column.width, height: column.height)
            default: return nil
            }
        }

        let rightReserve = LegendReserve(right: column.width + 16)
        let bottomReserve = LegendReserve(bottom: rowsHeight + 6)
        var position = legend.entries.isEmpty ? .hidden : chart.legend
        if position == .automatic {
            let (layout, shapes, labels) = build(reserve: LegendReserve())
            let corner = [LegendPosition.topRight, .topLeft, .bottomRight, .bottomLeft].first { corner in
                guard let frame = inside(corner, in: layout.plotFrame) else { return false }
                return !Self.covers(frame.outset(by: 3), shapes: shapes, labels: labels)
            }
            if let corner {
                position = corner
            } else {
                let fitsRight = column.height <= layout.plotFrame.height && column.width <= width * 0.38
                position = fitsRight ? .right : .bottom
            }
        }
        switch position {
        case .right:
            var (layout, shapes, labels) = build(reserve: rightReserve)
            layout.legendFrame = PixelRect(x: width - 12 - column.width, y: layout.plotFrame.y, width: column.width, height: column.height)
            return Plan(layout: layout, shapes: shapes, placedLabels: labels, legend: legend, legendInRows: false)
        case .bottom:
            var (layout, shapes, labels) = build(reserve: bottomReserve)
            layout.legendFrame = PixelRect(x: 12, y: height - rowsHeight - 6, width: rowsWidth, height: rowsHeight)
            return Plan(layout: layout, shapes: shapes, placedLabels: labels, legend: legend, legendInRows: true)
        case .hidden, .automatic:
            let (layout, shapes, labels) = build(reserve: LegendReserve())
            return Plan(layout: layout, shapes: shapes, placedLabels: labels, legend: Legend(entries: []), legendInRows: false)
        case .topLeft, .topRight, .bottomLeft, .bottomRight:
            var (layout, shapes, labels) = build(reserve: LegendReserve())
            layout.legendFrame = inside(position, in: layout.plotFrame)
                ?? PixelRect(x: layout.plotFrame.maxX - column.width, y: layout.plotFrame.y, width: column.width, height: column.height)
            return Plan(layout: layout, shapes: shapes, placedLabels: labels, legend: legend, legendInRows: false)
        }
    }

    private static func markerFrame(_ point: PixelPoint) -> PixelRect {
        PixelRect(x: point.x - markerRadius - 1, y: point.y - markerRadius - 1, width: 2 * markerRadius + 2, height: 2 * markerRadius + 2)
    }

    /// Whether anything drawn would show under `frame`.
    private static func covers(_ frame: PixelRect, shapes: [SeriesShapes], labels: [PlacedLabel]) -> Bool {
        for shape in shapes {
            for line in shape.polylines {
                for (a, b) in zip(line, line.dropFirst()) where Geometry.segment(a, b, intersects: frame) { return true }
            }
            for polygon in shape.polygons where Geometry.polygon(polygon, intersects: frame) { return true }
            for point in shape.markers + shape.dots where markerFrame(point).intersects(frame) { return true }
            for rect in shape.rects where rect.intersects(frame) { return true }
            for (a, b) in shape.segments where Geometry.segment(a, b, intersects: frame) { return true }
            if let reference = shape.reference {
                if reference.y >= frame.y, reference.y <= frame.maxY { return true }
                if let label = reference.label, label.frame.intersects(frame) { return true }
            }
        }
        return labels.contains { $0.frame.intersects(frame) }
    }

    // MARK: - Shapes

    /// The pixels `series` covers at `layout`.
    func shapes(for series: Series, layout: ChartLayout) -> SeriesShapes {
        var shapes = SeriesShapes()
        let plot = layout.plotFrame
        let visible = plot.outset(by: 1)
        switch series.kind {
        case .line(let points, _, let markers):
            var run: [PixelPoint] = []
            func flush() {
                if run.count >= 2 { shapes.polylines.append(run) } else if run.count == 1, !markers, visible.contains(run[0]) { shapes.dots.append(run[0]) }
                run = []
            }
            for point in points {
                if let pixel = layout.position(of: point) {
                    run.append(pixel)
                    if markers, visible.contains(pixel) { shapes.markers.append(pixel) }
                } else {
                    flush()
                }
            }
            flush()
        case .band(let lower, let upper):
            var lowerRun: [PixelPoint] = [], upperRun: [PixelPoint] = []
            func flush() {
                if lowerRun.count >= 2 { shapes.polygons.append(lowerRun + upperRun.reversed()) }
                lowerRun = []
                upperRun = []
            }
            for (low, high) in zip(lower, upper) {
                if let a = layout.position(of: low), let b = layout.position(of: high) {
                    lowerRun.append(a)
                    upperRun.append(b)
                } else {
                    flush()
                }
            }
            flush()
        case .scatter(let points, let labels):
            for (index, point) in points.enumerated() {
                guard let pixel = layout.position(of: point), visible.contains(pixel) else { continue }
                shapes.markers.append(pixel)
                let label = index < labels.count ? labels[index] : ""
                shapes.markerLabels.append(label)
                if !label.isEmpty { shapes.labels.append((label, pixel)) }
            }
        case .errorBars(let bars):
            let cap = 3.0
            for bar in bars {
                guard let center = layout.position(of: DataPoint(x: bar.x, y: bar.y)) else { continue }
                if bar.yLower != bar.yUpper {
                    let low = layout.yAxis.pixel(for: bar.yLower), high = layout.yAxis.pixel(for: bar.yUpper)
                    let bottom = low ?? (layout.yAxis.scale == .log ? plot.maxY : center.y)
                    let top = high ?? center.y
                    shapes.segments.append((PixelPoint(x: center.x, y: bottom), PixelPoint(x: center.x, y: top)))
                    for end in [low, high].compactMap({ $0 }) {
                        shapes.segments.append((PixelPoint(x: center.x - cap, y: end), PixelPoint(x: center.x + cap, y: end)))
                    }
                }
                if bar.xLower != bar.xUpper {
                    let low = layout.xAxis.pixel(for: bar.xLower), high = layout.xAxis.pixel(for: bar.xUpper)
                    let left = low ?? (layout.xAxis.scale == .log ? plot.x : center.x)
                    let right = high ?? center.x
                    shapes.segments.append((PixelPoint(x: left, y: center.y), PixelPoint(x: right, y: center.y)))
                    for end in [low, high].compactMap({ $0 }) {
                        shapes.segments.append((PixelPoint(x: end, y: center.y - cap), PixelPoint(x: end, y: center.y + cap)))
                    }
                }
            }
        case .bars(let bins):
            let zero = layout.yAxis.scale == .linear ? layout.yAxis.pixel(for: 0) : nil
            let base = min(plot.maxY, max(plot.y, zero ?? plot.maxY))
            for bin in bins {
                guard let left = layout.xAxis.pixel(for: bin.lower), let right = layout.xAxis.pixel(for: bin.upper),
                      let top = layout.yAxis.pixel(for: bin.count) else { continue }
                shapes.rects.append(PixelRect(x: min(left, right), y: min(top, base), width: abs(right - left), height: abs(base - top)))
            }
        case .referenceLine(let y):
            if let pixel = layout.yAxis.pixel(for: y), pixel >= plot.y - 0.5, pixel <= plot.maxY + 0.5 {
                shapes.reference = (pixel, nil)
            }
        }
        return shapes
    }

    /// The label of a reference line at pixel `y`: at the plot's right end, above the line (below it near the top).
    private func referenceLabel(_ name: String, y: Double, layout: ChartLayout) -> PlacedLabel? {
        guard !name.isEmpty else { return nil }
        let plot = layout.plotFrame
        let text = TextMetrics.truncated(name, toWidth: plot.width - 8, fontSize: 10)
        let width = TextMetrics.width(of: text, fontSize: 10)
        let baseline = y - 12 < plot.y ? y + 12 : y - 4
        let anchor = PixelPoint(x: plot.maxX - 4, y: baseline)
        return PlacedLabel(text: text, anchor: anchor, textAnchor: "end", frame: PixelRect(x: anchor.x - width, y: baseline - 8, width: width, height: 11))
    }

    // MARK: - SVG

    /// The chart's SVG: a root document when `origin` is `nil`, else an `<svg>` nested at `origin`.
    func svg(origin: PixelPoint?) -> String {
        var writer = SVGWriter()
        var attributes: [(String, String)] = []
        if let origin {
            attributes += [("x", n(origin.x)), ("y", n(origin.y))]
        } else {
            attributes += [("xmlns", "http://www.w3.org/2000/svg"), ("version", "1.1")]
        }
        attributes += [("width", n(width)), ("height", n(height)), ("viewBox", "0 0 \(n(width)) \(n(height))"),
                       ("font-family", Self.fontFamily), ("font-size", "11")]
        writer.open("svg", attributes)
        writer.newline()
        if !chart.title.isEmpty { writer.element("title", text: chart.title) }
        writer.element("rect", [("width", n(width)), ("height", n(height)), ("fill", "#ffffff")])
        writer.newline()
        if let plan = plan() {
            draw(plan, into: &writer)
        } else {
            drawNoData(into: &writer)
        }
        writer.close("svg")
        writer.newline()
        return writer.output
    }

    private func n(_ value: Double) -> String { SVGWriter.number(value) }

    /// A half-pixel-aligned coordinate, so 1 px lines are crisp.
    private func crisp(_ value: Double) -> String { n((value - 0.5).rounded() + 0.5) }

    private func clipID() -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(chart)|\(width)x\(height)".utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return "klc-" + String(hash, radix: 16)
    }

    private func drawTitle(into writer: inout SVGWriter) {
        guard !chart.title.isEmpty else { return }
        let text = TextMetrics.truncated(chart.title, toWidth: width - 24, fontSize: ChartLayout.titleFontSize, bold: true)
        writer.element("text", [("x", "12"), ("y", "23"), ("font-size", n(ChartLayout.titleFontSize)), ("font-weight", "bold"), ("fill", "#222222")], text: text)
        writer.newline()
    }

    private func drawNoData(into writer: inout SVGWriter) {
        drawTitle(into: &writer)
        let top: Double = chart.title.isEmpty ? 14 : 38
        let frame = PixelRect(x: 12, y: top, width: max(1, width - 24), height: max(1, height - top - 14))
        writer.element("rect", [("x", n(frame.x)), ("y", n(frame.y)), ("width", n(frame.width)), ("height", n(frame.height)),
                                ("fill", "#fafafa"), ("stroke", "#dddddd")])
        let logOnly = chart.dataExtent(xScale: .linear, yScale: .linear).hasData
        let center = frame.center
        writer.element("text", [("x", n(center.x)), ("y", n(center.y)), ("dy", "0.35em"), ("text-anchor", "middle"),
                                ("font-size", "13"), ("fill", "#777777")], text: "No data")
        if logOnly {
            writer.element("text", [("x", n(center.x)), ("y", n(center.y + 18)), ("dy", "0.35em"), ("text-anchor", "middle"),
                                    ("font-size", "11"), ("fill", "#999999")], text: "(no values > 0 for the log axis)")
        }
        writer.newline()
    }

    private func draw(_ plan: Plan, into writer: inout SVGWriter) {
        let layout = plan.layout, plot = layout.plotFrame
        let styles = styles()
        let id = clipID()
        writer.open("defs")
        writer.open("clipPath", [("id", id)])
        let clip = plot.outset(by: 1)
        writer.element("rect", [("x", n(clip.x)), ("y", n(clip.y)), ("width", n(clip.width)), ("height", n(clip.height))])
        writer.close("clipPath")
        writer.close("defs")
        writer.newline()

        drawGrid(layout, into: &writer)

        func group(_ index: Int, _ body: (inout SVGWriter, SeriesStyle) -> Void) {
            let series = chart.series[index]
            writer.open("g")
            if !series.name.isEmpty { writer.element("title", text: series.name) }
            body(&writer, styles[series.name]!)
            writer.close("g")
            writer.newline()
        }

        writer.open("g", [("clip-path", "url(#\(id))")])
        writer.newline()
        for (index, shapes) in plan.shapes.enumerated() where !shapes.polygons.isEmpty {
            group(index) { writer, style in
                for polygon in shapes.polygons {
                    writer.element("polygon", [("points", SVGWriter.points(polygon)), ("fill", style.color.hex), ("fill-opacity", "0.2"), ("stroke", "none")])
                }
            }
        }
        let barSeries = plan.shapes.filter { !$0.rects.isEmpty }.count
        for (index, shapes) in plan.shapes.enumerated() where !shapes.rects.isEmpty {
            group(index) { writer, style in
                for rect in shapes.rects {
                    writer.element("rect", [("x", n(rect.x)), ("y", n(rect.y)), ("width", n(rect.width)), ("height", n(rect.height)),
                                            ("fill", style.color.hex), ("fill-opacity", barSeries > 1 ? "0.5" : "0.8"),
                                            ("stroke", "#ffffff"), ("stroke-width", "0.75")])
                }
            }
        }
        for (index, shapes) in plan.shapes.enumerated() {
            guard let reference = shapes.reference else { continue }
            group(index) { writer, style in
                writer.element("line", [("x1", n(plot.x)), ("y1", n(reference.y)), ("x2", n(plot.maxX)), ("y2", n(reference.y)),
                                        ("stroke", style.color.hex), ("stroke-width", "1.25"), ("stroke-dasharray", "5 4")])
            }
        }
        for (index, shapes) in plan.shapes.enumerated() where !shapes.polylines.isEmpty || !shapes.dots.isEmpty {
            guard case .line(_, let dashed, _) = chart.series[index].kind else { continue }
            group(index) { writer, style in
                for line in shapes.polylines {
                    var attributes = [("points", SVGWriter.points(line)), ("fill", "none"), ("stroke", style.color.hex), ("stroke-width", "1.75"),
                                      ("stroke-linejoin", "round"), ("stroke-linecap", "round")]
                    if let dash = dashed ? "6 3" : style.repeatDash { attributes.append(("stroke-dasharray", dash)) }
                    writer.element("polyline", attributes)
                }
                for dot in shapes.dots {
                    writer.element("circle", [("cx", n(dot.x)), ("cy", n(dot.y)), ("r", "1.75"), ("fill", style.color.hex)])
                }
            }
        }
        for (index, shapes) in plan.shapes.enumerated() where !shapes.segments.isEmpty {
            group(index) { writer, style in
                let path = shapes.segments.map { "M\(n($0.0.x)),\(n($0.0.y))L\(n($0.1.x)),\(n($0.1.y))" }.joined()
                writer.element("path", [("d", path), ("fill", "none"), ("stroke", style.color.hex), ("stroke-width", "1.25")])
            }
        }
        writer.close("g")
        writer.newline()

        for (index, shapes) in plan.shapes.enumerated() where !shapes.markers.isEmpty {
            group(index) { writer, style in
                for (markerIndex, marker) in shapes.markers.enumerated() {
                    let attributes = [("cx", n(marker.x)), ("cy", n(marker.y)), ("r", n(Self.markerRadius)), ("fill", style.color.hex),
                                      ("stroke", "#ffffff"), ("stroke-width", "0.75")]
                    if markerIndex < shapes.markerLabels.count, !shapes.markerLabels[markerIndex].isEmpty {
                        // The label as a tooltip too, which keeps it when there was no room to print it.
                        writer.open("circle", attributes)
                        writer.element("title", text: shapes.markerLabels[markerIndex])
                        writer.close("circle")
                    } else {
                        writer.element("circle", attributes)
                    }
                }
            }
        }

        drawAxes(layout, into: &writer)

        let references = plan.shapes.compactMap { $0.reference?.label }
        let labels = plan.placedLabels + references
        if !labels.isEmpty {
            writer.open("g", [("font-size", "10")])
            for label in labels {
                let attributes = [("x", n(label.anchor.x)), ("y", n(label.anchor.y)), ("text-anchor", label.textAnchor)]
                // A white halo first, so labels stay readable over lines and gridlines.
                writer.element("text", attributes + [("fill", "#ffffff"), ("stroke", "#ffffff"), ("stroke-width", "3"), ("stroke-linejoin", "round")], text: label.text)
                writer.element("text", attributes + [("fill", "#333333")], text: label.text)
            }
            writer.close("g")
            writer.newline()
        }

        drawTitle(into: &writer)
        if let frame = layout.legendFrame, !plan.legend.entries.isEmpty {
            if plan.legendInRows {
                plan.legend.drawRows(at: PixelPoint(x: frame.x, y: frame.y), within: frame.width, into: &writer)
            } else {
                plan.legend.drawColumn(in: frame, into: &writer)
            }
        }
    }

    private func drawGrid(_ layout: ChartLayout, into writer: inout SVGWriter) {
        let plot = layout.plotFrame
        var minor = "", major = ""
        for value in layout.xAxis.minorTicks {
            if let x = layout.xAxis.pixel(for: value), x > plot.x + 1, x < plot.maxX - 0.5 { minor += "M\(crisp(x)),\(n(plot.y))V\(n(plot.maxY))" }
        }
        for value in layout.yAxis.minorTicks {
            if let y = layout.yAxis.pixel(for: value), y < plot.maxY - 1, y > plot.y + 0.5 { minor += "M\(n(plot.x)),\(crisp(y))H\(n(plot.maxX))" }
        }
        for value in layout.xAxis.ticks {
            if let x = layout.xAxis.pixel(for: value), x > plot.x + 1, x < plot.maxX + 0.5 { major += "M\(crisp(x)),\(n(plot.y))V\(n(plot.maxY))" }
        }
        for value in layout.yAxis.ticks {
            if let y = layout.yAxis.pixel(for: value), y < plot.maxY - 1, y > plot.y - 0.5 { major += "M\(n(plot.x)),\(crisp(y))H\(n(plot.maxX))" }
        }
        if !minor.isEmpty { writer.element("path", [("d", minor), ("stroke", "#f2f2f2"), ("stroke-width", "1"), ("fill", "none")]) }
        if !major.isEmpty { writer.element("path", [("d", major), ("stroke", "#e3e3e3"), ("stroke-width", "1"), ("fill", "none")]) }
        writer.newline()
    }

    private func drawAxes(_ layout: ChartLayout, into writer: inout SVGWriter) {
        let plot = layout.plotFrame
        var path = "M\(crisp(plot.x)),\(n(plot.y))V\(crisp(plot.maxY))H\(n(plot.maxX))"
        for value in layout.xAxis.ticks {
            if let x = layout.xAxis.pixel(for: value) { path += "M\(crisp(x)),\(crisp(plot.maxY))v4" }
        }
        for value in layout.yAxis.ticks {
            if let y = layout.yAxis.pixel(for: value) { path += "M\(crisp(plot.x)),\(crisp(y))h-4" }
        }
        writer.element("path", [("d", path), ("stroke", "#8c8c8c"), ("stroke-width", "1"), ("fill", "none")])
        writer.newline()

        writer.open("g", [("font-size", n(ChartLayout.tickFontSize)), ("fill", "#555555")])
        for (value, label) in zip(layout.xAxis.ticks, layout.xAxis.tickLabels) {
            guard let x = layout.xAxis.pixel(for: value) else { continue }
            writer.element("text", [("x", n(x)), ("y", n(plot.maxY + 17)), ("text-anchor", "middle")], text: label)
        }
        writer.newline()
        for (value, label) in zip(layout.yAxis.ticks, layout.yAxis.tickLabels) {
            guard let y = layout.yAxis.pixel(for: value) else { continue }
            writer.element("text", [("x", n(plot.x - 7)), ("y", n(y)), ("dy", "0.35em"), ("text-anchor", "end")], text: label)
        }
        writer.close("g")
        writer.newline()

        if !chart.xLabel.isEmpty {
            let text = TextMetrics.truncated(chart.xLabel, toWidth: width - 24, fontSize: ChartLayout.labelFontSize)
            writer.element("text", [("x", n(plot.center.x)), ("y", n(plot.maxY + 37)), ("text-anchor", "middle"),
                                    ("font-size", n(ChartLayout.labelFontSize)), ("fill", "#333333")], text: text)
        }
        if !chart.yLabel.isEmpty {
            let text = TextMetrics.truncated(chart.yLabel, toWidth: plot.height + 20, fontSize: ChartLayout.labelFontSize)
            let center = plot.center.y
            writer.element("text", [("x", "19"), ("y", n(center)), ("transform", "rotate(-90 19 \(n(center)))"), ("text-anchor", "middle"),
                                    ("font-size", n(ChartLayout.labelFontSize)), ("fill", "#333333")], text: text)
        }
        writer.newline()
    }
}
