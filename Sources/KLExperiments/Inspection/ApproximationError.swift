import Foundation
import KLCharts
import KLTensor
import KLTransformer

/// How well random features of a layer's trained distribution reproduce its kernel on the model's
/// own queries and keys: the relative error ‖φ(Q)φ(K)ᵀ − K_exact‖_F / ‖K_exact‖_F per head, summed
/// over the captured sequences (one Q·Kᵀ block each, as attention sees them), as the number of
/// frequencies M grows, averaged over independent redraws.
///
/// K_exact is the closed form where there is one (`ClosedFormKernel`), otherwise a Monte-Carlo
/// estimate with many more frequencies from an independent draw (its own error, about √(M/M_ref) of
/// the measured error, is then included in the numbers).
public struct ApproximationError {
    /// The frequency counts M, increasing.
    public var frequencies: [Int]
    /// errors[h][i]: the mean relative error of head h at frequencies[i].
    public var errors: [[Double]]
    /// spread[h][i]: the standard deviation of that error over the redraws.
    public var spread: [[Double]]
    /// Redraws averaged.
    public var redraws: Int
    /// What K_exact is.
    public var reference: String
    /// Per head, where the closed form gives it (GMM-PRF): F = Σ κ²·Var₁/κ² / Σ κ² over the captured
    /// pairs, Var₁ being one frequency's variance, so that the RMS error with M frequencies is √(F/M).
    public var varianceFactor: [Double]?

    /// The error of head `head` at `frequencies` = M, if measured.
    public func error(head: Int, frequencies m: Int) -> Double? {
        frequencies.firstIndex(of: m).map { errors[head][$0] }
    }

    /// The fitted exponent of error against M on log-log axes (−½ for an unbiased estimator whose
    /// variance falls like 1/M).
    public func slope(head: Int) -> Double? { LogLogFit.slope(x: frequencies.map(Double.init), y: errors[head]) }

    /// Measures the error of `estimator`'s kernel on `layer`'s captured queries and keys, for every
    /// supported count in `frequencies`, `redraws` times each; `seed` fixes every draw.
    public init(estimator: FeatureKernelEstimator, closedForm: ClosedFormKernel?, layer: AttentionCapture.Layer,
                frequencies: [Int], redraws: Int, referenceFrequencies: Int, seed: UInt64) {
        let heads = estimator.configuration.heads, d = estimator.configuration.headDimension
        let blocks = zip(layer.queries, layer.keys).map { ($0, $1) }
        // K_exact per block, (H, n, n') row-major, and Σ κ²·Var₁/κ² per head where the closed form gives Var₁
        var exact: [[Double]] = [], weightedVariance: [Double]? = closedForm == nil ? nil : [Double](repeating: 0, count: heads)
        for (index, (q, k)) in blocks.enumerated() {
            guard let closedForm else {
                exact.append(estimator.estimate(frequencies: referenceFrequencies, seed: seed ^ 0xEF1C_0000 ^ UInt64(index) << 20,
                                                queries: q, keys: k))
                continue
            }
            let qs = q.scalars.map(Double.init), ks = k.scalars.map(Double.init)
            var block: [Double] = []
            for h in 0..<heads {
                let qh = Self.head(qs, h, n: q.shape[0], heads: heads, d: d), kh = Self.head(ks, h, n: k.shape[0], heads: heads, d: d)
                let kernel = closedForm.matrix(queries: qh, keys: kh, dimension: d, head: h)
                block += kernel
                if let variance = closedForm.relativeVariance(queries: qh, keys: kh, dimension: d, head: h) {
                    weightedVariance?[h] += zip(kernel, variance).reduce(0) { $0 + $1.0 * $1.0 * $1.1 }
                } else {
                    weightedVariance = nil
                }
            }
            exact.append(block)
        }
        let exactNorms = (0..<heads).map { h in
            zip(blocks, exact).reduce(0.0) { total, pair in
                let size = pair.0.0.shape[0] * pair.0.1.shape[0]
                return total + pair.1[(h * size)..<((h + 1) * size)].reduce(0) { $0 + $1 * $1 }
            }
        }
        let counts = frequencies.filter(estimator.supports(frequencies:)).sorted()
        var errors = [[Double]](repeating: [], count: heads), spread = errors
        for m in counts {
            let perDraw = estimator.frequenciesPerDraw(m)
            let map = estimator.makeMap(frequencies: perDraw, seed: seed ^ (UInt64(m) &* 0x2545_F491_4F6C_DD1D))
            var samples = [[Double]](repeating: [], count: heads)
            for _ in 0..<max(redraws, 1) {
                let start = map.randomness                      // every block sees the same draw
                var squared = [Double](repeating: 0, count: heads)
                for (block, reference) in zip(blocks, exact) {
                    map.randomness = start
                    let estimate = estimator.estimate(map: map, queries: block.0, keys: block.1, draws: max(1, m / perDraw))
                    let size = block.0.shape[0] * block.1.shape[0]
                    for h in 0..<heads {
                        for i in (h * size)..<((h + 1) * size) { squared[h] += (estimate[i] - reference[i]) * (estimate[i] - reference[i]) }
                    }
                }
                for h in 0..<heads { samples[h].append((squared[h] / max(exactNorms[h], .leastNormalMagnitude)).squareRoot()) }
            }
            for h in 0..<heads {
                let mean = samples[h].reduce(0, +) / Double(samples[h].count)
                let variance = samples[h].count > 1
                    ? samples[h].reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(samples[h].count - 1) : 0
                errors[h].append(mean)
                spread[h].append(variance.squareRoot())
            }
        }
        self.frequencies = counts
        self.errors = errors
        self.spread = spread
        self.redraws = max(redraws, 1)
        varianceFactor = weightedVariance.map { zip($0, exactNorms).map { $0 / max($1, .leastNormalMagnitude) } }
        reference = closedForm.map { "the closed form \($0.formula)" }
            ?? "a Monte-Carlo estimate with \(referenceFrequencies) frequencies from an independent draw"
    }

    /// Head `h`'s rows of an (n, H, d) block, as n × d.
    static func head(_ x: [Double], _ h: Int, n: Int, heads: Int, d: Int) -> [Double] {
        var rows: [Double] = []
        rows.reserveCapacity(n * d)
        for i in 0..<n {
            let start = (i * heads + h) * d
            rows += x[start..<(start + d)]
        }
        return rows
    }
}
