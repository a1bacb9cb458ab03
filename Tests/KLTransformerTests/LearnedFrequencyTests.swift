import Foundation
import KLTensor
import KLTestSupport
import Testing
@testable import KLTransformer

/// The learned frequency sources of the grid, `fastfood-learned` and `generator` (spec
/// random-features.md §3.6, §3.10, §4.2): ω is exactly the matrix their parameters define (checked
/// against a by-hand computation in Double), the map applies every valid component to that ω as it
/// does to fixed frequencies, gradients reach every parameter, and the same seed gives the same ω.
@Suite struct LearnedFrequencyTests {
    /// A source that hands out given rows, to build the fixed-frequency map a learned one must equal.
    struct GivenFrequencies: FrequencySource {
        let rows: [Float]
        var name: String { "given" }
        var summary: String { "test rows" }
        var isMarginallyGaussian: Bool { true }
        func frequencies(count: Int, dimension: Int, generator: inout RandomGenerator) -> [Float] { rows }
    }

    /// The (d, M) tensor as M rows of d numbers.
    static func rows(_ omega: Tensor) -> [Double] {
        let (d, m) = (omega.shape[0], omega.shape[1])
        let values = omega.scalars
        return (0..<m).flatMap { l in (0..<d).map { Double(values[$0 * m + l]) } }
    }

    /// V = (1/√d')·S H G Π H B per block with the model's diagonals and permutations, in Double with
    /// an explicit Sylvester–Hadamard matrix; the first `count` rows of the first `dimension` columns.
    static func fastFoodRows(_ model: LearnedFastFoodModel) -> [Double] {
        let size = model.blockSize
        func hadamard(_ i: Int, _ j: Int) -> Double { (i & j).nonzeroBitCount % 2 == 0 ? 1 : -1 }
        let (s, g, b, p) = (model.scale.scalars, model.gaussian.scalars, model.signs.scalars, model.permutations.scalars)
        var rows: [Double] = []
        for block in 0..<model.blocks {
            let o = block * size
            for i in 0..<size where rows.count < model.count * model.dimension {
                for j in 0..<model.dimension {
                    // (H G Π H B)_ij = Σ_k H_ik G_k (H B)_{π(k) j} = Σ_k H_ik G_k H_{π(k) j} B_j.
                    var sum = 0.0
                    for k in 0..<size { sum += hadamard(i, k) * Double(g[o + k]) * hadamard(Int(p[o + k]), j) * Double(b[o + j]) }
                    rows.append(Double(s[o + i]) * sum / Double(size).squareRoot())
                }
            }
        }
        return rows
    }

    /// The generator network's output g(ε) in evaluation mode, by hand: each hidden layer
    /// x·W + b, batch normalisation with the running statistics, leaky ReLU(0.01); then tanh(x·W + b).
    static func generatedRows(_ model: GeneratedFrequencyModel) -> [Double] {
        let network = model.network
        var inputs = model.noise.scalars.map(Double.init), width = model.noise.shape[1]
        func affine(_ x: [Double], _ layer: Linear, inputs: Int) -> [Double] {
            let (w, bias) = (layer.weight.scalars, layer.bias!.scalars)
            let outputs = bias.count
            return (0..<(x.count / inputs)).flatMap { row in
                (0..<outputs).map { o in (0..<inputs).reduce(Double(bias[o])) { $0 + x[row * inputs + $1] * Double(w[$1 * outputs + o]) } }
            }
        }
        for (layer, norm) in zip(network.hidden, network.normalizations) {
            let h = affine(inputs, layer, inputs: width)
            width = norm.gamma.count
            let (mean, variance) = (norm.statistics.runningMean.scalars, norm.statistics.runningVariance.scalars)
            let (gamma, beta) = (norm.gamma.scalars, norm.beta.scalars)
            inputs = h.enumerated().map { index, value in
                let f = index % width
                let normalised = (value - Double(mean[f])) / (Double(variance[f]) + Double(norm.statistics.epsilon)).squareRoot() * Double(gamma[f]) + Double(beta[f])
                return normalised > 0 ? normalised : 0.01 * normalised
            }
        }
        return affine(inputs, network.output, inputs: width).map { Foundation.tanh($0) }
    }

    static func map(_ name: String, d: Int, frequencies: Int, seed: UInt64 = 4) throws -> RandomFeatureMap {
        let kernel = try #require(RandomFeatureKernel(named: name))
        var generator = RandomGenerator(seed: 2)
        return RandomFeatureMap(kernel: kernel, inputDimension: d, frequencyCount: frequencies, heads: 2, generator: &generator,
                                randomness: FeatureRandomness(seed: seed, policy: .never))
    }

    /// d = 12 pads to blocks of 16; 40 frequencies take three blocks, the last one cut.
    @Test func fastFoodLearnedIsTheMatrixOfItsDiagonals() throws {
        let map = try Self.map("posrf+fastfood-learned", d: 12, frequencies: 40)
        let model = try #require(map.learnedFrequencies as? LearnedFastFoodModel)
        #expect(model.blocks == 3 && model.blockSize == 16)
        #expect(map.parameters.map(\.name) == ["frequencies.scale", "frequencies.gaussian", "frequencies.signs"])
        #expect(map.buffers.map(\.name) == ["frequencies.permutations"])
        // Away from the initial draw, so the check does not rely on S = χ/‖G‖ or B = ±1.
        var data = TestData(seed: 12)
        for tensor in [model.scale, model.gaussian, model.signs] { tensor.assign(data.tensor(tensor.shape, -1.5, 1.5)) }
        let omega = map.currentOmega(training: true)
        #expect(omega.shape == [12, 40])
        expectClose(Self.rows(omega).map(Float.init), Self.fastFoodRows(model).map(Float.init), tolerance: 1e-4)
        // Redrawing renews Π only.
        let before = model.permutations.scalars, scale = model.scale.scalars
        map.redraw()
        #expect(model.permutations.scalars != before && model.scale.scalars == scale)
        expectClose(Self.rows(map.currentOmega(training: true)).map(Float.init), Self.fastFoodRows(model).map(Float.init), tolerance: 1e-4)
    }

    /// FastFood-S, the preset learning only S (official convention): S is the one parameter, G and B
    /// are drawn buffers that a redraw renews with Π, and ω is still the matrix of the diagonals in use.
    @Test func fastFoodLearningOnlyTheScaleRedrawsTheOtherDiagonals() throws {
        var generator = RandomGenerator(seed: 3)
        let configuration = KernelConfiguration(kernel: .named(.fastFoodLearnedScale), headDimension: 16, heads: 2, maxLength: 64,
                                                redraw: .never, seed: 4)
        let map = try #require(configuration.makeFeatureMap(generator: &generator) as? RandomFeatureMap)
        let model = try #require(map.learnedFrequencies as? LearnedFastFoodModel)
        #expect(model.blocks == 1 && model.count == 16)
        #expect(map.parameters.map(\.name) == ["frequencies.scale"])
        #expect(map.buffers.map(\.name) == ["frequencies.permutations", "frequencies.drawnGaussian", "frequencies.drawnSigns"])
        #expect(model.signs.scalars.allSatisfy { $0 == 1 || $0 == -1 })
        #expect(map.legacyTensorNames["frequencies.permutations"] == "permutation" && map.legacyTensorNames["frequencies.scale"] == "scale")
        let (scale, gaussian, signs) = (model.scale.scalars, model.gaussian.scalars, model.signs.scalars)
        map.redraw()
        #expect(model.scale.scalars == scale && model.gaussian.scalars != gaussian && model.signs.scalars != signs)
        expectClose(Self.rows(map.currentOmega(training: true)).map(Float.init), Self.fastFoodRows(model).map(Float.init), tolerance: 1e-4)
    }

    @Test func generatorFrequenciesAreTheNetworksOutput() throws {
        let map = try Self.map("trigrf+generator", d: 8, frequencies: 10)
        let model = try #require(map.learnedFrequencies as? GeneratedFrequencyModel)
        #expect(map.buffers.map(\.name) == ["frequencies.noise", "frequencies.generator.norm.0.runningMean", "frequencies.generator.norm.0.runningVariance"])
        let omega = map.currentOmega(training: false)
        #expect(omega.shape == [8, 10] && omega.scalars.allSatisfy { abs($0) < 1 })
        expectClose(Self.rows(omega).map(Float.init), Self.generatedRows(model).map(Float.init), tolerance: 1e-4)
    }

    /// Every valid pair with a learned source computes exactly the features of the same component
    /// with the learned ω handed over as fixed rows (whose oracles `RandomFeatureMapTests` and
    /// `RandomFeatureComponentTests` check), queries and keys with a mask.
    @Test(arguments: RandomFeatureKernel.all.filter(\.learnsFrequencies).map(\.name))
    func componentsSeeTheLearnedFrequencies(name: String) throws {
        let (d, m) = (8, 12)
        let map = try Self.map(name, d: d, frequencies: m)
        let omega = withoutGradients { map.currentOmega(training: false) }
        let fixed = RandomFeatureKernel(component: map.kernel.component, source: GivenFrequencies(rows: Self.rows(omega).map(Float.init)))
        let reference = RandomFeatureMap(kernel: fixed, inputDimension: d, frequencyCount: m, randomness: FeatureRandomness(seed: 1, policy: .never))
        var data = TestData(seed: 5)
        let q = data.tensor([2, 5, 2, d], -0.8, 0.8), k = data.tensor([2, 5, 2, d], -0.8, 0.8)
        let mask = Tensor(shape: [2, 5], scalars: [1, 1, 1, 1, 1, 1, 1, 1, 0, 0])
        let learned = map.features(queries: q, keys: k, keyMask: mask, training: false)
        let given = reference.features(queries: q, keys: k, keyMask: mask, training: false)
        expectClose(learned.queries.scalars, given.queries.scalars, tolerance: 1e-5)
        expectClose(learned.keys.scalars, given.keys.scalars, tolerance: 1e-5)
    }

    /// Finite differences of attention with respect to every learned frequency parameter (the
    /// data-chosen A* and Ψ* depend on the inputs only, so they hold still), for every valid pair;
    /// the generator in training mode, through its batch normalisation.
    @Test(arguments: RandomFeatureKernel.all.filter(\.learnsFrequencies).map(\.name))
    func gradientsReachEveryFrequencyParameter(name: String) throws {
        let map = try Self.map(name, d: 4, frequencies: 6)
        var data = TestData(seed: 7)
        let q = data.tensor([1, 4, 2, 4], -0.7, 0.7), k = data.tensor([1, 4, 2, 4], -0.7, 0.7), v = data.tensor([1, 4, 2, 2])
        let parameters = map.parameters.map(\.tensor)
        #expect(!parameters.isEmpty)
        checkGradients(parameters, step: 5e-3, samples: 12) { _ in
            let (phiQ, phiK) = map.features(queries: q, keys: k, keyMask: nil, training: true)
            return LinearAttention.attend(queries: phiQ, keys: phiK, values: v)
        }
    }

    @Test(arguments: ["oprf+fastfood-learned", "posrf+generator"])
    func theSameSeedGivesTheSameFrequencies(name: String) throws {
        let a = try Self.map(name, d: 8, frequencies: 16), b = try Self.map(name, d: 8, frequencies: 16)
        let c = try Self.map(name, d: 8, frequencies: 16, seed: 5)
        let omega = a.currentOmega(training: false).scalars
        #expect(omega == b.currentOmega(training: false).scalars)
        #expect(omega != c.currentOmega(training: false).scalars, "the map's seed draws Π or ε")
    }

    /// Large inputs give finite features with learned frequencies too (the log-domain shifts).
    @Test(arguments: ["oprf+fastfood-learned", "saderf+fastfood-learned", "posrf+generator", "trigrf+generator"])
    func largeInputsStayFinite(name: String) throws {
        let map = try Self.map(name, d: 8, frequencies: 16)
        var data = TestData(seed: 9)
        let q = data.tensor([1, 6, 2, 8], -40, 40), k = data.tensor([1, 6, 2, 8], -40, 40)
        let (phiQ, phiK) = map.features(queries: q, keys: k, keyMask: nil, training: true)
        #expect(phiQ.scalars.allSatisfy(\.isFinite) && phiK.scalars.allSatisfy(\.isFinite))
    }
}
