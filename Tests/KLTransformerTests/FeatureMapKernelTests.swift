import Foundation
import KLTensor
import KLTestSupport
import Testing
@testable import KLTransformer

/// Each feature map's Monte-Carlo mean of φ(q)·φ(k) against its closed-form kernel (spec §6), and
/// the estimate's error shrinking as the feature count grows.
@Suite struct FeatureMapKernelTests {
    static let d = 16, heads = 2

    /// A query/key pair per head, (1, 1, H, d), with moderate norms.
    static func pair(seed: UInt64) -> (q: Tensor, k: Tensor) {
        var data = TestData(seed: seed)
        return (data.tensor([1, 1, heads, d], -0.5, 0.5), data.tensor([1, 1, heads, d], -0.5, 0.5))
    }

    /// φ(q)·φ(k) per head for the map's current draw (mixture maps: per component too, flattened).
    static func kernelEstimate(_ map: any FeatureMap, _ q: Tensor, _ k: Tensor, components: Int = 1) -> [Double] {
        let fq = map.features(q, isQuery: true, training: false).scalars
        let fk = map.features(k, isQuery: false, training: false).scalars
        let width = fq.count / (heads * components)
        return (0..<(heads * components)).map { slot in
            (0..<width).reduce(0.0) { $0 + Double(fq[slot * width + $1]) * Double(fk[slot * width + $1]) }
        }
    }

    /// Mean of the estimate over `draws` redraws.
    static func monteCarlo(_ map: any FeatureMap, _ q: Tensor, _ k: Tensor, draws: Int, components: Int = 1) -> [Double] {
        var total = [Double](repeating: 0, count: heads * components)
        for _ in 0..<draws {
            map.redraw()
            for (i, value) in kernelEstimate(map, q, k, components: components).enumerated() { total[i] += value }
        }
        return total.map { $0 / Double(draws) }
    }

    /// x̃ = x·d^{-1/4} of head h as Doubles.
    static func scaled(_ x: Tensor, head: Int) -> [Double] {
        let s = pow(Double(d), -0.25)
        return x.scalars[(head * d)..<((head + 1) * d)].map { Double($0) * s }
    }

    static func gaussian(_ q: Tensor, _ k: Tensor, head: Int) -> Double {
        let a = scaled(q, head: head), b = scaled(k, head: head)
        return exp(-0.5 * zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) })
    }

    static func randomness(_ seed: UInt64) -> FeatureRandomness { FeatureRandomness(seed: seed, policy: .never) }

    /// The named kernel's map as the catalog builds it, for official `n_dims` = `dimensions`, never redrawn by itself.
    static func named(_ kernel: Kernel, dimensions: Int, seed: UInt64) -> any FeatureMap {
        var generator = RandomGenerator(seed: seed)
        let configuration = KernelConfiguration(kernel: .named(kernel), headDimension: d, heads: heads, maxLength: 10_000,
                                                dimensionsArgument: dimensions, redraw: .never, seed: seed + 1)
        return configuration.makeFeatureMap(generator: &generator)!
    }

    /// A map of the grid pair of `component` and `source` with `frequencies` frequencies.
    static func pair(_ component: any ComponentFunction, _ source: any FrequencySource, frequencies: Int, seed: UInt64) -> RandomFeatureMap {
        RandomFeatureMap(kernel: RandomFeatureKernel(component: component, source: source), inputDimension: d, frequencyCount: frequencies,
                         randomness: randomness(seed))
    }

    @Test func eluIsExact() {
        let (q, k) = Self.pair(seed: 1)
        let map = EluFeatureMap(inputDimension: Self.d)
        let estimate = Self.kernelEstimate(map, q, k)
        for head in 0..<Self.heads {
            let a = q.scalars[(head * Self.d)..<((head + 1) * Self.d)], b = k.scalars[(head * Self.d)..<((head + 1) * Self.d)]
            let exact = zip(a, b).reduce(0.0) { total, pair in
                let f = { (x: Float) -> Double in x > 0 ? Double(x) + 1 : exp(Double(x)) }
                return total + f(pair.0) * f(pair.1)
            }
            #expect(abs(estimate[head] - exact) < 1e-4 * exact)
        }
    }

    @Test func randomFourierFeaturesEstimateTheGaussianKernelPlusSmoothing() {
        let (q, k) = Self.pair(seed: 2)
        let map = Self.named(.rff, dimensions: 257, seed: 3)
        let mc = Self.monteCarlo(map, q, k, draws: 100)
        for head in 0..<Self.heads { #expect(abs(mc[head] - (Self.gaussian(q, k, head: head) + 1)) < 0.01) }
    }

    @Test(arguments: [Kernel.favor, .gaussianPRF])
    func positiveRandomFeaturesEstimateTheirKernel(kernel: Kernel) {
        let (q, k) = Self.pair(seed: 4)
        let map = Self.named(kernel, dimensions: 256, seed: 5)
        let mc = Self.monteCarlo(map, q, k, draws: 100)
        for head in 0..<Self.heads {
            let a = Self.scaled(q, head: head), b = Self.scaled(k, head: head)
            let exact = kernel == .favor ? exp(zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }) : Self.gaussian(q, k, head: head)
            #expect(abs(mc[head] - exact) < 0.01 * exact, "head \(head): \(mc[head]) vs \(exact)")
        }
    }

    @Test func gmmPositiveMatchesItsClosedForm() {
        let (q, k) = Self.pair(seed: 6)
        let map = Self.named(.gmmPRF, dimensions: 256, seed: 7) as! RandomFeatureMap
        let mc = Self.monteCarlo(map, q, k, draws: 200)
        let spectrum = map.spectrum as! LearnedGaussianSpectrum
        let mu = spectrum.mean.scalars, sigma = spectrum.logVariance.scalars
        for head in 0..<Self.heads {
            let a = Self.scaled(q, head: head), b = Self.scaled(k, head: head)
            var exponent = -a.reduce(0) { $0 + $1 * $1 } - b.reduce(0) { $0 + $1 * $1 }
            for i in 0..<Self.d {
                let z = a[i] + b[i]
                exponent += Double(mu[head * Self.d + i]) * z + 0.5 * exp(Double(sigma[head * Self.d + i])) * z * z
            }
            let exact = exp(exponent)
            #expect(abs(mc[head] - exact) < 0.02 * exact, "head \(head): \(mc[head]) vs \(exact)")
        }
    }

    @Test(arguments: [false, true])
    func gmmFourierMatchesItsClosedForm(shared: Bool) {
        let (q, k) = Self.pair(seed: 9)
        var generator = RandomGenerator(seed: 10)
        // GMM-RKS's (Gauss-RKS's, shared) preset with n − 1 = 256 and s = 0.5: 64 frequencies at ±μ.
        let kernel = RandomFeatureKernel(component: TrigonometricComponent(smoothing: 0.5, nominalDimensions: 256, symmetricMean: true),
                                         source: LearnedSpectrumNoise(order: .byCoordinate, covariance: .full(sharedByHeads: shared)))
        let map = RandomFeatureMap(kernel: kernel, inputDimension: Self.d, frequencyCount: 64, heads: Self.heads, generator: &generator,
                                   randomness: Self.randomness(11))
        #expect(map.featureCount == 257)
        let spectrum = map.spectrum as! LearnedFullCovarianceSpectrum
        #expect(spectrum.mean.shape[0] == (shared ? 1 : Self.heads) && spectrum.isSharedByHeads == shared)
        // Scale the learned Σ up so the kernel is far from flat and the test is informative.
        spectrum.covarianceFactor.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] *= 20 } }
        spectrum.mean.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] *= 20 } }
        let mc = Self.monteCarlo(map, q, k, draws: 200)
        let sigma = spectrum.covarianceFactor.scalars, mu = spectrum.mean.scalars
        for head in 0..<Self.heads {
            let p = shared ? 0 : head
            let delta = zip(Self.scaled(q, head: head), Self.scaled(k, head: head)).map { $0 - $1 }
            // ΣΔ, then ½‖ΣΔ‖² = ½ΔᵀΣᵀΣΔ
            var quadratic = 0.0, phase = 0.0
            for row in 0..<Self.d {
                var dot = 0.0
                for col in 0..<Self.d { dot += Double(sigma[(p * Self.d + row) * Self.d + col]) * delta[col] }
                quadratic += dot * dot
                phase += Double(mu[p * Self.d + row]) * delta[row]
            }
            let exact = 2 * exp(-0.5 * quadratic) * cos(phase) + 0.25
            #expect(abs(mc[head] - exact) < 0.03, "head \(head): \(mc[head]) vs \(exact)")
        }
    }

    @Test func hyperbolicGMMMatchesItsClosedForm() {
        let (q, k) = Self.pair(seed: 12)
        let map = Self.named(.gmmPRFHyperbolic, dimensions: 256, seed: 13) as! RandomFeatureMap
        #expect(map.featureCount == 256)
        let spectrum = map.spectrum as! LearnedIsotropicSpectrum
        let mc = Self.monteCarlo(map, q, k, draws: 200)
        for head in 0..<Self.heads {
            let a = Self.scaled(q, head: head), b = Self.scaled(k, head: head)
            let z = zip(a, b).map { $0 + $1 }
            let mu = spectrum.mean.scalars[(head * Self.d)..<((head + 1) * Self.d)].map(Double.init)
            let variance = exp(Double(spectrum.logVariance.scalars[head]))
            let exact = cosh(zip(mu, z).reduce(0) { $0 + $1.0 * $1.1 })
                * exp(0.5 * variance * z.reduce(0) { $0 + $1 * $1 } - a.reduce(0) { $0 + $1 * $1 } - b.reduce(0) { $0 + $1 * $1 })
            #expect(abs(mc[head] - exact) < 0.02 * exact, "head \(head): \(mc[head]) vs \(exact)")
        }
    }

    @Test func mixtureComponentsEachMatchTheirClosedForm() {
        let (q, k) = Self.pair(seed: 15)
        var generator = RandomGenerator(seed: 16)
        let components = 3
        let map = GaussianMixtureAlaCarteFeatures(inputDimension: Self.d, heads: Self.heads, components: components,
                                                  nominalDimensions: 256, smoothing: 1, generator: &generator,
                                                  randomness: Self.randomness(17))
        let mc = Self.monteCarlo(map, q, k, draws: 200, components: components)
        for head in 0..<Self.heads {
            let delta = zip(Self.scaled(q, head: head), Self.scaled(k, head: head)).map { $0 - $1 }
            for c in 0..<components {
                var quadratic = 0.0, phase = 0.0
                for i in 0..<Self.d {
                    quadratic += exp(Double(map.logVariance.scalars[c * Self.d + i])) * delta[i] * delta[i]
                    phase += Double(map.mean.scalars[c * Self.d + i]) * delta[i]
                }
                let exact = 2 * exp(-0.5 * quadratic) * cos(phase) + 1
                #expect(abs(mc[head * components + c] - exact) < 0.03, "head \(head) component \(c)")
            }
        }
        let weights = map.mixtureWeights()!.scalars
        #expect(abs(weights.reduce(0, +) - 1) < 1e-6)
    }

    /// A map of `component` on one official-convention FastFood block (M = d) learning `learned`.
    static func officialFastFood(_ component: any ComponentFunction, learning learned: FastFoodDiagonalSet, seed: UInt64) -> RandomFeatureMap {
        var generator = RandomGenerator(seed: seed)
        let source = LearnedFastFoodFrequencies(learning: learned, convention: .official)
        return RandomFeatureMap(kernel: RandomFeatureKernel(component: component, source: source), inputDimension: d, frequencyCount: d,
                                heads: heads, generator: &generator, randomness: randomness(seed + 1))
    }

    @Test func fastFoodRandomEstimatesTheGaussianKernel() {
        let (q, k) = Self.pair(seed: 18)
        let trig = Self.named(.fastFoodRandom, dimensions: 2 * Self.d + 1, seed: 19)
        let positive = Self.officialFastFood(GaussianKernelVersion(of: PositiveComponent(hyperbolic: false)), learning: [], seed: 20)
        let trigMC = Self.monteCarlo(trig, q, k, draws: 400), positiveMC = Self.monteCarlo(positive, q, k, draws: 400)
        for head in 0..<Self.heads {
            let exact = Self.gaussian(q, k, head: head)
            #expect(abs(trigMC[head] - (exact + 1)) < 0.03, "RKS head \(head): \(trigMC[head]) vs \(exact + 1)")
            #expect(abs(positiveMC[head] - exact) < 0.05 * exact, "PRF head \(head): \(positiveMC[head]) vs \(exact)")
        }
    }

    @Test func fastFoodRowsHaveChiNormsWhenRandomAndTinyNormsWhenLearnedAtInit() {
        // Spec §6: random V rows ≈ √d in norm (7.98 measured); the learned N(0, 1/d) init gives rows of
        // norm |S_i|/√d, mean √(2/π)/d ≈ 0.0125 for d = 64 (0.0119 measured in the spec).
        let d = 64
        for (kernel, expected, tolerance) in [(Kernel.fastFoodRandom, Float(8), Float(0.4)),
                                              (.fastFoodPRF, Float((2 / Double.pi).squareRoot()) / 64, Float(0.003))] {
            var generator = RandomGenerator(seed: 22)
            let configuration = KernelConfiguration(kernel: .named(kernel), headDimension: d, heads: Self.heads, maxLength: 10_000,
                                                    redraw: .never, seed: 23)
            let map = configuration.makeFeatureMap(generator: &generator) as! RandomFeatureMap
            let omega = map.currentOmega(training: false)             // (d, M): column l is the row l of V
            #expect(omega.shape == [d, d])
            let values = omega.scalars
            let total = (0..<d).reduce(Float(0)) { sum, l in sum + (0..<d).reduce(Float(0)) { $0 + values[$1 * d + l] * values[$1 * d + l] }.squareRoot() }
            #expect(abs(total / Float(d) - expected) < tolerance, "\(kernel.rawValue): mean row norm \(total / Float(d))")
        }
    }

    @Test(arguments: [Kernel.generatorRKS, .generatorPRF])
    func generatorFeaturesMatchTheirGeneratedFrequencies(kernel: Kernel) {
        let (q, k) = Self.pair(seed: 24)
        let map = Self.named(kernel, dimensions: 129, seed: 25) as! RandomFeatureMap
        map.prepareForward(training: false)
        let model = map.learnedFrequencies as! GeneratedFrequencyModel
        let omega = model.network(model.noise, training: false).scalars            // (64, d)
        let estimate = Self.kernelEstimate(map, q, k)
        for head in 0..<Self.heads {
            let a = Self.scaled(q, head: head), b = Self.scaled(k, head: head)
            var exact = 0.0
            for i in 0..<64 {
                let w = omega[(i * Self.d)..<((i + 1) * Self.d)].map(Double.init)
                let uq = zip(w, a).reduce(0) { $0 + $1.0 * $1.1 }, uk = zip(w, b).reduce(0) { $0 + $1.0 * $1.1 }
                exact += kernel == .generatorPRF
                    ? exp(uq + uk - a.reduce(0) { $0 + $1 * $1 } - b.reduce(0) { $0 + $1 * $1 }) / 64
                    : cos(uq - uk) * 2 / 128
            }
            if kernel == .generatorRKS { exact += 1 }
            #expect(abs(estimate[head] - exact) < 1e-4 * max(1, abs(exact)), "head \(head): \(estimate[head]) vs \(exact)")
            #expect(omega.allSatisfy { abs($0) < 1 })
        }
    }

    @Test func estimationErrorShrinksWithMoreFeatures() {
        let (q, k) = Self.pair(seed: 27)
        func meanSquaredError(_ n: Int) -> Double {
            let map = Self.pair(GaussianKernelVersion(of: PositiveComponent(hyperbolic: true)), GaussianFrequencies(),
                                frequencies: n / 2, seed: 28)
            var total = 0.0
            for _ in 0..<200 {
                map.redraw()
                let estimate = Self.kernelEstimate(map, q, k)
                for head in 0..<Self.heads { total += pow(estimate[head] - Self.gaussian(q, k, head: head), 2) }
            }
            return total / 200
        }
        let small = meanSquaredError(16), large = meanSquaredError(256)
        // The variance falls as 1/m: 16× more features should cut it by far more than 4×.
        #expect(large < small / 4, "MSE with 16 features \(small), with 256 \(large)")
    }

    @Test func orthogonalFeaturesHaveLowerVarianceThanIndependentOnes() {
        let (q, k) = Self.pair(seed: 29)
        func variance(orthogonal: Bool) -> Double {
            let source: any FrequencySource = orthogonal ? OrthogonalFrequencies() : GaussianFrequencies()
            let map = Self.pair(TrigonometricComponent(smoothing: 0), source, frequencies: 16, seed: 30)
            var total = 0.0
            for _ in 0..<400 {
                map.redraw()
                let estimate = Self.kernelEstimate(map, q, k)
                for head in 0..<Self.heads { total += pow(estimate[head] - Self.gaussian(q, k, head: head), 2) }
            }
            return total / 400
        }
        let iid = variance(orthogonal: false), orthogonal = variance(orthogonal: true)
        #expect(orthogonal < 0.8 * iid, "orthogonal MSE \(orthogonal) vs i.i.d. \(iid)")
    }
}
