import Foundation
import KLTensor
import KLTestSupport
import Testing
@testable import KLTransformer

/// The grid's feature map inside attention: names, stabilisation (shifts that cancel, finite at
/// large inputs), masked statistics, gradients, and convergence to softmax attention.
@Suite struct RandomFeatureMapTests {
    static func map(_ name: String, d: Int = 8, frequencies: Int? = nil, seed: UInt64 = 1) throws -> RandomFeatureMap {
        let kernel = try #require(RandomFeatureKernel(named: name))
        return RandomFeatureMap(kernel: kernel, inputDimension: d, frequencyCount: frequencies ?? kernel.defaultFrequencies(headDimension: d),
                                randomness: FeatureRandomness(seed: seed, policy: .never))
    }

    @Test func namesParseAndUnknownHalvesAreRefusedWithTheReason() throws {
        // Every pair is valid but the three components whose algebra needs Gaussian ω (and their
        // Gaussian-kernel versions) with the generator.
        #expect(RandomFeatureKernel.all.count == RandomFeatureKernel.components.count * RandomFeatureKernel.sources.count - 6)
        #expect(RandomFeatureKernel.components.count >= 5 && RandomFeatureKernel.sources.count >= 10)
        for component in ["gerf", "oprf", "saderf", "gerf-rbf", "oprf-rbf", "saderf-rbf"] {
            #expect(RandomFeatureKernel(named: "\(component)+generator") == nil)
            #expect(RandomFeatureKernel.refusal(forName: "\(component)+generator")?.contains("not a valid pair: \(component) assumes ω ~ N(0, I)") == true)
        }
        #expect(RandomFeatureKernel(named: "oprf+fastfood-learned")?.isLearned == true)
        // Every named random-feature kernel is placed on a valid pair, learned where it learns.
        for kernel in Kernel.allCases {
            guard let placement = kernel.gridPlacement else { #expect(kernel == .softmax || kernel == .elu); continue }
            let pair = try #require(RandomFeatureKernel(named: placement.pair), "\(kernel.rawValue) → \(placement.pair)")
            #expect(pair.isLearned == kernel.isLearned, "\(kernel.rawValue) → \(placement.pair)")
        }
        #expect(RandomFeatureKernel(named: "posrf+generator")?.learnsFrequencies == true)
        #expect(RandomFeatureKernel(named: "OPRF+ORF")?.name == "oprf+orf")
        #expect(RandomFeatureKernel(named: "posrf+qmc")?.bias == nil)
        #expect(RandomFeatureKernel(named: "oprf+sorf")?.bias?.contains("biased") == true)
        #expect(RandomFeatureKernel(named: "GMM-PRF") == nil && RandomFeatureKernel.refusal(forName: "GMM-PRF") == nil)
        #expect(RandomFeatureKernel.refusal(forName: "oprf+nope")?.contains("unknown frequency source 'nope'") == true)
        #expect(RandomFeatureKernel.refusal(forName: "xrf+orf")?.contains("unknown component 'xrf'") == true)
        let names = Set(RandomFeatureKernel.all.map(\.name))
        #expect(names.count == RandomFeatureKernel.all.count, "every pair has its own name")
        // Every pair's default number of frequencies can be drawn (moment matching needs M > d).
        for kernel in RandomFeatureKernel.all {
            for d in [8, 16, 64] {
                #expect(kernel.source.refusal(count: kernel.defaultFrequencies(headDimension: d), dimension: d) == nil, "\(kernel.name), d = \(d)")
            }
        }
    }

    /// Attention through the stabilised features equals attention through the unshifted exp(ℓ):
    /// the query and key shifts cancel (a per-key shift would not). Inputs small enough that the
    /// unshifted features neither overflow nor underflow.
    @Test(arguments: ["posrf+gaussian", "posrf-hyp+orf", "gerf+scrf", "oprf+qmc", "saderf+fastfood"])
    func shiftsCancelInAttention(name: String) throws {
        let map = try Self.map(name)
        var data = TestData(seed: 3)
        let q = data.tensor([2, 6, 2, 8], -0.8, 0.8), k = data.tensor([2, 6, 2, 8], -0.8, 0.8), v = data.tensor([2, 6, 2, 3])
        let mask = Tensor(shape: [2, 6], scalars: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0])
        let (phiQ, phiK) = map.features(queries: q, keys: k, keyMask: mask, training: false)
        let x = FeatureMath.scaled(q), y = FeatureMath.scaled(k)
        guard case .logarithmic(let logQ, let logK) = map.kernel.component.features(
            queries: x, keys: y, omega: map.omega, statistics: SequenceStatistics(queries: x, keys: y, keyMask: mask), phases: nil) else {
            Issue.record("\(name) is not exponential"); return
        }
        let stabilised = LinearAttention.attend(queries: phiQ, keys: phiK, values: v, keyMask: mask, denominatorGuard: DenominatorGuard(epsilon: 0, minimumMagnitude: 0))
        let plain = LinearAttention.attend(queries: logQ.exp(), keys: logK.exp(), values: v, keyMask: mask, denominatorGuard: DenominatorGuard(epsilon: 0, minimumMagnitude: 0))
        expectClose(stabilised.scalars, plain.scalars, tolerance: 1e-4)
    }

    /// Features stay finite (and the exponential ones positive and ≤ 1) for inputs of norm ~100,
    /// where exp(ωᵀx) alone would overflow.
    @Test(arguments: RandomFeatureKernel.components.map { "\($0.name)+orf" })
    func largeInputsGiveFiniteFeatures(name: String) throws {
        let map = try Self.map(name)
        var data = TestData(seed: 8)
        let q = data.tensor([1, 5, 2, 8], -40, 40), k = data.tensor([1, 5, 2, 8], -40, 40)
        let (phiQ, phiK) = map.features(queries: q, keys: k, keyMask: nil, training: false)
        #expect(phiQ.shape == [1, 5, 2, map.featureCount] && phiK.shape == [1, 5, 2, map.featureCount])
        let values: [Float] = phiQ.scalars + phiK.scalars
        #expect(values.allSatisfy { $0.isFinite }, "\(name)")
        if map.kernel.component.name != "trigrf" {
            #expect(values.allSatisfy { $0 >= 0 && $0 <= 1 }, "\(name)")
            let out = LinearAttention.attend(queries: phiQ, keys: phiK, values: data.tensor([1, 5, 2, 3])).scalars
            #expect(out.allSatisfy { $0.isFinite }, "\(name): attention output")
        }
    }

    /// Padded keys do not enter OPRF's and SADERF's statistics nor the key shift: changing them
    /// leaves the real tokens' features unchanged.
    @Test(arguments: ["oprf+gaussian", "saderf+gaussian", "posrf+gaussian"])
    func paddedKeysAreIgnored(name: String) throws {
        let map = try Self.map(name)
        var data = TestData(seed: 4)
        let q = data.tensor([1, 4, 1, 8]), k = data.tensor([1, 4, 1, 8])
        let mask = Tensor(shape: [1, 4], scalars: [1, 1, 1, 0])
        var edited = k.scalars
        for i in 24..<32 { edited[i] = 5 }
        let before = map.features(queries: q, keys: k, keyMask: mask, training: false)
        let after = map.features(queries: q, keys: Tensor(shape: [1, 4, 1, 8], scalars: edited), keyMask: mask, training: false)
        let real = 3 * map.featureCount
        expectClose(Array(after.keys.scalars.prefix(real)), Array(before.keys.scalars.prefix(real)), tolerance: 1e-6)
        expectClose(Array(after.queries.scalars.prefix(real)), Array(before.queries.scalars.prefix(real)), tolerance: 1e-6)
    }

    /// Finite-difference gradients of attention through every component (with padding), with
    /// respect to queries, keys and values. OPRF's A* and SADERF's Ψ*, a* carry no gradient by
    /// design (spec §2.4), so for them the check holds those statistics at their values for the
    /// unperturbed inputs (`FrozenStatistics`), which is the derivative the backward pass computes.
    @Test(arguments: RandomFeatureKernel.components.map { "\($0.name)+gaussian" })
    func gradientsFlowThroughEveryComponent(name: String) throws {
        let map = try Self.map(name, d: 4, frequencies: 6)
        var data = TestData(seed: 6)
        let q = data.tensor([2, 3, 2, 4], -0.7, 0.7, requiresGrad: true), k = data.tensor([2, 3, 2, 4], -0.7, 0.7, requiresGrad: true)
        let v = data.tensor([2, 3, 2, 2], requiresGrad: true)
        let mask = Tensor(shape: [2, 3], scalars: [1, 1, 1, 1, 1, 0])
        let frozen = FrozenStatistics(component: map.kernel.component, queries: FeatureMath.scaled(q), keys: FeatureMath.scaled(k), mask: mask)
        checkGradients([q, k, v], step: 5e-3) { inputs in
            let features: (queries: Tensor, keys: Tensor)
            if let logarithmic = frozen.logFeatures(FeatureMath.scaled(inputs[0]), FeatureMath.scaled(inputs[1]), omega: map.omega) {
                features = (logarithmic.0.exp(), logarithmic.1.exp())
            } else {
                features = map.features(queries: inputs[0], keys: inputs[1], keyMask: mask, training: false)
            }
            return LinearAttention.attend(queries: features.queries, keys: features.keys, values: inputs[2], keyMask: mask)
        }
    }

    /// A model configured with a grid name validates, builds one map per layer, and runs a
    /// forward and backward pass with finite values; too few frequencies for MM is refused by name.
    @Test func modelsBuildFromGridNames() throws {
        var configuration = EncoderConfiguration.preset(.tiny, vocabularySize: 12, maxLength: 20, classes: 3, kernel: "SADERF+QMC")
        try configuration.validate()
        #expect(try configuration.resolvedAttentionKernel().name == "saderf+qmc")
        let model = try SequenceClassifier(configuration: configuration, seed: 2)
        #expect(model.featureMaps.count == configuration.layers && model.featureMaps.allSatisfy { $0 is RandomFeatureMap })
        var context = ForwardContext(training: true, seed: 1)
        let logits = model(tokens: [1, 2, 3, 4, 5, 6, 6, 5, 4, 3, 0, 0], batch: 2, length: 6, lengths: [6, 4], context: &context)
        #expect(logits.shape == [2, 3] && logits.scalars.allSatisfy { $0.isFinite })
        try logits.sum().backward()
        #expect(model.parameters.allSatisfy { $0.tensor.grad?.scalars.allSatisfy { $0.isFinite } ?? true })
        configuration.kernel = "posrf+mm"
        configuration.featureDimensionsArgument = 4
        #expect { try configuration.validate() } throws: { "\($0)".contains("moment matching needs more frequencies than dimensions") }
        configuration.kernel = "oprf+nope"
        #expect { try configuration.validate() } throws: { "\($0)".contains("unknown frequency source 'nope'") }
    }

    /// With many frequencies, positive-feature attention approaches softmax attention (spec §6.4).
    @Test func manyFrequenciesApproachSoftmaxAttention() throws {
        var data = TestData(seed: 2)
        let q = data.tensor([1, 12, 1, 8], -0.6, 0.6), k = data.tensor([1, 12, 1, 8], -0.6, 0.6), v = data.tensor([1, 12, 1, 4])
        var context = ForwardContext(training: false)
        let exact = SoftmaxAttention.attend(queries: q, keys: k, values: v, context: &context)
        for name in ["posrf+orf", "oprf+orf", "saderf+mm"] {
            let map = try Self.map(name, frequencies: 4096)
            let (phiQ, phiK) = map.features(queries: q, keys: k, keyMask: nil, training: false)
            let approximate = LinearAttention.attend(queries: phiQ, keys: phiK, values: v)
            let worst = zip(approximate.scalars, exact.scalars).map { abs($0 - $1) }.max() ?? 0
            #expect(worst < 0.03, "\(name): largest difference from softmax attention \(worst)")
        }
    }
}

/// OPRF's and SADERF's data-chosen parameters computed once, from the unperturbed inputs, so a
/// finite-difference check measures the derivative at fixed parameters (what backward computes).
private struct FrozenStatistics {
    let a: Tensor?, psi: Tensor?
    /// Whether the component is a Gaussian-kernel version, whose log-features lose ½‖x‖² more.
    let gaussianVersion: Bool

    init(component: any ComponentFunction, queries: Tensor, keys: Tensor, mask: Tensor) {
        let statistics = SequenceStatistics(queries: queries, keys: keys, keyMask: mask)
        let base = (component as? GaussianKernelVersion)?.base ?? component
        gaussianVersion = component is GaussianKernelVersion
        switch base.name {
        case "oprf":
            psi = nil
            a = ExponentialFeatures.optimalA(spread: ExponentialFeatures.spread(queries, keys, statistics: statistics), dimension: 4)
        case "saderf":
            let psi = ((statistics.keyMeanSquares(keys) + 1e-12) / (statistics.queryMeanSquares(queries) + 1e-12)).sqrt().sqrt()
            self.psi = psi
            a = ExponentialFeatures.optimalA(spread: ExponentialFeatures.spread(queries * psi, keys / psi, statistics: statistics), dimension: 4)
        default:
            (a, psi) = (nil, nil)
        }
    }

    /// The log-features at the frozen parameters, or nil for components without data-chosen ones.
    func logFeatures(_ x: Tensor, _ y: Tensor, omega: Tensor) -> (Tensor, Tensor)? {
        guard let a else { return nil }
        let (queries, keys) = psi.map { (x * $0, y / $0) } ?? (x, y)
        func offset(_ z: Tensor) -> Tensor { gaussianVersion ? z.squared().sum(alongAxes: [-1], keepingDimensions: true) * -0.5 : Tensor(0) }
        return (ExponentialFeatures.logFeatures(queries, omega: omega, a: a) + offset(x),
                ExponentialFeatures.logFeatures(keys, omega: omega, a: a) + offset(y))
    }
}
