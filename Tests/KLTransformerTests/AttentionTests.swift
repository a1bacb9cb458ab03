import Foundation
import KLTensor
import KLTestSupport
import Testing
@testable import KLTransformer

/// Linear, causal, recurrent and softmax attention against their explicit quadratic formulas, and
/// their gradients.
@Suite struct AttentionTests {
    /// D⁻¹(φQ φKᵀ ⊙ mask)V computed with plain loops in Double; `causal` adds the j ≤ i mask.
    static func explicitAttention(_ q: Tensor, _ k: Tensor, _ v: Tensor, keyMask: Tensor?, causal: Bool,
                                  epsilon: Double = 1e-6) -> [Float] {
        let (n, l, h, m) = (q.shape[0], q.shape[1], q.shape[2], q.shape[3])
        let s = k.shape[1], dv = v.shape[3]
        let qv = q.scalars, kv = k.scalars, vv = v.scalars, mask = keyMask?.scalars
        var out = [Float](repeating: 0, count: n * l * h * dv)
        for b in 0..<n { for i in 0..<l { for head in 0..<h {
            var numerator = [Double](repeating: 0, count: dv), denominator = 0.0
            for j in 0..<s where (mask?[b * s + j] ?? 1) != 0 && (!causal || j <= i) {
                var weight = 0.0
                for f in 0..<m { weight += Double(qv[((b * l + i) * h + head) * m + f]) * Double(kv[((b * s + j) * h + head) * m + f]) }
                denominator += weight
                for c in 0..<dv { numerator[c] += weight * Double(vv[((b * s + j) * h + head) * dv + c]) }
            }
            for c in 0..<dv { out[((b * l + i) * h + head) * dv + c] = Float(numerator[c] / (denominator + epsilon)) }
        } } }
        return out
    }

    static let padding = Tensor(shape: [2, 7], scalars: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0])

    @Test func nonCausalEqualsExplicitFormulaWithPadding() {
        var data = TestData(seed: 1)
        let q = data.tensor([2, 5, 3, 4], 0.1, 1), k = data.tensor([2, 7, 3, 4], 0.1, 1), v = data.tensor([2, 7, 3, 6])
        for mask in [nil, Self.padding] {
            let out = LinearAttention.attend(queries: q, keys: k, values: v, keyMask: mask, denominatorGuard: .official)
            #expect(out.shape == [2, 5, 3, 6])
            expectClose(out.scalars, Self.explicitAttention(q, k, v, keyMask: mask, causal: false), tolerance: 1e-5)
        }
    }

    @Test(arguments: [1, 3, 4, 64])
    func causalEqualsExplicitMaskedFormula(chunkSize: Int) {
        var data = TestData(seed: 2)
        let q = data.tensor([2, 7, 3, 4], 0.1, 1), k = data.tensor([2, 7, 3, 4], 0.1, 1), v = data.tensor([2, 7, 3, 5])
        for mask in [nil, Self.padding] {
            let out = CausalLinearAttention.attend(queries: q, keys: k, values: v, keyMask: mask, chunkSize: chunkSize,
                                                   denominatorGuard: .official)
            expectClose(out.scalars, Self.explicitAttention(q, k, v, keyMask: mask, causal: true), tolerance: 1e-5)
        }
    }

    @Test func recurrentStepsReproduceCausalAttention() {
        var data = TestData(seed: 3)
        let (n, l, h, m, dv) = (2, 7, 3, 4, 5)
        let q = data.tensor([n, l, h, m], 0.1, 1), k = data.tensor([n, l, h, m], 0.1, 1), v = data.tensor([n, l, h, dv])
        let parallel = CausalLinearAttention.attend(queries: q, keys: k, values: v, keyMask: Self.padding, chunkSize: 3).scalars
        var state = RecurrentLinearAttentionState(batch: n, heads: h, featureCount: m, valueDimension: dv)
        for t in 0..<l {
            let step = state.step(query: q.slice(alongAxis: 1, from: t, count: 1).reshaped(to: [n, h, m]),
                                  key: k.slice(alongAxis: 1, from: t, count: 1).reshaped(to: [n, h, m]),
                                  value: v.slice(alongAxis: 1, from: t, count: 1).reshaped(to: [n, h, dv]),
                                  keyMask: Self.padding.slice(alongAxis: 1, from: t, count: 1).reshaped(to: [n]))
            for b in 0..<n {
                let expected = Array(parallel[((b * l + t) * h * dv)..<((b * l + t + 1) * h * dv)])
                expectClose(Array(step.scalars[(b * h * dv)..<((b + 1) * h * dv)]), expected, tolerance: 1e-5)
            }
        }
        #expect(state.position == l)
    }

    @Test func linearAttentionGradients() {
        var data = TestData(seed: 4)
        let q = data.tensor([2, 5, 2, 3], 0.2, 1, requiresGrad: true), k = data.tensor([2, 7, 2, 3], 0.2, 1, requiresGrad: true)
        let v = data.tensor([2, 7, 2, 4], requiresGrad: true)
        checkGradients([q, k, v]) { LinearAttention.attend(queries: $0[0], keys: $0[1], values: $0[2], keyMask: Self.padding) }
    }

    @Test(arguments: [2, 3, 64])
    func causalAttentionGradients(chunkSize: Int) {
        var data = TestData(seed: 5)
        let q = data.tensor([2, 7, 2, 3], 0.2, 1, requiresGrad: true), k = data.tensor([2, 7, 2, 3], 0.2, 1, requiresGrad: true)
        let v = data.tensor([2, 7, 2, 4], requiresGrad: true)
        checkGradients([q, k, v]) {
            CausalLinearAttention.attend(queries: $0[0], keys: $0[1], values: $0[2], keyMask: Self.padding, chunkSize: chunkSize)
        }
    }

    @Test func guardKeepsSignedDenominatorsAwayFromZero() {
        // Signed (RKS) features: weights +1 and −1 cancel in the normaliser but not in the numerator.
        let q = Tensor(shape: [1, 1, 1, 2], scalars: [1, -1]), k = Tensor(shape: [1, 2, 1, 2], scalars: [1, 0, 0, 1])
        let v = Tensor(shape: [1, 2, 1, 1], scalars: [1, 0])
        let official = LinearAttention.attend(queries: q, keys: k, values: v, denominatorGuard: .official).item
        #expect(abs(official - 1e6) < 1)                        // 1/(0 + 1e-6): the official code explodes
        let guarded = LinearAttention.attend(queries: q, keys: k, values: v,
                                             denominatorGuard: DenominatorGuard(epsilon: 1e-6, minimumMagnitude: 1e-3)).item
        #expect(abs(guarded - 1e3) < 1e-2)
    }

    @Test(arguments: [false, true])
    func softmaxAttentionMatchesDefinitionAndHasGradients(causal: Bool) {
        var data = TestData(seed: 6)
        let q = data.tensor([2, 7, 2, 3], requiresGrad: true), k = data.tensor([2, 7, 2, 3], requiresGrad: true)
        let v = data.tensor([2, 7, 2, 4], requiresGrad: true)
        var context = ForwardContext(training: false)
        let out = SoftmaxAttention.attend(queries: q, keys: k, values: v, keyMask: Self.padding, causal: causal, context: &context)
        let reference = Self.explicitSoftmax(q, k, v, scale: 1 / Float(3).squareRoot(), mask: Self.padding, causal: causal)
        expectClose(out.scalars, reference, tolerance: 1e-5)
        checkGradients([q, k, v]) {
            var context = ForwardContext(training: false)
            return SoftmaxAttention.attend(queries: $0[0], keys: $0[1], values: $0[2], keyMask: Self.padding, causal: causal,
                                           context: &context)
        }
    }

    static func explicitSoftmax(_ q: Tensor, _ k: Tensor, _ v: Tensor, scale: Float, mask: Tensor, causal: Bool) -> [Float] {
        let (n, l, h, d) = (q.shape[0], q.shape[1], q.shape[2], q.shape[3]), dv = v.shape[3]
        let qv = q.scalars, kv = k.scalars, vv = v.scalars, mv = mask.scalars
        var out = [Float](repeating: 0, count: n * l * h * dv)
        for b in 0..<n { for i in 0..<l { for head in 0..<h {
            var weights = [Double](repeating: 0, count: l)
            for j in 0..<l where mv[b * l + j] != 0 && (!causal || j <= i) {
                var dot = 0.0
                for f in 0..<d { dot += Double(qv[((b * l + i) * h + head) * d + f]) * Double(kv[((b * l + j) * h + head) * d + f]) }
                weights[j] = exp(dot * Double(scale))
            }
            let total = weights.reduce(0, +)
            for c in 0..<dv {
                var value = 0.0
                for j in 0..<l { value += weights[j] * Double(vv[((b * l + j) * h + head) * dv + c]) }
                out[((b * l + i) * h + head) * dv + c] = Float(value / total)
            }
        } } }
        return out
    }

    @Test func favorExpAttentionApproachesSoftmaxAttention() {
        var data = TestData(seed: 7)
        let d = 8
        let q = data.tensor([1, 6, 1, d], -0.6, 0.6), k = data.tensor([1, 6, 1, d], -0.6, 0.6), v = data.tensor([1, 6, 1, 3])
        var context = ForwardContext(training: false)
        let exact = SoftmaxAttention.attend(queries: q, keys: k, values: v, context: &context).scalars
        let map = ExponentialRandomFeatures(inputDimension: d, featureCount: 4096, randomness: FeatureRandomness(seed: 8, policy: .never))
        let approx = LinearAttention.attend(queries: map.features(q, isQuery: true, training: false),
                                            keys: map.features(k, isQuery: false, training: false), values: v).scalars
        let error = zip(exact, approx).map { abs($0 - $1) }.max()!
        #expect(error < 0.03, "max |softmax − FAVOR+| = \(error)")
    }

    @Test func mixtureAttentionMixesPerComponentAttentions() {
        var data = TestData(seed: 9)
        var generator = RandomGenerator(seed: 10)
        let (h, d) = (2, 4)
        let map = GaussianMixtureAlaCarteFeatures(inputDimension: d, heads: h, components: 3, nominalDimensions: 16,
                                                  generator: &generator, randomness: FeatureRandomness(seed: 11, policy: .never))
        let layer = MultiHeadAttention(modelDimension: 8, heads: h, headDimension: d, mechanism: .linear(map), generator: &generator)
        let q = data.tensor([1, 5, h, d]), k = data.tensor([1, 5, h, d]), v = data.tensor([1, 5, h, d])
        var context = ForwardContext(training: false)
        let mixed = layer.attend(queries: q, keys: k, values: v, keyMask: nil, context: &context).scalars
        let phiQ = map.features(q, isQuery: true, training: false), phiK = map.features(k, isQuery: false, training: false)
        let weights = map.mixtureWeights()!.scalars, m = map.featureCount
        var expected = [Float](repeating: 0, count: mixed.count)
        for c in 0..<3 {
            let component = LinearAttention.attend(queries: phiQ.reshaped(to: [1, 5, h, 3, m]).slice(alongAxis: 3, from: c, count: 1).reshaped(to: [1, 5, h, m]),
                                                   keys: phiK.reshaped(to: [1, 5, h, 3, m]).slice(alongAxis: 3, from: c, count: 1).reshaped(to: [1, 5, h, m]),
                                                   values: v, denominatorGuard: layer.denominatorGuard).scalars
            for i in expected.indices { expected[i] += weights[c] * component[i] }
        }
        expectClose(mixed, expected, tolerance: 1e-5)
    }
}
