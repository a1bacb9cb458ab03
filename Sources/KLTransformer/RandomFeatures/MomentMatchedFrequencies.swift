import KLTensor

/// Moment-matched frequencies (spec §3.8): m Gaussian rows with their sample mean removed and
/// whitened by the Cholesky factor of their sample covariance (plus 10⁻⁶·I), so that their mean is
/// exactly 0 and their covariance ≈ I. The rows become slightly dependent (a bias of order 1/m) but
/// the variance drops sharply. Needs more frequencies than dimensions.
public struct MomentMatchedFrequencies: FrequencySource {
    /// A source of moment-matched frequencies.
    public init() {}

    public var name: String { "mm" }
    public var summary: String { "moment matching: Gaussian rows centred and whitened (small bias, m > d)" }
    public var isMarginallyGaussian: Bool { false }

    /// More frequencies than dimensions, so the sample covariance can be whitened.
    public func minimumCount(dimension: Int) -> Int { dimension + 1 }

    public func refusal(count: Int, dimension: Int) -> String? {
        count > dimension ? nil : "moment matching needs more frequencies than dimensions (m = \(count), d = \(dimension))"
    }

    public func frequencies(count m: Int, dimension d: Int, generator: inout RandomGenerator) -> [Float] {
        var rows = generator.normal(count: m * d).map(Double.init)
        for j in 0..<d {
            var mean = 0.0
            for l in 0..<m { mean += rows[l * d + j] }
            mean /= Double(m)
            for l in 0..<m { rows[l * d + j] -= mean }
        }
        // S = GᵀG/m + 1e-6·I and its lower Cholesky factor L (S = LLᵀ).
        var factor = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in 0...i {
                var s = 0.0
                for l in 0..<m { s += rows[l * d + i] * rows[l * d + j] }
                factor[i * d + j] = s / Double(m) + (i == j ? 1e-6 : 0)
            }
        }
        for j in 0..<d {
            var diagonal = factor[j * d + j]
            for k in 0..<j { diagonal -= factor[j * d + k] * factor[j * d + k] }
            let pivot = max(diagonal, 1e-12).squareRoot()
            factor[j * d + j] = pivot
            for i in (j + 1)..<d {
                var s = factor[i * d + j]
                for k in 0..<j { s -= factor[i * d + k] * factor[j * d + k] }
                factor[i * d + j] = s / pivot
            }
        }
        // W = G·L⁻ᵀ: each row w = L⁻¹g by forward substitution.
        var result = [Float](repeating: 0, count: m * d)
        var w = [Double](repeating: 0, count: d)
        for l in 0..<m {
            for i in 0..<d {
                var s = rows[l * d + i]
                for k in 0..<i { s -= factor[i * d + k] * w[k] }
                w[i] = s / factor[i * d + i]
                result[l * d + i] = Float(w[i])
            }
        }
        return result
    }
}
