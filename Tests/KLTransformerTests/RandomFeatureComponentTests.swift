import Foundation
import KLTensor
import KLTestSupport
import Testing
@testable import KLTransformer

/// The component functions of the random-feature grid against their closed-form kernels (spec
/// random-features.md §6.1–6.3): Monte-Carlo means over independent Gaussian draws within four
/// standard errors of the target, the OPRF and SADERF closed forms, stabilisation and gradients.
@Suite struct RandomFeatureComponentTests {
    /// The spec's pair: x = (0.3, −0.2, 0.1, 0.4), y = (0.2, 0.1, −0.3, 0.25), already temperature-scaled.
    static let x: [Float] = [0.3, -0.2, 0.1, 0.4], y: [Float] = [0.2, 0.1, -0.3, 0.25]
    static let softmaxTarget = 1.116278, gaussianTarget = 0.868272

    /// φ_Q(x)ᵀφ_K(y) for one query and one key, without the stabilising shifts (minus s² for
    /// components with a smoothing constant, so the target is the kernel itself).
    static func estimate(_ component: any ComponentFunction, x: [Float], y: [Float], omega: Tensor) -> Double {
        let d = x.count
        let queries = Tensor(shape: [1, 1, 1, d], scalars: x), keys = Tensor(shape: [1, 1, 1, d], scalars: y)
        let statistics = SequenceStatistics(queries: queries, keys: keys, keyMask: nil)
        switch component.features(queries: queries, keys: keys, omega: omega, statistics: statistics, phases: nil) {
        case .logarithmic(let logQ, let logK):
            return zip(logQ.scalars, logK.scalars).reduce(0) { $0 + Foundation.exp(Double($1.0) + Double($1.1)) }
        case .direct(let phiQ, let phiK):
            let smoothing = (component as? TrigonometricComponent)?.smoothing ?? 0
            return zip(phiQ.scalars, phiK.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) } - Double(smoothing * smoothing)
        }
    }

    /// Mean and standard error of `draws` estimates with fresh Gaussian frequencies.
    static func monteCarlo(_ component: any ComponentFunction, frequencies: Int = 64, draws: Int = 4000, seed: UInt64) -> (mean: Double, error: Double) {
        var generator = RandomGenerator(seed: seed)
        var sum = 0.0, sumSquares = 0.0
        for _ in 0..<draws {
            let omega = GaussianFrequencies().omega(count: frequencies, dimension: 4, generator: &generator)
            let value = estimate(component, x: x, y: y, omega: omega)
            sum += value
            sumSquares += value * value
        }
        let mean = sum / Double(draws)
        return (mean, ((sumSquares / Double(draws) - mean * mean) / Double(draws - 1)).squareRoot())
    }

    @Test(arguments: RandomFeatureKernel.components.map(\.name))
    func monteCarloMeanIsTheKernel(name: String) throws {
        let component = try #require(RandomFeatureKernel.components.first { $0.name == name })
        let target = component.estimatedKernel == .softmax ? Self.softmaxTarget : Self.gaussianTarget
        let (mean, error) = Self.monteCarlo(component, seed: 7)
        #expect(abs(mean - target) <= 4 * error, "\(name): mean \(mean) ± \(error), kernel \(target)")
        // A scale error of 1 % would be far outside: the standard error is a few tenths of a percent.
        #expect(error / target < 0.004, "\(name): standard error \(error) too large to tell")
    }

    /// The relative spreads of spec §6.1 (d = 4, m = 64): the variance formulas hold, so the
    /// components are not merely unbiased but the estimators the spec describes.
    @Test func relativeSpreadsMatchTheSpec() {
        let expected: [(any ComponentFunction, Double)] = [
            (PositiveComponent(hyperbolic: false), 0.12867), (PositiveComponent(hyperbolic: true), 0.0653),
            (GeneralizedExponentialComponent(a: -0.1), 0.1098), (OptimalPositiveComponent(), 0.10843),
        ]
        for (component, relativeStandardDeviation) in expected {
            let (_, error) = Self.monteCarlo(component, seed: 11)
            let spread = error * Double(4000).squareRoot() / Self.softmaxTarget
            #expect(abs(spread / relativeStandardDeviation - 1) < 0.08, "\(component.name): relative std \(spread), spec \(relativeStandardDeviation)")
        }
    }

    /// OPRF's A* against the closed-form table of spec §6.2.
    @Test(arguments: [(4, 0.7225, -0.073581), (32, 0.01, -0.000156), (32, 1.0, -0.014798), (32, 10.0, -0.118268), (64, 64.0, -0.320194)])
    func optimalAMatchesTheTable(dimension: Int, spread: Double, expected: Double) {
        let a = ExponentialFeatures.optimalA(spread: Tensor(Float(spread)), dimension: dimension).item
        #expect(abs(Double(a) - expected) < 2e-6 + 1e-5 * abs(expected), "d = \(dimension), φ̄ = \(spread): A* = \(a)")
        #expect(ExponentialFeatures.optimalA(spread: Tensor(0), dimension: dimension).item == 0)
    }

    /// SADERF's Ψ* for queries {(2, 1), (0, 0)} and keys {(1, 2), (0, 0)}: ψ = (1/√2, √2) (spec §6.3),
    /// and a padded key is left out of the statistics.
    @Test func saderfBalancesQueriesAndKeys() {
        let queries = Tensor(shape: [1, 2, 1, 2], scalars: [2, 1, 0, 0])
        let keys = Tensor(shape: [1, 3, 1, 2], scalars: [1, 2, 0, 0, 50, 50])
        let statistics = SequenceStatistics(queries: queries, keys: keys, keyMask: Tensor(shape: [1, 3], scalars: [1, 1, 0]))
        #expect(statistics.keyMeanSquares(keys).scalars == [0.5, 2])
        #expect(statistics.queryMeanSquares(queries).scalars == [2, 0.5])      // queries: no mask (2 ≠ 3 positions)
        let psi = ((statistics.keyMeanSquares(keys) + 1e-12) / (statistics.queryMeanSquares(queries) + 1e-12)).sqrt().sqrt()
        expectClose(psi.scalars, [0.707107, 1.414214], tolerance: 1e-5)
    }

    /// SADERF on anisotropic queries and keys (spec §6.3: per-coordinate standard deviations
    /// 0.1…0.8 for the queries and the reverse for the keys, L = 60, m = 64): both estimators are
    /// unbiased over the 60 × 60 matrix, and SADERF's relative MSE is several times below OPRF's.
    @Test func saderfHasLessVarianceOnAnisotropicInputs() {
        let d = 16, l = 60
        var inputs = RandomGenerator(seed: 5)
        let scales = (0..<d).map { 0.1 + 0.7 * Float($0) / Float(d - 1) }
        let x = inputs.normal(count: l * d).enumerated().map { $0.element * scales[$0.offset % d] }
        let y = inputs.normal(count: l * d).enumerated().map { $0.element * scales[d - 1 - $0.offset % d] }
        let queries = Tensor(shape: [1, l, 1, d], scalars: x), keys = Tensor(shape: [1, l, 1, d], scalars: y)
        let statistics = SequenceStatistics(queries: queries, keys: keys, keyMask: nil)
        let exact = Tensor.matmul(queries.reshaped(to: [l, d]), keys.reshaped(to: [l, d]), transposeB: true).scalars.map { Foundation.exp(Double($0)) }
        var generator = RandomGenerator(seed: 3)
        let draws = 400
        var ratioSums: [String: Double] = [:], squaredErrors: [String: Double] = [:]
        for _ in 0..<draws {
            let omega = GaussianFrequencies().omega(count: 64, dimension: d, generator: &generator)
            for component in [OptimalPositiveComponent(), DenseExponentialComponent()] as [any ComponentFunction] {
                guard case .logarithmic(let logQ, let logK) = component.features(queries: queries, keys: keys, omega: omega,
                                                                                   statistics: statistics, phases: nil) else { continue }
                let estimate = Tensor.matmul(logQ.exp().reshaped(to: [l, 64]), logK.exp().reshaped(to: [l, 64]), transposeB: true).scalars
                for (value, target) in zip(estimate, exact) {
                    let ratio = Double(value) / target
                    ratioSums[component.name, default: 0] += ratio
                    squaredErrors[component.name, default: 0] += (ratio - 1) * (ratio - 1)
                }
            }
        }
        let pairs = Double(draws * l * l)
        for name in ["oprf", "saderf"] { #expect(abs(ratioSums[name]! / pairs - 1) < 0.02, "\(name): mean ratio \(ratioSums[name]! / pairs)") }
        let oprf = squaredErrors["oprf"]! / pairs, saderf = squaredErrors["saderf"]! / pairs
        #expect(saderf < 0.5 * oprf, "relative MSE: SADERF \(saderf), OPRF \(oprf)")
    }
}
