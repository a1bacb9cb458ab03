import Foundation
import KLTestSupport
import Testing
@testable import KLTensor

/// Block-wise softmax attention (`Tensor.fusedSoftmaxAttention`) against the explicit formula
/// softmax(QKᵀ/√d + log mask)·V built from primitive ops: outputs and gradients over shapes that
/// cross the query and key blocks, with padding, causal masks, fully masked rows and dropout, plus
/// finite differences on a small case.
@Suite struct FusedSoftmaxAttentionTests {
    /// The explicit formula: the (N, H, L, S) scores, a masked softmax, optional dropout `keep`
    /// (N, H, L, S) holding 0 or 1/(1 − p), and the product with V.
    static func reference(_ q: Tensor, _ k: Tensor, _ v: Tensor, mask: Tensor?, causal: Bool, keep: Tensor? = nil) -> Tensor {
        let (n, l, s, d) = (q.shape[0], q.shape[1], k.shape[1], q.shape[3])
        let scores = Tensor.matmul((q * (1 / Float(d).squareRoot())).permuted([0, 2, 1, 3]), k.permuted([0, 2, 1, 3]), transposeB: true)
        var full: Tensor? = mask.map { $0.reshaped(to: [n, 1, 1, s]) }
        if causal {
            let triangle = Tensor(shape: [1, 1, l, s], scalars: (0..<(l * s)).map { $0 % s <= $0 / s ? 1 : 0 })
            full = full.map { $0 * triangle } ?? triangle
        }
        var probabilities = scores.softmax(alongAxis: -1, mask: full)
        if let keep { probabilities = probabilities * keep }
        return Tensor.matmul(probabilities, v.permuted([0, 2, 1, 3])).permuted([0, 2, 1, 3])
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let batch = 2, heads = 2, dimension = 8, valueDimension = 5
        let queries: Int, keys: Int, masked: Bool, causal: Bool, dropout: Float

        init(queries: Int, keys: Int, masked: Bool = false, causal: Bool = false, dropout: Float = 0) {
            (self.queries, self.keys, self.masked, self.causal, self.dropout) = (queries, keys, masked, causal, dropout)
        }

        var testDescription: String { "L \(queries) S \(keys) mask \(masked) causal \(causal) dropout \(dropout)" }
    }

    static let cases: [Case] = [
        Case(queries: 150, keys: 200),
        Case(queries: 70, keys: 300, masked: true),
        Case(queries: 150, keys: 150, causal: true),
        Case(queries: 130, keys: 130, masked: true, causal: true),
        Case(queries: 100, keys: 260, masked: true, dropout: 0.3),
        Case(queries: 140, keys: 140, causal: true, dropout: 0.1),
        // More queries than one query block (256), so blocks after the first are checked too.
        Case(queries: 530, keys: 150, masked: true),
        Case(queries: 300, keys: 300, masked: true, causal: true, dropout: 0.2),
    ]

    /// The first batch element pads every 11th key from the 5th, scattered over every key block; the
    /// second keeps its first 37 keys (or none at all for a key count of 70, to check that a query
    /// seeing no key gets 0 output and 0 gradient).
    static func mask(_ c: Case) -> Tensor {
        let kept = c.queries == 70 ? 0 : 37
        return Tensor(shape: [2, c.keys], scalars: (0..<(2 * c.keys)).map { $0 < c.keys ? ($0 % 11 == 5 ? 0 : 1) : ($0 - c.keys < kept ? 1 : 0) })
    }

    /// The dropout decisions of the fused op as the reference's (N, H, L, S) multiplier.
    static func keep(_ c: Case, seed: UInt64) -> Tensor {
        let problem = FusedSoftmaxAttention.Problem(batch: c.batch, queries: c.queries, keys: c.keys, heads: c.heads, dimension: c.dimension,
                                                    valueDimension: c.valueDimension, causal: c.causal, dropout: c.dropout, seed: seed)
        var values: [Float] = []
        for item in 0..<(c.batch * c.heads) {
            for i in 0..<c.queries {
                for j in 0..<c.keys { values.append(problem.keeps(item: item, query: i, key: j) ? problem.dropoutScale : 0) }
            }
        }
        return Tensor(shape: [c.batch, c.heads, c.queries, c.keys], scalars: values)
    }

    @Test(arguments: cases)
    func matchesTheExplicitFormulaAndItsGradients(c: Case) throws {
        var data = TestData(seed: UInt64(c.queries * 7 + c.keys))
        let q = data.tensor([c.batch, c.queries, c.heads, c.dimension], -2, 2, requiresGrad: true)
        let k = data.tensor([c.batch, c.keys, c.heads, c.dimension], -2, 2, requiresGrad: true)
        let v = data.tensor([c.batch, c.keys, c.heads, c.valueDimension], requiresGrad: true)
        let mask = c.masked ? Self.mask(c) : nil
        let seed: UInt64 = 0x5EED
        let fused = Tensor.fusedSoftmaxAttention(queries: q, keys: k, values: v, keyMask: mask, causal: c.causal, dropout: c.dropout, dropoutSeed: seed)
        let projection = data.tensor(fused.shape)
        try (fused * projection).sum().backward()
        let fusedGradients = [q, k, v].map { $0.grad!.scalars }
        for tensor in [q, k, v] { tensor.zeroGrad() }
        let explicit = Self.reference(q, k, v, mask: mask, causal: c.causal, keep: c.dropout > 0 ? Self.keep(c, seed: seed) : nil)
        try (explicit * projection).sum().backward()
        expectClose(fused.scalars, explicit.scalars, tolerance: 2e-5)
        for (name, (a, b)) in zip(["dQ", "dK", "dV"], zip(fusedGradients, [q, k, v].map { $0.grad!.scalars })) {
            if let mismatch = firstMismatch(a, b, tolerance: 5e-5) { Issue.record("\(name): \(mismatch)") }
        }
        if c.queries == 70 {
            // Batch element 1 sees no key: zero output, zero query gradient.
            let half = fused.count / 2
            #expect(fused.scalars[half...].allSatisfy { $0 == 0 })
            #expect(fusedGradients[0][(fusedGradients[0].count / 2)...].allSatisfy { $0 == 0 })
        }
    }

    @Test func finiteDifferencesAgreeWithTheBackward() {
        var data = TestData(seed: 3)
        let q = data.tensor([1, 5, 2, 3], -1, 1, requiresGrad: true), k = data.tensor([1, 6, 2, 3], -1, 1, requiresGrad: true)
        let v = data.tensor([1, 6, 2, 2], -1, 1, requiresGrad: true)
        let mask = Tensor(shape: [1, 6], scalars: [1, 1, 0, 1, 1, 1])
        checkGradients([q, k, v], step: 1e-2) { inputs in
            Tensor.fusedSoftmaxAttention(queries: inputs[0], keys: inputs[1], values: inputs[2], keyMask: mask)
        }
        let square = data.tensor([1, 6, 2, 3], -1, 1, requiresGrad: true)
        checkGradients([square, k, v], step: 1e-2) { inputs in
            Tensor.fusedSoftmaxAttention(queries: inputs[0], keys: inputs[1], values: inputs[2], causal: true, dropout: 0.25, dropoutSeed: 9)
        }
    }

    /// The decisions keep about 1 − p of the weights, depend on the seed, and repeat for one seed.
    @Test func dropoutKeepsTheRightShareAndRepeatsForOneSeed() {
        let c = Case(queries: 64, keys: 128, dropout: 0.3)
        let a = Self.keep(c, seed: 1).scalars, b = Self.keep(c, seed: 2).scalars
        let kept = Double(a.filter { $0 > 0 }.count) / Double(a.count)
        #expect(abs(kept - 0.7) < 0.01, "kept \(kept) of \(a.count)")
        // The probability as used is p rounded to 2⁻¹⁶, and the survivors are scaled by its 1/(1 − p).
        let survivor = Double(a.first { $0 > 0 } ?? 0), expected: Double = 1 / (1 - 19661.0 / 65536)
        #expect(abs(survivor - expected) < 1e-6)
        #expect(a != b && a == Self.keep(c, seed: 1).scalars)
        var data = TestData(seed: 4)
        let q = data.tensor([2, 64, 2, 8]), k = data.tensor([2, 128, 2, 8]), v = data.tensor([2, 128, 2, 5])
        let first = Tensor.fusedSoftmaxAttention(queries: q, keys: k, values: v, dropout: 0.3, dropoutSeed: 1).scalars
        #expect(first == Tensor.fusedSoftmaxAttention(queries: q, keys: k, values: v, dropout: 0.3, dropoutSeed: 1).scalars)
        #expect(first != Tensor.fusedSoftmaxAttention(queries: q, keys: k, values: v, dropout: 0.3, dropoutSeed: 2).scalars)
    }

    /// Scores far apart (a softmax that is one-hot in float) stay finite and exact.
    @Test func largeScoresStayFinite() {
        var data = TestData(seed: 6)
        let q = data.tensor([1, 80, 1, 4], -60, 60), k = data.tensor([1, 200, 1, 4], -60, 60), v = data.tensor([1, 200, 1, 3])
        let fused = Tensor.fusedSoftmaxAttention(queries: q, keys: k, values: v)
        #expect(fused.scalars.allSatisfy { $0.isFinite })
        expectClose(fused.scalars, Self.reference(q, k, v, mask: nil, causal: false).scalars, tolerance: 1e-5)
    }
}
