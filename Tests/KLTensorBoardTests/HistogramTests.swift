import Testing
import KLTensorBoard

@Suite struct HistogramTests {
    @Test func defaultBucketsAreTensorFlowsExponentialEdges() {
        let limits = Histogram.defaultBucketLimits
        #expect(limits.count == 1551)                          // 774 positive, 774 negative, 0, ±DBL_MAX
        #expect(limits.first == -Double.greatestFiniteMagnitude && limits.last == Double.greatestFiniteMagnitude)
        #expect(limits[775] == 0 && limits[776] == 1e-12 && limits[774] == -1e-12)
        #expect(zip(limits, limits.dropFirst()).allSatisfy { $0 < $1 })
        #expect(abs(limits[800] / limits[799] - 1.1) < 1e-12)
        #expect(limits[1549] < 1e20 && limits[1549] * 1.1 >= 1e20)
    }

    @Test func statisticsAndBuckets() {
        let values: [Float] = [-2, -2, 0, 0.5, 1, 1, 1, 10]
        let histogram = Histogram(values: values)
        #expect(histogram.count == 8 && histogram.minimum == -2 && histogram.maximum == 10)
        #expect(histogram.sum == 9.5 && histogram.sumOfSquares == 4 + 4 + 0.25 + 3 + 100)
        #expect(histogram.bucketCounts.reduce(0, +) == 8)
        #expect(histogram.bucketLimits.count == histogram.bucketCounts.count)
        #expect(zip(histogram.bucketLimits, histogram.bucketLimits.dropFirst()).allSatisfy { $0 < $1 })
        // No empty bucket at either end, and no two empty buckets in a row.
        #expect(histogram.bucketCounts.first! > 0 && histogram.bucketCounts.last! > 0)
        #expect(!zip(histogram.bucketCounts, histogram.bucketCounts.dropFirst()).contains { $0 == 0 && $1 == 0 })
        // Each value lies in [previous limit, limit) of its bucket: 1 is in the bucket whose edge is
        // the first default edge above 1, and that bucket's predecessor ends at the last edge ≤ 1.
        let limits = Histogram.defaultBucketLimits
        let above1 = limits.firstIndex { $0 > 1 }!
        let index = histogram.bucketLimits.firstIndex(of: limits[above1])!
        #expect(histogram.bucketCounts[index] == 3)
        #expect(histogram.bucketLimits[index - 1] == limits[above1 - 1])
        // 0 goes in [0, 1e-12).
        #expect(histogram.bucketCounts[histogram.bucketLimits.firstIndex(of: 1e-12)!] == 1)
    }

    @Test func nonFiniteValuesAreSkippedAndCounted() {
        let histogram = Histogram(values: [.nan, 1, .infinity, -.infinity, 3])
        #expect(histogram.count == 2 && histogram.skippedNonFiniteCount == 3)
        #expect(histogram.minimum == 1 && histogram.maximum == 3 && histogram.sum == 4)
        #expect(histogram.bucketCounts.reduce(0, +) == 2)
    }

    @Test func noFiniteValuesGivesAnEmptyHistogram() {
        let histogram = Histogram(values: [.nan])
        #expect(histogram.count == 0 && histogram.minimum == 0 && histogram.maximum == 0)
        #expect(histogram.bucketLimits.isEmpty && histogram.bucketCounts.isEmpty)
        #expect(Histogram(values: []).count == 0)
    }

    @Test func extremeFloatsLandInTheOutermostBuckets() {
        let histogram = Histogram(values: [Float.greatestFiniteMagnitude, -Float.greatestFiniteMagnitude])
        #expect(histogram.bucketLimits.last == Double.greatestFiniteMagnitude)
        #expect(histogram.bucketLimits.first == -Histogram.defaultBucketLimits[1549])
        #expect(histogram.bucketCounts.first == 1 && histogram.bucketCounts.last == 1)
    }
}
