import Testing
import KLCharts

@Suite struct StatisticsTests {
    @Test func logLogSlopeOfAPowerLaw() throws {
        let x = (1...20).map { Double($0) * 37.5 }
        let y = x.map { 3 * $0 * $0 }
        let slope = try #require(LogLogFit.slope(x: x, y: y))
        #expect(abs(slope - 2) < 1e-9)
        let fit = try #require(LogLogFit(x: x, y: y))
        #expect(abs(fit.coefficient - 3) < 1e-9)
        #expect(abs(fit.rSquared - 1) < 1e-12)
        #expect(abs(fit.value(at: 10) - 300) < 1e-6)
    }

    @Test func logLogFitSkipsValuesALogAxisCannotShow() throws {
        let fit = try #require(LogLogFit(x: [0, -1, 1, 2, 4, .nan], y: [5, 5, 1, 2, 4, 8]))
        #expect(fit.pointCount == 3)
        #expect(abs(fit.slope - 1) < 1e-12)
        #expect(LogLogFit.slope(x: [1], y: [1]) == nil)
        #expect(LogLogFit.slope(x: [2, 2, 2], y: [1, 2, 3]) == nil)
        #expect(LogLogFit(points: []) == nil)
    }

    @Test func histogramCountsEveryValueOnce() {
        let values = (0..<100).map { Double($0) / 10 } + [.nan, .infinity]
        let bins = Histogram.bins(of: values, count: 10)
        #expect(bins.count == 10)
        #expect(bins.map(\.count).reduce(0, +) == 100)
        #expect(bins.first!.lower == 0 && bins.last!.upper == 9.9)
        #expect(Histogram.bins(of: [.nan]).isEmpty)
        let constant = Histogram.bins(of: [2, 2, 2], count: 3)
        #expect(constant.map(\.count).reduce(0, +) == 3 && constant.first!.lower < 2 && constant.last!.upper > 2)
        let ranged = Histogram.bins(of: [-5, 0.5, 1.5, 99], count: 2, range: 0...2)
        #expect(ranged.map(\.count) == [1, 1])
    }

    @Test func seriesSummaryMatchesRunsByX() {
        let runs = [
            [DataPoint(x: 0, y: 1), DataPoint(x: 1, y: 2)],
            [DataPoint(x: 0, y: 3), DataPoint(x: 1, y: 4), DataPoint(x: 2, y: .nan)],
        ]
        let deviation = SeriesSummary(runs: runs, spread: .standardDeviation)
        #expect(deviation.mean.map(\.x) == [0, 1, 2])
        #expect(deviation.mean[0].y == 2 && deviation.mean[1].y == 3 && deviation.mean[2].y.isNaN)
        #expect(abs(deviation.upper[0].y - (2 + 2.0.squareRoot())) < 1e-12)
        #expect(abs(deviation.lower[1].y - (3 - 2.0.squareRoot())) < 1e-12)
        let range = SeriesSummary(runs: runs, spread: .range)
        #expect(range.lower[0].y == 1 && range.upper[0].y == 3)
        let single = SeriesSummary(runs: [[DataPoint(x: 0, y: 5)]])
        #expect(single.lower[0].y == 5 && single.upper[0].y == 5)
    }

    @Test func palettesWrapAndColoursRoundTrip() {
        #expect(Palette.okabeIto.colors.count == 8)
        #expect(Palette.tableau10.colors.count == 10)
        #expect(Palette.okabeIto.color(at: 8) == Palette.okabeIto.color(at: 0))
        #expect(Palette.okabeIto.color(at: -1) == Palette.okabeIto.color(at: 7))
        #expect(Palette.okabeIto.color(at: 0).hex == "#0072b2")
        #expect(Color(hex: "#D55E00") == Color(red: 0xD5, green: 0x5E, blue: 0x00))
        #expect(Color(hex: "0072b2")?.hex == "#0072b2")
        #expect(Color(hex: "#12345") == nil && Color(hex: "#gggggg") == nil)
        #expect(Palette.okabeIto.color(for: "b", in: ["a", "b"]) == Palette.okabeIto.color(at: 1))
        #expect(Palette.okabeIto.color(for: "z", in: ["a", "b"]) == nil)
        #expect(Palette(colors: []).colors == Palette.okabeIto.colors)
    }
}
