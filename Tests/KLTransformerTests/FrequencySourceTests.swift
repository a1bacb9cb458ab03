import Foundation
import KLTensor
import KLTestSupport
import Testing
@testable import KLTransformer

/// The frequency sources of the random-feature grid (spec random-features.md §6.5–6.6): PosRF and
/// TrigRF estimates with each source's frequencies are unbiased (or biased by the spec's measured
/// amount), the variance-reducing sources reduce the variance, and each source has its structure.
@Suite struct FrequencySourceTests {
    static let d = 16, m = 64, draws = 2000
    /// x_k ∝ sin(k + 1), y_k ∝ cos(2k + 1), each of norm 0.6 (spec §6.5).
    static let x: [Double] = normalised((0..<16).map { Foundation.sin(Double($0 + 1)) })
    static let y: [Double] = normalised((0..<16).map { Foundation.cos(Double(2 * $0 + 1)) })

    static func normalised(_ v: [Double]) -> [Double] {
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return v.map { 0.6 * $0 / norm }
    }

    /// Estimates of SM (PosRF) and KG (TrigRF) over `draws` fresh draws, as ratios to the targets:
    /// mean, standard error and relative RMSE of each.
    struct Ratios { var positiveMean, positiveError, positiveRMSE, trigonometricMean, trigonometricError, trigonometricRMSE: Double }

    static func ratios(_ source: any FrequencySource, seed: UInt64 = 21) -> Ratios {
        let dot = zip(x, y).reduce(0) { $0 + $1.0 * $1.1 }
        let softmax = Foundation.exp(dot)
        let gaussian = Foundation.exp(-zip(x, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / 2)
        let halfNorms = (x.reduce(0) { $0 + $1 * $1 } + y.reduce(0) { $0 + $1 * $1 }) / 2
        var generator = RandomGenerator(seed: seed)
        var positive: [Double] = [], trigonometric: [Double] = []
        for _ in 0..<draws {
            let rows = source.frequencies(count: m, dimension: d, generator: &generator)
            var p = 0.0, t = 0.0
            for l in 0..<m {
                var wx = 0.0, wy = 0.0
                for k in 0..<d { wx += Double(rows[l * d + k]) * x[k]; wy += Double(rows[l * d + k]) * y[k] }
                p += Foundation.exp(wx + wy - halfNorms)
                t += Foundation.cos(wx - wy)
            }
            positive.append(p / Double(m) / softmax)
            trigonometric.append(t / Double(m) / gaussian)
        }
        func summary(_ values: [Double]) -> (Double, Double, Double) {
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
            let rmse = (values.reduce(0) { $0 + ($1 - 1) * ($1 - 1) } / Double(values.count)).squareRoot()
            return (mean, (variance / Double(values.count)).squareRoot(), rmse)
        }
        let (pm, pe, pr) = summary(positive), (tm, te, tr) = summary(trigonometric)
        return Ratios(positiveMean: pm, positiveError: pe, positiveRMSE: pr, trigonometricMean: tm, trigonometricError: te, trigonometricRMSE: tr)
    }

    /// The spec's measured means (PosRF, TrigRF; mean ± standard error) for the biased sources.
    static let measuredBias: [String: (positive: (Double, Double), trigonometric: (Double, Double))] = [
        "sorf": ((0.9942, 0.0016), (0.9909, 0.0002)),
        "mm": ((0.9981, 0.0004), (0.9971, 0.0002)),
        "sgq": ((0.9980, 0.0019), (1.0012, 0.0011)),
    ]

    /// Every source whose initial frequencies are meant to imitate N(0, I): all but the generator,
    /// whose law is whatever its network makes it (`LearnedFrequencyTests` checks it instead).
    static let imitatingSources = RandomFeatureKernel.sources.filter { $0.isMarginallyGaussian || !($0 is any LearnedFrequencySource) }

    @Test(arguments: imitatingSources.map(\.name))
    func estimatesAreUnbiasedOrBiasedAsMeasured(name: String) throws {
        let source = try #require(RandomFeatureKernel.sources.first { $0.name == name })
        let r = Self.ratios(source)
        if source.isMarginallyGaussian {
            #expect(abs(r.positiveMean - 1) <= 4 * r.positiveError, "\(name) PosRF: \(r.positiveMean) ± \(r.positiveError)")
            #expect(abs(r.trigonometricMean - 1) <= 4 * r.trigonometricError, "\(name) TrigRF: \(r.trigonometricMean) ± \(r.trigonometricError)")
        } else if let measured = Self.measuredBias[name] {
            func agrees(_ mean: Double, _ error: Double, _ spec: (Double, Double)) -> Bool {
                abs(mean - spec.0) <= 4 * (error * error + spec.1 * spec.1).squareRoot()
            }
            #expect(agrees(r.positiveMean, r.positiveError, measured.positive), "\(name) PosRF: \(r.positiveMean) ± \(r.positiveError), spec \(measured.positive)")
            #expect(agrees(r.trigonometricMean, r.trigonometricError, measured.trigonometric),
                    "\(name) TrigRF: \(r.trigonometricMean) ± \(r.trigonometricError), spec \(measured.trigonometric)")
        } else {
            #expect(abs(r.positiveMean - 1) < 0.03 && abs(r.trigonometricMean - 1) < 0.03, "\(name): \(r)")
        }
    }

    /// Sources that promise lower variance deliver it (spec §6.5 relative RMSEs, Gaussian: PosRF
    /// 0.120, TrigRF 0.071; ORF TrigRF 0.028; MM 0.028 / 0.014; QMC PosRF 0.045 with Sobol').
    @Test func structuredSourcesReduceTheVariance() {
        let gaussian = Self.ratios(GaussianFrequencies())
        #expect(abs(gaussian.positiveRMSE - 0.120) < 0.012 && abs(gaussian.trigonometricRMSE - 0.071) < 0.008, "\(gaussian)")
        let orthogonal = Self.ratios(OrthogonalFrequencies())
        #expect(orthogonal.trigonometricRMSE < 0.6 * gaussian.trigonometricRMSE, "ORF \(orthogonal.trigonometricRMSE)")
        let matched = Self.ratios(MomentMatchedFrequencies())
        #expect(matched.positiveRMSE < 0.4 * gaussian.positiveRMSE && matched.trigonometricRMSE < 0.4 * gaussian.trigonometricRMSE, "MM \(matched)")
        let quasi = Self.ratios(QuasiMonteCarloFrequencies())
        #expect(quasi.positiveRMSE < 0.8 * gaussian.positiveRMSE, "QMC \(quasi.positiveRMSE)")
    }

    @Test(arguments: RandomFeatureKernel.sources.map(\.name))
    func theSameSeedDrawsTheSameFrequencies(name: String) throws {
        let source = try #require(RandomFeatureKernel.sources.first { $0.name == name })
        var first = RandomGenerator(seed: 9), second = RandomGenerator(seed: 9), other = RandomGenerator(seed: 10)
        let a = source.frequencies(count: 40, dimension: 12, generator: &first)
        #expect(a.count == 40 * 12 && a.allSatisfy(\.isFinite))
        #expect(a == source.frequencies(count: 40, dimension: 12, generator: &second))
        #expect(a != source.frequencies(count: 40, dimension: 12, generator: &other))
    }

    /// Structure (spec §6.6): orthogonal blocks, SORF's W Wᵀ = d'·I, FastFood's χ row lengths, MM's
    /// zero mean and identity covariance, the quadrature law, the Halton radical inverse and Φ⁻¹.
    @Test func eachSourceHasItsStructure() {
        func rows(_ source: any FrequencySource, count: Int, dimension: Int, seed: UInt64 = 1) -> [[Double]] {
            var generator = RandomGenerator(seed: seed)
            let values = source.frequencies(count: count, dimension: dimension, generator: &generator).map(Double.init)
            return (0..<count).map { Array(values[($0 * dimension)..<(($0 + 1) * dimension)]) }
        }
        func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        let orthogonal = rows(OrthogonalFrequencies(), count: 16, dimension: 16)
        for i in 0..<16 { for j in 0..<i { #expect(abs(dot(orthogonal[i], orthogonal[j])) < 1e-4) } }
        let structured = rows(StructuredOrthogonalFrequencies(products: 3), count: 16, dimension: 16)
        for i in 0..<16 { for j in 0...i { #expect(abs(dot(structured[i], structured[j]) - (i == j ? 16 : 0)) < 1e-3) } }
        // FastFood: rows are exactly N(0, I) in law, so their mean length is E χ_16 = 3.938026.
        let fastFood = rows(FastFoodFrequencies(), count: 4096, dimension: 16)
        let meanLength = fastFood.reduce(0) { $0 + dot($1, $1).squareRoot() } / 4096
        #expect(abs(meanLength - 3.938026) < 0.04, "FastFood mean row length \(meanLength)")
        let matched = rows(MomentMatchedFrequencies(), count: 64, dimension: 8)
        for j in 0..<8 {
            #expect(abs(matched.reduce(0) { $0 + $1[j] }) < 1e-4)
            for k in 0..<8 { #expect(abs(matched.reduce(0) { $0 + $1[j] * $1[k] } / 64 - (j == k ? 1 : 0)) < 1e-4) }
        }
        #expect(MomentMatchedFrequencies().refusal(count: 8, dimension: 8) != nil)
        #expect(abs(QuadratureFrequencies.probabilities.reduce(0, +) - 0.5) < 1e-12)
        let nodes = Set(QuadratureFrequencies.nodes.flatMap { [Float($0), Float(-$0)] })
        #expect(rows(QuadratureFrequencies(), count: 50, dimension: 4).joined().allSatisfy { nodes.contains(Float($0)) })
        #expect(QuasiMonteCarloFrequencies.radicalInverse(5, base: 2) == 0.625)
        #expect(abs(QuasiMonteCarloFrequencies.radicalInverse(7, base: 3) - 5.0 / 9) < 1e-15)
        #expect(QuasiMonteCarloFrequencies.primes(6) == [2, 3, 5, 7, 11, 13])
        #expect(abs(QuasiMonteCarloFrequencies.inverseNormal(0.975) - 1.959963984540054) < 1e-12)
        #expect(abs(QuasiMonteCarloFrequencies.inverseNormal(1e-10) + 6.361340902404056) < 1e-9)
        #expect(QuasiMonteCarloFrequencies.inverseNormal(0.5) == 0)
    }
}
