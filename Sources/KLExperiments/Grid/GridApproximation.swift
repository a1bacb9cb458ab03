import Foundation
import KLTensor
import KLTransformer

/// How well each kernel of the random-feature grid reproduces exact softmax attention on real
/// queries and keys (spec random-features.md §6.4): for every captured sequence and layer, the
/// relative error ‖A_φ V − A V‖_F / ‖A V‖_F of attention through the pair's features against
/// softmax attention, with the same values V (fixed Gaussian draws, since only the queries and keys
/// are captured), averaged over sequences, layers and independent frequency draws.
///
/// Pairs with the learned `gmm` source are skipped (untrained, they estimate an arbitrary kernel).
/// The Gaussian-kernel component (`trigrf`) estimates another kernel, so its error measures the
/// distance between Gaussian-kernel and softmax attention plus its noise; it is reported all the same.
public struct GridApproximation {
    /// One pair at one number of frequencies.
    public struct Row: Sendable {
        /// `component+source`.
        public let kernel: String
        /// Frequencies M.
        public let frequencies: Int
        /// Features per head at that M.
        public let features: Int
        /// Mean relative error over sequences, layers and draws.
        public let meanRelativeError: Double
        /// Standard error of that mean over the draws (0 with one draw).
        public let standardError: Double
        /// Whether the pair is unbiased for its component's kernel.
        public let unbiased: Bool
    }

    /// The measured rows, in the order of `kernels` × `frequencies`.
    public let rows: [Row]

    /// Measures `kernels` at each of `frequencies` over `capture`'s sequences, `draws` frequency
    /// draws each (seeded from `seed`).
    public init(capture: AttentionCapture, kernels: [RandomFeatureKernel], frequencies: [Int], draws: Int, seed: UInt64) {
        var valueGenerator = RandomGenerator(seed: seed ^ 0x5A5A)
        // Each layer's sequences as (1, n, H, d) queries and keys, with values and exact outputs.
        let blocks: [(queries: Tensor, keys: Tensor, values: Tensor, exact: Tensor)] = capture.layers.flatMap { layer in
            zip(layer.queries, layer.keys).map { queries, keys in
                let shape = [1] + queries.shape
                let q = queries.reshaped(to: shape), k = keys.reshaped(to: shape)
                let v = Tensor(shape: shape, scalars: valueGenerator.normal(count: queries.count))
                var context = ForwardContext(training: false)
                return (q, k, v, withoutGradients { SoftmaxAttention.attend(queries: q, keys: k, values: v, context: &context) })
            }
        }
        var rows: [Row] = []
        for kernel in kernels {
            for m in frequencies {
                guard let first = blocks.first else { continue }
                let d: Int = first.queries.shape[3]
                // A learned spectrum at its initial draw is an arbitrary kernel, not an estimate of softmax: skipped.
                guard !kernel.isLearned, kernel.source.refusal(count: m, dimension: d) == nil else { continue }
                var perDraw: [Double] = []
                for draw in 0..<draws {
                    let drawSeed: UInt64 = seed &+ UInt64(draw) &* 7919
                    let map = RandomFeatureMap(kernel: kernel, inputDimension: d, frequencyCount: m,
                                               randomness: FeatureRandomness(seed: drawSeed, policy: .never))
                    var total = 0.0
                    for block in blocks {
                        let approximate: Tensor = withoutGradients {
                            let noMask: Tensor? = nil
                            let (phiQ, phiK) = map.features(queries: block.queries, keys: block.keys, keyMask: noMask, training: false)
                            return LinearAttention.attend(queries: phiQ, keys: phiK, values: block.values)
                        }
                        total += Self.relativeError(approximate.scalars, block.exact.scalars)
                    }
                    perDraw.append(total / Double(max(blocks.count, 1)))
                }
                let mean: Double = perDraw.reduce(0, +) / Double(draws)
                var squares = 0.0
                for value in perDraw { squares += (value - mean) * (value - mean) }
                let variance: Double = draws > 1 ? squares / Double(draws - 1) : 0
                rows.append(Row(kernel: kernel.name, frequencies: m, features: kernel.featureCount(frequencies: m),
                                meanRelativeError: mean, standardError: (variance / Double(draws)).squareRoot(), unbiased: kernel.bias == nil))
            }
        }
        self.rows = rows
    }

    /// ‖a − b‖ / ‖b‖ (infinity when a holds a non-finite value).
    static func relativeError(_ a: [Float], _ b: [Float]) -> Double {
        var difference = 0.0, norm = 0.0
        for (x, y) in zip(a, b) {
            guard x.isFinite else { return .infinity }
            difference += Double(x - y) * Double(x - y)
            norm += Double(y) * Double(y)
        }
        return (difference / max(norm, .leastNormalMagnitude)).squareRoot()
    }

    /// A Markdown table: one row per pair, one column per number of frequencies (error ± s.e.).
    public func markdown() -> String {
        let counts = Array(Set(rows.map(\.frequencies))).sorted()
        var lines = ["| kernel | unbiased | " + counts.map { "M = \($0)" }.joined(separator: " | ") + " |",
                     "|---|---|" + counts.map { _ in "---|" }.joined()]
        var seen: [String] = []
        for row in rows where !seen.contains(row.kernel) { seen.append(row.kernel) }
        for kernel in seen {
            let cells = counts.map { m in
                rows.first { $0.kernel == kernel && $0.frequencies == m }
                    .map { String(format: "%.4f ± %.4f", $0.meanRelativeError, $0.standardError) } ?? "–"
            }
            let unbiased = rows.first { $0.kernel == kernel }?.unbiased == true ? "yes" : "no"
            lines.append("| \(kernel) | \(unbiased) | " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One CSV line per row, with a header.
    public func csv() -> String {
        (["kernel,frequencies,features,mean_relative_error,standard_error,unbiased"] + rows.map {
            "\($0.kernel),\($0.frequencies),\($0.features),\($0.meanRelativeError),\($0.standardError),\($0.unbiased)"
        }).joined(separator: "\n") + "\n"
    }
}
