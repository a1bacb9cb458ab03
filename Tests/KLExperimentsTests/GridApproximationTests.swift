import Foundation
import KLTensor
import KLTestSupport
import KLTransformer
import Testing
@testable import KLExperiments

/// `klt grid`'s measurement: errors against softmax attention fall as frequencies grow for an
/// unbiased pair, sizes a source cannot draw are skipped, and the table and CSV hold every row.
@Suite struct GridApproximationTests {
    static func capture() -> AttentionCapture {
        var data = TestData(seed: 12)
        let blocks = (0..<3).map { _ in (data.tensor([20, 2, 8], -0.6, 0.6), data.tensor([20, 2, 8], -0.6, 0.6)) }
        return AttentionCapture(layers: [AttentionCapture.Layer(queries: blocks.map(\.0), keys: blocks.map(\.1))],
                                sequenceLengths: [20, 20, 20])
    }

    @Test func errorsFallWithMoreFrequenciesAndEveryRowIsReported() throws {
        let kernels = ["posrf+orf", "oprf+gaussian", "posrf+mm"].compactMap { RandomFeatureKernel(named: $0) }
        let measured = GridApproximation(capture: Self.capture(), kernels: kernels, frequencies: [8, 512], draws: 3, seed: 4)
        // posrf+mm cannot draw 8 frequencies of dimension 8 (moment matching needs m > d): skipped.
        #expect(measured.rows.map { "\($0.kernel)@\($0.frequencies)" } == ["posrf+orf@8", "posrf+orf@512", "oprf+gaussian@8", "oprf+gaussian@512", "posrf+mm@512"])
        for name in ["posrf+orf", "oprf+gaussian"] {
            let few = try #require(measured.rows.first { $0.kernel == name && $0.frequencies == 8 })
            let many = try #require(measured.rows.first { $0.kernel == name && $0.frequencies == 512 })
            #expect(many.meanRelativeError < 0.5 * few.meanRelativeError, "\(name): \(few.meanRelativeError) → \(many.meanRelativeError)")
            #expect(many.meanRelativeError < 0.1 && many.standardError >= 0)
        }
        let table = measured.markdown()
        #expect(table.contains("| posrf+mm | no | – |") && table.contains("M = 512"))
        #expect(measured.csv().split(separator: "\n").count == 1 + measured.rows.count)
    }
}
