import Foundation
import KLTensor
import KLTestSupport
import Testing
@testable import KLTransformer

/// Gradients through every learned spectral parameter, redraw semantics, the catalog, and numerical
/// safety of the positive maps.
@Suite struct FeatureMapBehaviourTests {
    static let (d, heads) = (8, 2)

    static func configuration(_ kernel: Kernel, seed: UInt64 = 3, redraw: RedrawPolicy? = nil) -> KernelConfiguration {
        KernelConfiguration(kernel: .named(kernel), headDimension: d, heads: heads, maxLength: 64, dimensionsArgument: nil,
                            redraw: redraw, seed: seed)
    }

    static func map(_ kernel: Kernel, seed: UInt64 = 3, redraw: RedrawPolicy? = nil) -> any FeatureMap {
        var generator = RandomGenerator(seed: 100)
        return configuration(kernel, seed: seed, redraw: redraw).makeFeatureMap(generator: &generator)!
    }

    static let learned: [Kernel] = Kernel.allCases.filter(\.isLearned)
    static let linear: [Kernel] = Kernel.allCases.filter { $0 != .softmax }

    @Test(arguments: learned)
    func gradientsReachEveryLearnedParameter(kernel: Kernel) {
        let map = Self.map(kernel, redraw: .never)
        #expect(!map.parameters.isEmpty, "\(kernel) reports no parameters")
        var data = TestData(seed: 1)
        let x = data.tensor([1, 3, Self.heads, Self.d], -0.5, 0.5, requiresGrad: true)
        let parameters = map.parameters.map(\.tensor)
        // Through φ alone (mixture weights act only in attention), then through a whole attention pass.
        let spectral = map.parameters.filter { $0.name != "mixtureLogits" }.map(\.tensor)
        checkGradients(spectral + [x], step: 1e-3, absolute: 1e-3, relative: 3e-2) { inputs in
            map.prepareForward(training: true)
            return map.features(inputs.last!, isQuery: true, training: true)
        }
        let layer = MultiHeadAttention(modelDimension: 6, heads: Self.heads, headDimension: Self.d, mechanism: .linear(map),
                                       generator: &Self.layerGenerator)
        let input = data.tensor([1, 4, 6])
        checkGradients(parameters, step: 1e-3, absolute: 1e-3, relative: 3e-2) { _ in
            var context = ForwardContext(training: true)
            return layer(input, context: &context)
        }
    }

    nonisolated(unsafe) static var layerGenerator = RandomGenerator(seed: 200)

    @Test func learnedParametersMoveUnderTraining() throws {
        // Spec §10 claim 3: the spectral parameters receive gradients and change.
        let map = Self.map(.gmmPRF)
        let before = map.parameters.map { $0.tensor.scalars }
        var data = TestData(seed: 2)
        let x = data.tensor([1, 5, Self.heads, Self.d])
        map.prepareForward(training: true)
        try map.features(x, isQuery: true, training: true).sum().backward()
        for (parameter, old) in zip(map.parameters, before) {
            let grad = try #require(parameter.tensor.grad)
            #expect(grad.scalars.contains { $0 != 0 }, "\(parameter.name) got a zero gradient")
            parameter.tensor.withUnsafeMutableBufferPointer { values in
                for i in values.indices { values[i] -= 0.1 * grad.scalars[i] }
            }
            #expect(parameter.tensor.scalars != old)
        }
    }

    @Test(arguments: linear)
    func redrawPolicyControlsTheDraws(kernel: Kernel) {
        var data = TestData(seed: 3)
        let x = data.tensor([1, 4, Self.heads, Self.d])
        func outputs(_ map: any FeatureMap, passes: Int, training: Bool = true) -> [[Float]] {
            (0..<passes).map { _ in
                map.prepareForward(training: training)
                return withoutGradients { map.features(x, isQuery: false, training: false).scalars }
            }
        }
        // Frozen: identical outputs.
        let frozen = outputs(Self.map(kernel, redraw: .never), passes: 3)
        #expect(frozen[0] == frozen[1] && frozen[1] == frozen[2])
        // The same seed reproduces the same sequence of draws.
        let firstRun = outputs(Self.map(kernel, seed: 9, redraw: .everyCall), passes: 3)
        let secondRun = outputs(Self.map(kernel, seed: 9, redraw: .everyCall), passes: 3)
        #expect(firstRun == secondRun)
        guard kernel != .elu else { return }
        // Every call: each pass differs.
        let fresh = outputs(Self.map(kernel, redraw: .everyCall), passes: 3)
        #expect(fresh[0] != fresh[1] && fresh[1] != fresh[2], "\(kernel): a redraw did not change φ")
        // Every 2 calls: passes 0,1 share a draw, 2 differs.
        let paired = outputs(Self.map(kernel, redraw: .every(2)), passes: 3)
        #expect(paired[0] == paired[1] && paired[1] != paired[2])
        // Frozen in evaluation: evaluation passes reuse the training draw.
        var config = Self.configuration(kernel, redraw: .everyCall)
        config.frozenInEvaluation = true
        var generator = RandomGenerator(seed: 100)
        let evalFrozen = config.makeFeatureMap(generator: &generator)!
        let trained = outputs(evalFrozen, passes: 1)
        let evaluated = outputs(evalFrozen, passes: 2, training: false)
        #expect(evaluated[0] == evaluated[1])
        // (The generator's φ also changes between training and evaluation through batch normalisation.)
        if kernel != .generatorRKS && kernel != .generatorPRF { #expect(trained[0] == evaluated[0]) }
    }

    @Test func eachLayerOwnsItsOwnFeatureMap() {
        var generator = RandomGenerator(seed: 4)
        let config = Self.configuration(.gmmPRF)
        let first = config.makeFeatureMap(generator: &generator)!, second = config.makeFeatureMap(generator: &generator)!
        #expect(first !== second)
        #expect(first.parameters[0].tensor !== second.parameters[0].tensor)
        #expect(first.parameters[0].tensor.scalars != second.parameters[0].tensor.scalars)
    }

    @Test(arguments: linear.filter { [.elu, .favor, .favorExp, .gaussianPRF, .gmmPRF, .fastFoodPRF, .generatorPRF, .gmmPRFHyperbolic].contains($0) })
    func positiveMapsStayFiniteForLargeInputs(kernel: Kernel) {
        let map = Self.map(kernel)
        var generator = RandomGenerator(seed: 5)
        let layer = MultiHeadAttention(modelDimension: 6, heads: Self.heads, headDimension: Self.d, mechanism: .linear(map),
                                       generator: &generator)
        for magnitude: Float in [10, 100, 1000] {
            var data = TestData(seed: 6)
            let x = data.tensor([2, 9, Self.heads, Self.d], -magnitude, magnitude)
            map.prepareForward(training: false)
            let phi = map.features(x, isQuery: true, training: false).scalars
            #expect(phi.allSatisfy { $0.isFinite && $0 >= 0 }, "\(kernel): non-finite or negative feature at |x| ≈ \(magnitude)")
            var context = ForwardContext(training: false)
            let out = layer.attend(queries: x, keys: x, values: x, keyMask: nil, context: &context).scalars
            #expect(out.allSatisfy { $0.isFinite }, "\(kernel): non-finite attention output at |x| ≈ \(magnitude)")
        }
    }

    /// The named kernels that are presets of the random-feature grid build the grid's own map, as
    /// the pair `klt kernels` names, with the named kernel's number of frequencies; the others keep
    /// their classes. (That presets keep their numbers is `CommittedCheckpointTests`' business.)
    @Test func presetsBuildTheGridsMap() throws {
        let presets = Kernel.allCases.filter { Self.configuration($0).gridPreset != nil }
        #expect(Set(presets) == Set(Kernel.allCases).subtracting([.softmax, .elu, .favorExp, .gmmMixture]))
        for kernel in presets {
            let preset = try #require(Self.configuration(kernel).gridPreset)
            let map = try #require(Self.map(kernel) as? RandomFeatureMap, "\(kernel) is not built as a grid map")
            #expect(map.kernel.name == kernel.gridPlacement?.pair)
            #expect(map.frequencyCount == preset.frequencies)
            #expect(map.kernel.isLearned == kernel.isLearned)
        }
        for kernel in Kernel.allCases where !presets.contains(kernel) && kernel != .softmax {
            #expect(!(Self.map(kernel) is RandomFeatureMap), "\(kernel) should keep its own class")
        }
    }

    @Test func catalogFollowsTheOfficialFeatureCounts() {
        // Spec §2.2, ListOps column (d = 64, H = 8, max_len 2001).
        func count(_ kernel: Kernel, preset: KernelPreset = .listOps, d: Int = 64, heads: Int = 8, maxLength: Int = 2001) -> Int {
            var generator = RandomGenerator(seed: 1)
            let config = KernelConfiguration(kernel: .named(kernel), headDimension: d, heads: heads, maxLength: maxLength, preset: preset, seed: 1)
            let map = config.makeFeatureMap(generator: &generator)!
            return map.featureCount * map.mixtureComponents
        }
        #expect(count(.gmmPRF) == 256)
        #expect(count(.gmmRKS) == 1025)
        #expect(count(.gmmRKS, preset: .text, heads: 4, maxLength: 4001) == 129)
        #expect(count(.gmmRKS, preset: .retrieval, d: 32, heads: 4, maxLength: 4001) == 257)
        #expect(count(.fastFoodRKS) == 129)
        #expect(count(.fastFoodPRF) == 64)
        #expect(count(.generatorRKS) == 513)
        #expect(count(.generatorPRF) == 127)
        #expect(count(.generatorPRF, d: 32, heads: 4) == 63)
        #expect(count(.favor) == 128)
        #expect(count(.rff) == 513)
        #expect(count(.gaussRKS) == 129)
        #expect(count(.gmmPRFHyperbolic) == 512)
        #expect(count(.gmmMixture, d: 64) == 32 * 1025)
        #expect(FeatureMath.powerOfTwoCast(266.17) == 256 && FeatureMath.powerOfTwoCast(110.90) == 128)
    }

    @Test func namesAndAliasesResolve() {
        #expect(Kernel(named: "GMM-PRF") == .gmmPRF)
        #expect(Kernel(named: "mix-gauss-positive") == .gmmPRF)
        #expect(Kernel(named: "fsgb-fastfood") == .fastFoodRKS)
        #expect(Kernel(named: "fsgb-positive-fastfood") == .fastFoodPRF)
        #expect(Kernel(named: "performer") == .favor)
        #expect(Kernel(named: "generative-positive") == .generatorPRF)
        #expect(Kernel(named: "no-such-kernel") == nil)
        for kernel in Kernel.allCases { #expect(Kernel(named: kernel.rawValue) == kernel && !kernel.summary.isEmpty) }
    }

    @Test func generatorBatchNormSwitchesBetweenBatchAndRunningStatistics() {
        let model = (Self.map(.generatorRKS) as! RandomFeatureMap).learnedFrequencies as! GeneratedFrequencyModel
        let noise = model.noise, network = model.network
        let statistics = network.normalizations[0].statistics
        let before = statistics.runningMean.scalars
        _ = withoutGradients { network(noise, training: false) }
        #expect(statistics.runningMean.scalars == before, "evaluation changed the running statistics")
        let trainingOutput = withoutGradients { network(noise, training: true) }.scalars
        #expect(statistics.runningMean.scalars != before, "training did not update the running statistics")
        let evaluationOutput = withoutGradients { network(noise, training: false) }.scalars
        #expect(trainingOutput != evaluationOutput)
    }
}
