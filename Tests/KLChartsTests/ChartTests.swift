import Foundation
import Testing
@testable import KLCharts

@Suite struct ChartTests {
    /// A chart with every kind of series.
    static func fullChart() -> Chart {
        var chart = Chart(title: "Validation accuracy", xLabel: "step", yLabel: "accuracy")
        let runs = (0..<3).map { seed in
            (0...40).map { DataPoint(x: Double($0 * 100), y: 0.2 + 0.004 * Double($0) + 0.01 * Double(seed)) }
        }
        chart.add(SeriesSummary(runs: runs), name: "GMM-PRF")
        chart.add(.line(name: "softmax", x: [0, 2000, 4000], y: [0.2, 0.3, 0.35], dashed: true, markers: true))
        chart.add(.scatter(name: "best", points: [DataPoint(x: 3000, y: 0.33)], labels: ["best checkpoint"]))
        chart.add(.errorBars(name: "best", bars: [ErrorBar(x: 3000, y: 0.33, yError: 0.01, xError: 100)]))
        chart.add(.bars(name: "histogram", bins: [HistogramBin(lower: 0, upper: 500, count: 0.1), HistogramBin(lower: 500, upper: 1000, count: 0.15)]))
        chart.add(.referenceLine(name: "majority class", y: 0.171))
        return chart
    }

    /// The series group titled `name` (each drawn series is a `<g>` with a `<title>`).
    static func groups(named name: String, in root: XMLElement) -> [XMLElement] {
        root.elements(named: "g").filter { group in group.children.contains { $0.name == "title" && $0.text == name } }
    }

    @Test func svgIsWellFormedStandaloneXML() throws {
        let svg = Self.fullChart().svg(width: 640, height: 400)
        let root = try #require(parseSVG(svg))
        #expect(root.name == "svg")
        #expect(root.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(root.attributes["version"] == "1.1")
        #expect(root.attributes["width"] == "640" && root.attributes["height"] == "400")
        #expect(root.attributes["viewBox"] == "0 0 640 400")
        #expect(root.attributes["font-family"]?.hasSuffix("sans-serif") == true)
        #expect(root.elements(named: "script").isEmpty && root.elements(named: "style").isEmpty)
        #expect(!svg.contains("href"))
        #expect(root.elements(named: "clipPath").count == 1)
        // Deterministic.
        #expect(svg == Self.fullChart().svg(width: 640, height: 400))
    }

    @Test func aPointMapsToTheExpectedPixel() throws {
        var chart = Chart(title: "t", xLabel: "x", yLabel: "y", xDomain: 0...10, yDomain: 0...1, legend: .hidden)
        chart.add(.scatter(name: "p", points: [DataPoint(x: 2.5, y: 0.75)]))
        let layout = try #require(chart.layout(width: 500, height: 300))
        let plot = layout.plotFrame
        #expect(layout.xAxis.domain == 0...10 && layout.yAxis.domain == 0...1)
        let expected = PixelPoint(x: plot.x + 0.25 * plot.width, y: plot.maxY - 0.75 * plot.height)
        let position = try #require(layout.position(of: DataPoint(x: 2.5, y: 0.75)))
        #expect(abs(position.x - expected.x) < 1e-9 && abs(position.y - expected.y) < 1e-9)
        #expect(plot.x > 0 && plot.maxX < 500 && plot.y > 0 && plot.maxY < 300)

        let root = try #require(parseSVG(chart.svg(width: 500, height: 300)))
        let circle = try #require(Self.groups(named: "p", in: root).first?.elements(named: "circle").first)
        #expect(abs(try #require(circle.number("cx")) - expected.x) <= 0.005)
        #expect(abs(try #require(circle.number("cy")) - expected.y) <= 0.005)
    }

    @Test func aNaNSplitsALineInTwo() throws {
        var chart = Chart()
        chart.add(.line(name: "loss", x: [0, 1, 2, 3, 4, 5], y: [1, 0.8, .nan, 0.6, 0.5, 0.45]))
        let root = try #require(parseSVG(chart.svg()))
        let lines = Self.groups(named: "loss", in: root).flatMap { $0.elements(named: "polyline") }
        #expect(lines.count == 2)
        #expect(lines.map { $0.attributes["points"]!.split(separator: " ").count } == [2, 3])
        // Infinite values break lines too.
        var infinite = Chart()
        infinite.add(.line(name: "l", x: [0, 1, 2, 3, 4], y: [1, 2, .infinity, 3, 4]))
        #expect(try #require(parseSVG(infinite.svg())).elements(named: "polyline").count == 2)
    }

    @Test func textIsEscaped() throws {
        let nasty = "<&>\"' \u{1}"
        var chart = Chart(title: "title " + nasty, xLabel: "x " + nasty, yLabel: "y " + nasty)
        chart.add(.line(name: "line " + nasty, x: [0, 1], y: [0, 1]))
        chart.add(.scatter(name: "s", points: [DataPoint(x: 0.5, y: 0.5)], labels: ["label " + nasty]))
        chart.add(.referenceLine(name: "ref " + nasty, y: 0.2))
        let svg = chart.svg()
        #expect(svg.contains("&lt;&amp;&gt;&quot;&apos;"))
        #expect(!svg.contains("<&>"))
        let root = try #require(parseSVG(svg))
        let texts = Set(root.elements(named: "text").map(\.text) + root.elements(named: "title").map(\.text))
        for prefix in ["title ", "x ", "y ", "line ", "label ", "ref "] {
            #expect(texts.contains(prefix + "<&>\"' \u{FFFD}"), "\(prefix) text did not survive escaping")
        }
        #expect(SVGWriter.escaped("a<b>&\"c\"'d'") == "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;")
    }

    @Test func chartsWithoutDataSaySo() throws {
        let charts: [Chart] = {
            var noSeries = Chart(title: "empty")
            noSeries.xLabel = "x"
            var emptySeries = Chart()
            emptySeries.add(.line(name: "a", points: []))
            emptySeries.add(.scatter(name: "b", points: []))
            emptySeries.add(.bars(name: "c", bins: []))
            var onlyNaN = Chart()
            onlyNaN.add(.line(name: "a", x: [.nan, 1], y: [1, .nan]))
            var onlyReference = Chart()
            onlyReference.add(.referenceLine(name: "baseline", y: 0.5))
            var nonPositiveOnLog = Chart(yScale: .log)
            nonPositiveOnLog.add(.line(name: "a", x: [1, 2], y: [0, -1]))
            return [noSeries, emptySeries, onlyNaN, onlyReference, nonPositiveOnLog]
        }()
        for chart in charts {
            let svg = chart.svg(width: 300, height: 200)
            let root = try #require(parseSVG(svg))
            #expect(root.elements(named: "text").contains { $0.text == "No data" })
            #expect(chart.layout(width: 300, height: 200) == nil)
        }
        #expect(charts[4].svg().contains("log axis"))
        // Degenerate sizes do not crash.
        _ = Self.fullChart().svg(width: 0, height: 0)
        _ = Self.fullChart().svg(width: 40, height: 30)
    }

    @Test func anEmptySeriesBesideDataIsMarkedInTheLegend() throws {
        var chart = Chart(legend: .right)
        chart.add(.line(name: "trained", x: [0, 1, 2], y: [3, 2, 1]))
        chart.add(.line(name: "failed", points: []))
        let root = try #require(parseSVG(chart.svg()))
        let texts = root.elements(named: "text").map(\.text)
        #expect(texts.contains("trained") && texts.contains("failed (no data)"))
    }

    @Test func aConstantSeriesGetsANonZeroRange() throws {
        var chart = Chart()
        chart.add(.line(name: "flat", x: [0, 1, 2], y: [0.5, 0.5, 0.5]))
        let layout = try #require(chart.layout(width: 640, height: 400))
        #expect(layout.yAxis.domain.lowerBound < 0.5 && layout.yAxis.domain.upperBound > 0.5)
        #expect(layout.yAxis.ticks.count >= 2)
        var single = Chart(xScale: .log, yScale: .log)
        single.add(.scatter(name: "one", points: [DataPoint(x: 100, y: 3)]))
        let singleLayout = try #require(single.layout(width: 640, height: 400))
        #expect(singleLayout.xAxis.domain.lowerBound < 100 && singleLayout.xAxis.domain.upperBound > 100)
        #expect(singleLayout.yAxis.domain.lowerBound > 0)
    }

    @Test func logAxesSkipNonPositiveValues() throws {
        var chart = Chart(xScale: .log, yScale: .log)
        chart.add(.line(name: "time", x: [100, 200, 400, 800, 1600], y: [1, 0, -5, 10, 100]))
        let layout = try #require(chart.layout(width: 640, height: 400))
        #expect(layout.yAxis.domain.lowerBound > 0 && layout.yAxis.domain.lowerBound <= 1)
        #expect(layout.yAxis.domain.upperBound >= 100)
        let root = try #require(parseSVG(chart.svg()))
        let group = try #require(Self.groups(named: "time", in: root).first)
        #expect(group.elements(named: "polyline").count == 1)     // 800 → 1600
        #expect(group.elements(named: "circle").count == 1)       // the lone point at 100 is a dot
        #expect(layout.yAxis.ticks == [1, 2, 5, 10, 20, 50, 100])   // two decades: 2 and 5 are labelled too
    }

    @Test func bandsAreDrawnUnderLinesAndReferenceLinesAreLabelled() throws {
        let root = try #require(parseSVG(Self.fullChart().svg()))
        let order = root.allElements.map(\.name)
        let firstPolygon = try #require(order.firstIndex(of: "polygon"))
        let firstPolyline = try #require(order.firstIndex(of: "polyline"))
        #expect(firstPolygon < firstPolyline)
        let polygon = try #require(root.elements(named: "polygon").first)
        #expect(polygon.number("fill-opacity").map { $0 < 0.5 } == true)
        let band = Self.groups(named: "GMM-PRF", in: root)
        #expect(band.count == 2)   // the band's group and the line's group, one colour
        #expect(polygon.attributes["fill"] == band[1].elements(named: "polyline").first?.attributes["stroke"])
        let reference = try #require(Self.groups(named: "majority class", in: root).first?.elements(named: "line").first)
        #expect(reference.attributes["stroke-dasharray"] != nil)
        #expect(root.elements(named: "text").contains { $0.text == "majority class" })
        #expect(Self.groups(named: "histogram", in: root).first?.elements(named: "rect").count == 2)
        let dashed = try #require(Self.groups(named: "softmax", in: root).first?.elements(named: "polyline").first)
        #expect(dashed.attributes["stroke-dasharray"] != nil)
        let width = try #require(dashed.number("stroke-width"))
        #expect(width >= 1.5 && width <= 2)
    }

    @Test func coloursFollowTheNameOrderAcrossCharts() throws {
        let order = ["softmax", "GMM-PRF", "FAVOR+"]
        var first = Chart(colorOrder: order)
        first.add(.line(name: "FAVOR+", x: [0, 1], y: [0, 1]))
        first.add(.line(name: "softmax", x: [0, 1], y: [1, 0]))
        var second = Chart(colorOrder: order)
        second.add(.line(name: "softmax", x: [0, 1], y: [1, 2]))
        second.add(.line(name: "other", x: [0, 1], y: [2, 2]))
        second.add(.line(name: "FAVOR+", x: [0, 1], y: [0, 2], color: Color(hex: "#123456")))
        func stroke(_ name: String, _ chart: Chart) throws -> String? {
            let root = try #require(parseSVG(chart.svg()))
            return Self.groups(named: name, in: root).first?.elements(named: "polyline").first?.attributes["stroke"]
        }
        let palette = Palette.okabeIto
        #expect(try stroke("softmax", first) == palette.color(at: 0).hex)
        #expect(try stroke("FAVOR+", first) == palette.color(at: 2).hex)
        #expect(try stroke("softmax", second) == palette.color(at: 0).hex)
        #expect(try stroke("other", second) == palette.color(at: 1).hex)   // lowest index unused here
        #expect(try stroke("FAVOR+", second) == "#123456")
        // Beyond the palette, colours repeat with dashes.
        var many = Chart()
        for index in 0..<9 { many.add(.line(name: "k\(index)", x: [0, 1], y: [0, Double(index)])) }
        let ninth = try #require(Self.groups(named: "k8", in: parseSVG(many.svg())!).first?.elements(named: "polyline").first)
        #expect(ninth.attributes["stroke"] == palette.color(at: 0).hex && ninth.attributes["stroke-dasharray"] != nil)
    }

    @Test func theLegendStaysOffTheData() throws {
        var chart = Chart(title: "loss", xLabel: "step", yLabel: "loss")
        let steps = (0...100).map { Double($0) * 40 }
        for (index, name) in ["a", "b", "c"].enumerated() {
            chart.add(.line(name: name, x: steps, y: steps.map { 2.5 * exp(-$0 / 1000) + 0.3 + 0.1 * Double(index) }))
        }
        let layout = try #require(chart.layout(width: 640, height: 400))
        let legend = try #require(layout.legendFrame)
        #expect(layout.plotFrame.contains(PixelPoint(x: legend.x, y: legend.y)))   // a free corner inside
        for series in chart.series {
            guard case .line(let points, _, _) = series.kind else { continue }
            let pixels = points.compactMap(layout.position(of:))
            for (a, b) in zip(pixels, pixels.dropFirst()) { #expect(!Geometry.segment(a, b, intersects: legend)) }
        }
        // With data everywhere it moves outside, to the right.
        var crowded = Chart()
        crowded.add(.scatter(name: "everywhere", points: (0..<400).map { DataPoint(x: Double($0 % 20), y: Double($0 / 20)) }))
        let crowdedLayout = try #require(crowded.layout(width: 640, height: 400))
        #expect(try #require(crowdedLayout.legendFrame).x >= crowdedLayout.plotFrame.maxX)
    }

    @Test func tickLabelsDoNotOverlap() throws {
        for width in [180, 260, 400, 900] {
            var chart = Chart(xLabel: "tokens", yLabel: "loss")
            chart.add(.line(name: "", x: [0, 123_456], y: [0.001, 12_345.6]))
            let layout = try #require(chart.layout(width: width, height: 240))
            let widest = layout.xAxis.tickLabels.map { TextMetrics.width(of: $0, fontSize: 11) }.max() ?? 0
            #expect(layout.xAxis.ticks.count >= 2)
            #expect(layout.xAxis.smallestTickGap >= widest + 12 || layout.xAxis.ticks.count == 2)
            #expect(layout.yAxis.smallestTickGap >= 18)
            #expect(layout.plotFrame.maxX <= Double(width))
        }
        // Short axes still get two labelled ticks or more.
        for height in [120, 160, 220] {
            var chart = Chart(title: "t", xLabel: "x", yLabel: "y")
            chart.add(.line(name: "a", x: [0, 1e6, 2e6], y: [-120_000, 50_000, 340_000]))
            let layout = try #require(chart.layout(width: 300, height: height))
            #expect(layout.yAxis.ticks.count >= 2 && layout.xAxis.ticks.count >= 2)
        }
    }

    @Test func longTextIsTruncatedToFit() throws {
        var chart = Chart(title: String(repeating: "a long title ", count: 20), legend: .right)
        chart.add(.line(name: String(repeating: "very long series name ", count: 20), x: [0, 1], y: [0, 1]))
        let root = try #require(parseSVG(chart.svg(width: 400, height: 300)))
        let texts = root.elements(named: "text").map(\.text)
        #expect(texts.filter { $0.hasSuffix("…") }.count == 2)
        #expect(texts.allSatisfy { TextMetrics.width(of: $0, fontSize: 14, bold: true) <= 400 })
    }

    @Test func aGridNestsChartsWithDistinctClipIDs() throws {
        var other = Chart(title: "other")
        other.add(.line(name: "x", x: [1, 2], y: [1, 4]))
        let grid = ChartGrid(title: "Report", columns: 2, charts: [Self.fullChart(), other, Chart(title: "none")])
        let root = try #require(parseSVG(grid.svg(cellWidth: 400, cellHeight: 280)))
        #expect(root.attributes["width"] == "800" && root.attributes["height"] == "594")
        let nested = root.children.filter { $0.name == "svg" }
        #expect(nested.count == 3)
        #expect(nested.map { $0.attributes["x"] } == ["0", "400", "0"])
        let ids = root.elements(named: "clipPath").compactMap { $0.attributes["id"] }
        #expect(ids.count == 2 && Set(ids).count == 2)
        #expect(parseSVG(ChartGrid().svg()) != nil)
    }
}
