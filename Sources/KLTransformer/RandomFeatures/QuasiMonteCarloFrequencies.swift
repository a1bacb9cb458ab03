import Foundation
import KLTensor

/// Randomised quasi-Monte-Carlo frequencies (spec §3.7): the first m points of the Halton
/// sequence in (0, 1)^d (coordinate j the radical inverse in the j-th prime) with every digit
/// position of every coordinate passed through its own random digit permutation (scrambling, which
/// repairs the correlations of the higher coordinates), shifted by one uniform random vector
/// modulo 1 (Cranley–Patterson), mapped through Φ⁻¹ coordinate-wise. The shift makes every point
/// uniform on its own, so every frequency is exactly N(0, I_d); the low discrepancy of the set
/// lowers the error, most for small d.
///
/// Halton rather than scrambled Sobol' (the spec allows either): it needs no table of direction
/// numbers and works for any d. Its higher coordinates (large primes) are less uniform for small
/// m, so the gain shrinks as d grows.
public struct QuasiMonteCarloFrequencies: FrequencySource {
    /// A source of randomly shifted Halton frequencies.
    public init() {}

    public var name: String { "qmc" }
    public var summary: String { "scrambled, randomly shifted Halton points through Φ⁻¹ (exact marginals, low discrepancy)" }
    public var isMarginallyGaussian: Bool { true }

    public func frequencies(count: Int, dimension: Int, generator: inout RandomGenerator) -> [Float] {
        let primes = Self.primes(dimension)
        let scrambles = primes.map { base in (0..<Self.digits(count, base: base)).map { _ in generator.permutation(base) } }
        let shift = (0..<dimension).map { _ in generator.nextDouble() }
        var rows = [Float](repeating: 0, count: count * dimension)
        for l in 0..<count {
            for j in 0..<dimension {
                var t = Self.radicalInverse(l + 1, base: primes[j], scramble: scrambles[j]) + shift[j]
                if t >= 1 { t -= 1 }
                rows[l * dimension + j] = Float(Self.inverseNormal(min(max(t, 1e-15), 1 - 1e-15)))
            }
        }
        return rows
    }

    /// The first `count` primes.
    static func primes(_ count: Int) -> [Int] {
        var primes: [Int] = []
        var candidate = 2
        while primes.count < count {
            if primes.allSatisfy({ candidate % $0 != 0 || $0 * $0 > candidate }) { primes.append(candidate) }
            candidate += 1
        }
        return primes
    }

    /// Digits of the largest index, m, in `base`.
    static func digits(_ count: Int, base: Int) -> Int {
        var digits = 1, rest = count
        while rest >= base { rest /= base; digits += 1 }
        return digits
    }

    /// The van der Corput radical inverse of `index` in `base`: its digits mirrored after the
    /// point, digit k first mapped through `scramble[k]` when given (positions past the
    /// permutations are left as they are).
    static func radicalInverse(_ index: Int, base: Int, scramble: [[Int]] = []) -> Double {
        var result = 0.0, factor = 1 / Double(base), rest = index, position = 0
        while rest > 0 || position < scramble.count {
            let digit = rest % base
            result += Double(position < scramble.count ? scramble[position][digit] : digit) * factor
            rest /= base
            factor /= Double(base)
            position += 1
        }
        return result
    }

    /// Φ⁻¹(p) for p in (0, 1): Wichura's algorithm AS 241 (PPND16), about 1e-16 relative error.
    static func inverseNormal(_ p: Double) -> Double {
        let q = p - 0.5
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            let numerator = (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r
                + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
                + 133.14166789178437745) * r + 3.387132872796366608)
            let denominator = (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r
                + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
                + 42.313330701600911252) * r + 1)
            return q * numerator / denominator
        }
        var r = q < 0 ? p : 1 - p
        r = (-Foundation.log(r)).squareRoot()
        let value: Double
        if r <= 5 {
            r -= 1.6
            value = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
                + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                + 4.6303378461565452959) * r + 1.42343711074968357734)
                / (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
                + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                + 2.05319162663775882187) * r + 1)
        } else {
            r -= 5
            value = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r
                + 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                + 5.4637849111641143699) * r + 6.6579046435011037772)
                / (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
                + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
                + 0.59983220655588793769) * r + 1)
        }
        return q < 0 ? -value : value
    }
}
