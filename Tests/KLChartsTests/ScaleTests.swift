import Testing
@testable import KLCharts

@Suite struct ScaleTests {
    @Test func linearTicksUseOneTwoFiveSteps() {
        #expect(Scale.linear.ticks(in: 0...1, maxCount: 6) == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(Scale.linear.ticks(in: 0...1, maxCount: 11) == (0...10).map { Double($0) / 10 })
        #expect(Scale.linear.ticks(in: -3.7...12.1, maxCount: 5) == [0, 5, 10])
        #expect(Scale.linear.ticks(in: 0...4000, maxCount: 9) == [0, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000])
        #expect(Scale.linear.ticks(in: 2...2, maxCount: 5) == [2])
    }

    @Test func logTicksAreDecadesWithTwoAndFiveOnShortRanges() {
        #expect(Scale.log.ticks(in: 1...10_000, maxCount: 10) == [1, 10, 100, 1000, 10_000])
        #expect(Scale.log.ticks(in: 200...20_000, maxCount: 10) == [200, 500, 1000, 2000, 5000, 10_000, 20_000])
        // Too many decades for the room: every third, aligned on 10⁰.
        #expect(Scale.log.ticks(in: 1e-6...1e6, maxCount: 5) == [1e-6, 1e-3, 1, 1e3, 1e6])
        // Less than a decade: linear ticks, all positive.
        let narrow = Scale.log.ticks(in: 3...4, maxCount: 6)
        #expect(narrow.count >= 2 && narrow.allSatisfy { $0 >= 3 && $0 <= 4 })
        #expect(Scale.log.minorTicks(in: 1...100, maxCount: 10) == [3, 4, 6, 7, 8, 9, 30, 40, 60, 70, 80, 90])
        #expect(Scale.linear.minorTicks(in: 1...100, maxCount: 10).isEmpty)
    }

    @Test func niceDomainsReachTickValues() {
        #expect(Scale.linear.niceDomain(covering: 0.03...0.97, maxCount: 6) == 0...1)
        #expect(Scale.linear.niceDomain(covering: 0.31...2.1, maxCount: 6) == 0...2.5)
        #expect(Scale.log.niceDomain(covering: 256...16_384, maxCount: 8) == 200...20_000)
        #expect(Scale.log.niceDomain(covering: 3e-4...20, maxCount: 8) == 1e-4...100)
        let constant = Scale.linear.niceDomain(covering: 0.5...0.5, maxCount: 8)
        #expect(constant.lowerBound < 0.5 && constant.upperBound > 0.5)
        let zero = Scale.linear.niceDomain(covering: 0...0, maxCount: 8)
        #expect(zero.lowerBound <= -1 && zero.upperBound >= 1)
        let logConstant = Scale.log.niceDomain(covering: 3...3, maxCount: 8)
        #expect(logConstant.lowerBound < 3 && logConstant.upperBound > 3 && logConstant.lowerBound > 0)
    }

    @Test func tickLabelsAreShortAndConsistent() {
        #expect(TickLabels.labels(for: [0, 0.2, 0.4, 0.6, 0.8, 1], scale: .linear) == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
        #expect(TickLabels.labels(for: [0, 5000, 10_000, 15_000], scale: .linear) == ["0", "5k", "10k", "15k"])
        #expect(TickLabels.labels(for: [0, 1000, 2000], scale: .linear) == ["0", "1000", "2000"])
        #expect(TickLabels.labels(for: [200, 500, 1000, 20_000], scale: .log) == ["200", "500", "1k", "20k"])
        #expect(TickLabels.labels(for: [1e-4, 1e-2, 1, 100], scale: .log) == ["10⁻⁴", "10⁻²", "10⁰", "10²"])
        #expect(TickLabels.labels(for: [2e-4, 4e-4], scale: .linear) == ["2×10⁻⁴", "4×10⁻⁴"])
        #expect(TickLabels.labels(for: [-1, 0, 1], scale: .linear) == ["−1", "0", "1"])
    }

    @Test func axesMapValuesToPixels() {
        let linear = Axis(scale: .linear, domain: 0...10, start: 100, end: 300, ticks: [0, 5, 10])
        #expect(linear.pixel(for: 5) == 200)
        #expect(linear.pixel(for: 0) == 100)
        #expect(linear.pixel(for: .nan) == nil)
        #expect(linear.tickLabels == ["0", "5", "10"])
        let vertical = Axis(scale: .log, domain: 1...100, start: 200, end: 0, ticks: [1, 10, 100])
        #expect(abs(vertical.pixel(for: 10)! - 100) < 1e-9)
        #expect(vertical.pixel(for: 0) == nil)
        #expect(vertical.pixel(for: -3) == nil)
    }
}
