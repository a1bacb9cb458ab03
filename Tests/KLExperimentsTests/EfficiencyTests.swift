import Foundation
import KLTransformer
import Testing
@testable import KLExperiments

/// The efficiency measurement: tensor memory (deterministic, unlike time) grows quadratically in the
/// length for softmax and linearly for a feature-map kernel, and the figure shows the fitted slopes.
@Suite struct EfficiencyTests {
    static let lengths = [128, 256, 512, 1024]

    static func costs(_ kernel: Kernel) -> [AttentionCost] {
        lengths.map { AttentionCost.measure(kernel, length: $0, heads: 2, headDimension: 16, favorFeatures: 32, trials: 1) }
    }

    @Test func memorySlopesAreQuadraticForSoftmaxAndLinearForFAVOR() throws {
        let costs = Self.costs(.softmax) + Self.costs(.favor)
        #expect(costs.allSatisfy { ($0.seconds ?? -1) > 0 && ($0.peakBytes ?? -1) > 0 })
        let slopes = Dictionary(uniqueKeysWithValues: EfficiencyFigure.slopes(costs).map { ($0.kernel, $0.memory) })
        let softmax = try #require(slopes["softmax"] ?? nil), favor = try #require(slopes["FAVOR+"] ?? nil)
        #expect(softmax > 1.8 && softmax < 2.1, "softmax memory slope \(softmax)")
        #expect(favor > 0.9 && favor < 1.1, "FAVOR+ memory slope \(favor)")
        let svg = EfficiencyFigure.svg(costs, title: "test")
        #expect(svg.contains("softmax (slope") && svg.contains("FAVOR+ (slope"))
    }

    @Test func measurementsOverTheBudgetAreSkippedWithTheReason() {
        let cost = AttentionCost.measure(.softmax, length: 1 << 16, memoryBudget: 1e9)
        #expect(cost.seconds == nil && cost.peakBytes == nil)
        #expect(cost.skipped?.contains("GB") == true)
    }
}
