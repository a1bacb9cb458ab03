import Foundation
@testable import KLTensor
import KLTestSupport
import Testing
@testable import KLTransformer

/// Positive-feature attention with the features made inside the op gives the values and gradients
/// of the separate ops (the map's fused features, then `LinearAttention`), over several blocks of
/// tokens, with and without padding, for PosRF and its Gaussian-kernel version, plain and hyperbolic.
@Suite struct PositiveFeatureAttentionTests {
    /// Which maps take the op: fixed-frequency positive features only.
    @Test func onlyFixedPositiveFeaturesAreFused() throws {
        #expect(PositiveComponent(hyperbolic: true).positiveFeatureForm == PositiveFeatureForm(hyperbolic: true, normWeight: 0.5))
        #expect(PositiveComponent(hyperbolic: true, mirrorsMean: true).positiveFeatureForm == nil)
        #expect(GaussianKernelVersion(of: PositiveComponent(hyperbolic: false)).positiveFeatureForm
                == PositiveFeatureForm(hyperbolic: false, normWeight: 1))
        #expect(TrigonometricComponent().positiveFeatureForm == nil)
        let q = Tensor.zeros([1, 2, 2, 8]), v = Tensor.zeros([1, 2, 2, 3])
        func fuses(_ name: String) throws -> Bool {
            var generator = RandomGenerator(seed: 1)
            let configuration = KernelConfiguration(kernel: try #require(AttentionKernel(named: name)), headDimension: 8, heads: 2,
                                                    maxLength: 16, seed: 5)
            let map = try #require(configuration.makeFeatureMap(generator: &generator))
            return map.fusedLinearAttention(queries: q, keys: q, values: v, keyMask: nil, denominatorGuard: DenominatorGuard(),
                                            training: true) != nil
        }
        #expect(try fuses("FAVOR+"))
        #expect(try fuses("Gaussian-PRF"))
        #expect(try !fuses("GMM-PRF"))
        #expect(try !fuses("Generator-PRF"))
        #expect(try !fuses("elu+1"))
    }

    /// 2 sequences of 900 tokens (blocks of 384, 384 and 132), the second padded after 610.
    @Test(arguments: [(false, Float(0.5)), (true, 0.5), (false, 1), (true, 1)])
    func matchesTheSeparateOps(hyperbolic: Bool, normWeight: Float) throws {
        var data = TestData(seed: 53)
        let (n, l, h, d, m, dv) = (2, 900, 2, 6, 5, 3)
        let width = hyperbolic ? 2 * m : m
        let form = PositiveFeatureForm(hyperbolic: hyperbolic, normWeight: normWeight)
        let constant = ExponentialFeatures.countConstant(frequencies: m, hyperbolic: hyperbolic)
        let queryValues = data.tensor([n, l, h, d], -1, 1), keyValues = data.tensor([n, l, h, d], -1, 1)
        let valueValues = data.tensor([n, l, h, dv]), omega = data.tensor([d, m], -1.5, 1.5)
        let upstream = data.tensor([n, l, h, dv])
        let padding = Tensor(shape: [n, l], scalars: (0..<(n * l)).map { $0 < l + 610 ? 1 : 0 })
        for mask in [nil, padding] {
            func run(fused: Bool) throws -> [[Float]] {
                let q = queryValues.copy(), k = keyValues.copy(), v = valueValues.copy()
                (q.requiresGrad, k.requiresGrad, v.requiresGrad) = (true, true, true)
                let out: Tensor
                if fused {
                    out = PositiveFeatureAttention.attend(queries: q, keys: k, values: v, frequencies: omega, constant: constant,
                                                          form: form, keyMask: mask, denominatorGuard: DenominatorGuard())
                } else {
                    let phiQ = ExponentialFeatures.stabilizedFeatures(q, omega: omega, hyperbolic: hyperbolic, normWeight: normWeight,
                                                                      shift: .perRow)
                    let phiK = ExponentialFeatures.stabilizedFeatures(k, omega: omega, hyperbolic: hyperbolic, normWeight: normWeight,
                                                                      shift: .perSequence(keyMask: mask))
                    #expect(phiQ.shape == [n, l, h, width])
                    out = LinearAttention.attend(queries: phiQ, keys: phiK, values: v, keyMask: mask)
                }
                try (out * upstream).sum().backward()
                return [out.scalars, try #require(q.grad).scalars, try #require(k.grad).scalars, try #require(v.grad).scalars]
            }
            let (fused, separate) = (try run(fused: true), try run(fused: false))
            for (actual, expected) in zip(fused, separate) {
                // The same rows and products in another order: with the built-in GEMM, the same bits.
                if ComputeBackend.current == .builtIn {
                    let differing = zip(actual, expected).filter { $0.bitPattern != $1.bitPattern }.count
                    #expect(actual.count == expected.count && differing == 0, "\(differing) of \(expected.count) values differ")
                } else {
                    expectClose(actual, expected, tolerance: 1e-5)
                }
            }
        }
    }

    /// No keys: the sums over keys are zero, as `LinearAttention`'s, and so are the outputs and the
    /// values' gradient; no queries: the keys' and values' gradients are zero.
    @Test func emptySequences() throws {
        var data = TestData(seed: 61)
        let omega = data.tensor([3, 4], -1, 1), form = PositiveFeatureForm(hyperbolic: true, normWeight: 0.5)
        for (l, s) in [(5, 0), (0, 6)] {
            let q = data.tensor([2, l, 2, 3], requiresGrad: true), k = data.tensor([2, s, 2, 3], requiresGrad: true)
            let v = data.tensor([2, s, 2, 4], requiresGrad: true)
            let out = PositiveFeatureAttention.attend(queries: q, keys: k, values: v, frequencies: omega, constant: -1, form: form,
                                                      keyMask: nil, denominatorGuard: DenominatorGuard())
            #expect(out.shape == [2, l, 2, 4] && out.scalars.allSatisfy { $0 == 0 })
            try (out * 2).sum().backward()
            #expect(try #require(v.grad).scalars.allSatisfy { $0 == 0 } && (try #require(k.grad)).scalars.allSatisfy { $0 == 0 })
        }
    }

    /// The gradients against finite differences, on a small problem with padding.
    @Test func gradients() {
        var data = TestData(seed: 59)
        let q = data.tensor([2, 5, 2, 3], -0.5, 0.5, requiresGrad: true), k = data.tensor([2, 7, 2, 3], -0.5, 0.5, requiresGrad: true)
        let v = data.tensor([2, 7, 2, 4], requiresGrad: true), omega = data.tensor([3, 4], -1, 1)
        let mask = Tensor(shape: [2, 7], scalars: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0])
        // The shifts carry no gradient, but they cancel in attention (up to the denominator's ε), so the
        // finite differences of the output see none either.
        checkGradients([q, k, v]) {
            PositiveFeatureAttention.attend(queries: $0[0], keys: $0[1], values: $0[2], frequencies: omega, constant: -1,
                                            form: PositiveFeatureForm(hyperbolic: true, normWeight: 0.5), keyMask: mask,
                                            denominatorGuard: DenominatorGuard())
        }
    }
}
