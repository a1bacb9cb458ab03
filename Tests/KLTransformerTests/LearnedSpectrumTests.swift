import Foundation
import KLTensor
import KLTestSupport
import Testing
@testable import KLTransformer

/// The learned GMM spectrum inside the grid (`COMPONENT+gmm`, spec random-features.md §4.2): every
/// component's Monte-Carlo mean is the learned kernel's closed form, OPRF lowers the spread of
/// PosRF's estimate of the same kernel, and gradients reach μ and σ.
@Suite struct LearnedSpectrumTests {
    static let x: [Float] = [0.3, -0.2, 0.1, 0.4], y: [Float] = [0.2, 0.1, -0.3, 0.25]
    static let mu: [Float] = [0.2, -0.1, 0.05, 0.3], logVariance: [Float] = [0.2, -0.4, 0.5, -0.1]

    /// The learned kernel at the test's μ and σ: exponential components estimate
    /// exp(μᵀz + ½zᵀΓz − ½‖x‖² − ½‖y‖²), TrigRF cos(μᵀΔ)·exp(−½ΔᵀΓΔ).
    static func closedForm(trigonometric: Bool, gaussianVersion: Bool = false) -> Double {
        let variance = logVariance.map { Foundation.exp(Double($0)) }
        var result = 0.0
        for j in 0..<4 {
            let (a, b, m) = (Double(x[j]), Double(y[j]), Double(mu[j]))
            result += trigonometric ? -0.5 * (a - b) * (a - b) * variance[j]
                                    : m * (a + b) + 0.5 * (a + b) * (a + b) * variance[j] - (gaussianVersion ? 1 : 0.5) * (a * a + b * b)
        }
        guard trigonometric else { return Foundation.exp(result) }
        let phase = (0..<4).reduce(0.0) { $0 + Double(mu[$1]) * Double(x[$1] - y[$1]) }
        return Foundation.cos(phase) * Foundation.exp(result)
    }

    /// A one-head map of `component+gmm` on d = 4 with the test's μ and σ.
    static func map(_ component: String, frequencies: Int = 64, seed: UInt64) throws -> RandomFeatureMap {
        let kernel = try #require(RandomFeatureKernel(named: "\(component)+gmm"))
        var generator = RandomGenerator(seed: 1)
        let map = RandomFeatureMap(kernel: kernel, inputDimension: 4, frequencyCount: frequencies, heads: 1, generator: &generator,
                                   randomness: FeatureRandomness(seed: seed, policy: .everyCall))
        let spectrum = try #require(map.spectrum as? LearnedGaussianSpectrum)
        spectrum.mean.assign(Tensor(shape: [1, 4], scalars: mu))
        spectrum.logVariance.assign(Tensor(shape: [1, 4], scalars: logVariance))
        return map
    }

    /// φ_Q(x)ᵀφ_K(y) without stabilisation (the map's features carry a per-query and a per-key-set
    /// factor, which a single pair cannot cancel), minus s² for TrigRF.
    static func estimate(_ map: RandomFeatureMap) -> Double {
        // The features are invariant to the scale 1/d^{1/4}: undo it so x, y are the scaled inputs.
        let unscale = Float(pow(4.0, 0.25))
        let queries = Tensor(shape: [1, 1, 1, 4], scalars: x.map { $0 * unscale }), keys = Tensor(shape: [1, 1, 1, 4], scalars: y.map { $0 * unscale })
        let spectrum = map.spectrum!
        let (tq, factorQ, phaseQ) = spectrum.transform(FeatureMath.scaled(queries), normPenalty: map.kernel.component.normPenalty)
        let (tk, factorK, phaseK) = spectrum.transform(FeatureMath.scaled(keys), normPenalty: map.kernel.component.normPenalty)
        switch map.kernel.component.features(queries: tq, keys: tk, omega: map.omega, statistics: SequenceStatistics(queries: tq, keys: tk, keyMask: nil),
                                             phases: (phaseQ, phaseK)) {
        case .logarithmic(let logQ, let logK):
            let shift = Double(factorQ.item) + Double(factorK.item)
            return zip(logQ.scalars, logK.scalars).reduce(0) { $0 + Foundation.exp(Double($1.0) + Double($1.1) + shift) }
        case .direct(let phiQ, let phiK):
            return zip(phiQ.scalars, phiK.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) } - 1
        }
    }

    static func monteCarlo(_ component: String, draws: Int = 4000) throws -> (mean: Double, error: Double) {
        let map = try Self.map(component, seed: 5)
        var sum = 0.0, squares = 0.0
        for _ in 0..<draws {
            map.redraw()
            let value = estimate(map)
            sum += value
            squares += value * value
        }
        let mean = sum / Double(draws)
        return (mean, ((squares / Double(draws) - mean * mean) / Double(draws - 1)).squareRoot())
    }

    @Test(arguments: RandomFeatureKernel.components.map(\.name))
    func monteCarloMeanIsTheLearnedKernel(component: String) throws {
        let target = Self.closedForm(trigonometric: component == "trigrf", gaussianVersion: component.hasSuffix("-rbf"))
        let (mean, error) = try Self.monteCarlo(component)
        #expect(abs(mean - target) <= 4 * error, "\(component)+gmm: mean \(mean) ± \(error), closed form \(target)")
        #expect(error / abs(target) < 0.005, "\(component)+gmm: standard error \(error) too large to tell")
    }

    /// OPRF-GMM estimates the same learned kernel as PosRF-GMM with a smaller spread (spec §6.1:
    /// 0.109 → 0.095 for its lower-triangular example).
    @Test func oprfLowersTheSpreadOfTheLearnedKernel() throws {
        let positive = try Self.monteCarlo("posrf"), optimal = try Self.monteCarlo("oprf")
        #expect(optimal.error < positive.error, "OPRF-GMM \(optimal.error), PosRF-GMM \(positive.error)")
    }

    /// Seeded queries and keys (1, 3, 2, 4) that need gradients, and linear attention through `map`
    /// with fixed values, as a function of the queries and keys: what the gradient checks differentiate.
    static func attentionProblem(_ map: RandomFeatureMap) -> (queries: Tensor, keys: Tensor, attention: (Tensor, Tensor) -> Tensor) {
        var data = TestData(seed: 6)
        let q = data.tensor([1, 3, 2, 4], -0.7, 0.7, requiresGrad: true), k = data.tensor([1, 3, 2, 4], -0.7, 0.7, requiresGrad: true)
        let v = data.tensor([1, 3, 2, 2])
        return (q, k, { queries, keys in
            let (phiQ, phiK) = map.features(queries: queries, keys: keys, keyMask: nil, training: false)
            return LinearAttention.attend(queries: phiQ, keys: phiK, values: v)
        })
    }

    /// Finite-difference gradients of attention with respect to μ, σ, queries and keys for the
    /// components without data-chosen parameters; OPRF and SADERF get finite, non-zero gradients.
    @Test(arguments: RandomFeatureKernel.components.map(\.name))
    func gradientsReachTheSpectrum(component: String) throws {
        let kernel = try #require(RandomFeatureKernel(named: "\(component)+gmm"))
        var generator = RandomGenerator(seed: 2)
        let map = RandomFeatureMap(kernel: kernel, inputDimension: 4, frequencyCount: 6, heads: 2, generator: &generator,
                                   randomness: FeatureRandomness(seed: 3, policy: .never))
        let spectrum = try #require(map.spectrum as? LearnedGaussianSpectrum)
        #expect(map.parameters.map(\.name) == ["mean", "logVariance"])
        let (q, k, attention) = Self.attentionProblem(map)
        if component.hasPrefix("oprf") || component.hasPrefix("saderf") {
            try attention(q, k).sum().backward()
            for tensor in [spectrum.mean, spectrum.logVariance, q, k] {
                let gradient = try #require(tensor.grad).scalars
                #expect(gradient.allSatisfy { $0.isFinite } && gradient.contains { $0 != 0 }, "\(component)+gmm")
            }
        } else {
            checkGradients([spectrum.mean, spectrum.logVariance, q, k], step: 5e-3) { inputs in attention(inputs[2], inputs[3]) }
        }
    }

    /// Finite-difference gradients of attention through the named kernels' spectra of the other two
    /// forms: GMM-RKS's full Σ per head, Gauss-RKS's shared one (TrigRF at ±μ), and hyperbolic
    /// GMM-PRF's one variance per head (pairs ±ω) — with respect to every parameter, queries and keys.
    @Test(arguments: [Kernel.gmmRKS, .gaussRKS, .gmmPRFHyperbolic])
    func gradientsReachTheNamedKernelsSpectra(kernel: Kernel) throws {
        var generator = RandomGenerator(seed: 2)
        let configuration = KernelConfiguration(kernel: .named(kernel), headDimension: 4, heads: 2, maxLength: 64,
                                                dimensionsArgument: 17, redraw: .never, seed: 3)
        let map = try #require(configuration.makeFeatureMap(generator: &generator) as? RandomFeatureMap)
        let parameters = map.parameters.map(\.tensor)
        #expect(parameters.count == 2)
        let (q, k, attention) = Self.attentionProblem(map)
        checkGradients(parameters + [q, k], step: 5e-3) { inputs in attention(inputs[2], inputs[3]) }
    }
}
