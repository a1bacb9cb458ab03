import Foundation
import KLTransformer
import Testing
@testable import KLExperiments

/// The efficiency measurement and figure. (Measured slopes are the experiment's result, not a test:
/// tensor memory is counted process-wide, and tests running beside this one would add to it.)
@Suite struct EfficiencyTests {
    @Test func slopesAreFittedOverTheLongestLengths() {
        // A fixed cost hides the growth at short lengths; the fit uses the four longest.
        let lengths = [64, 128, 256, 512, 1024, 2048]
        let costs = lengths.map { l in
            AttentionCost(kernel: "softmax", length: l, features: l, seconds: 1e-9 * Double(l * l) + (l == 64 ? 1 : 0), peakBytes: 4.0 * Double(l * l))
        } + lengths.map { l in
            AttentionCost(kernel: "FAVOR+", length: l, features: 64, seconds: 1e-6 * Double(l), peakBytes: 100.0 * Double(l))
        }
        let slopes = Dictionary(uniqueKeysWithValues: EfficiencyFigure.slopes(costs).map { ($0.kernel, ($0.time, $0.memory)) })
        #expect(abs((slopes["softmax"]?.0 ?? 0) - 2) < 1e-9 && abs((slopes["softmax"]?.1 ?? 0) - 2) < 1e-9)
        #expect(abs((slopes["FAVOR+"]?.0 ?? 0) - 1) < 1e-9 && abs((slopes["FAVOR+"]?.1 ?? 0) - 1) < 1e-9)
        let svg = EfficiencyFigure.svg(costs, title: "test")
        #expect(svg.contains("softmax (slope 2.00)") && svg.contains("FAVOR+ (slope 1.00)"))
    }

    @Test func aMeasurementTimesAndCountsOnePass() {
        let cost = AttentionCost.measure(.favor, length: 64, heads: 2, headDimension: 16, favorFeatures: 16, trials: 1)
        #expect((cost.seconds ?? -1) > 0 && (cost.peakBytes ?? -1) > 0 && cost.skipped == nil)
        #expect(cost.features == 16)
    }

    @Test func measurementsOverTheBudgetAreSkippedWithTheReason() {
        let cost = AttentionCost.measure(.softmax, length: 1 << 16, memoryBudget: 1e9)
        #expect(cost.seconds == nil && cost.peakBytes == nil)
        #expect(cost.skipped?.contains("GB") == true)
    }
}
