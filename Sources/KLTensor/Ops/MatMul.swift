/// Matrix products through `GEMM` (OpenBLAS when present, the built-in GEMM otherwise).
extension Tensor {
    /// The matrix product over the last two axes, with leading (batch) axes broadcast:
    /// `op(a)·op(b)` where `op` transposes the last two axes when asked.
    ///
    /// a: (…, m, k) — or (…, k, m) with `transposeA`; b: (…, k, n) — or (…, n, k) with `transposeB`.
    /// A rank-2 `b` multiplying a batched `a` (a linear layer) runs as one large GEMM.
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        precondition(a.rank >= 2 && b.rank >= 2, "matmul: operands need rank ≥ 2, got shapes \(a.shape) and \(b.shape)")
        if b.rank == 2 && a.rank > 2 && !transposeA {
            let folded = matmul(a.reshaped(to: [-1, a.shape[a.rank - 1]]), b, transposeB: transposeB)
            return folded.reshaped(to: Array(a.shape.dropLast()) + [folded.shape[1]])
        }
        let result = matmulValues(a, b, transposeA: transposeA, transposeB: transposeB)
        return record("matmul", result, inputs: [a, b]) { g in
            let ga: Tensor? = a.requiresGrad
                ? (transposeA ? matmulValues(b, g, transposeA: transposeB, transposeB: true)
                              : matmulValues(g, b, transposeA: false, transposeB: !transposeB)).summed(toShape: a.shape)
                : nil
            let gb: Tensor? = b.requiresGrad
                ? (transposeB ? matmulValues(g, a, transposeA: true, transposeB: transposeA)
                              : matmulValues(a, g, transposeA: !transposeA, transposeB: false)).summed(toShape: b.shape)
                : nil
            return [ga, gb]
        }
    }

    /// `matmul` without recording.
    static func matmulValues(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) -> Tensor {
        let (ar, br) = (a.rank, b.rank)
        let m = transposeA ? a.shape[ar - 1] : a.shape[ar - 2]
        let ka = transposeA ? a.shape[ar - 2] : a.shape[ar - 1]
        let kb = transposeB ? b.shape[br - 1] : b.shape[br - 2]
        let n = transposeB ? b.shape[br - 2] : b.shape[br - 1]
        precondition(ka == kb, "matmul: inner dimensions differ for shapes \(a.shape)\(transposeA ? "ᵀ" : "") and \(b.shape)\(transposeB ? "ᵀ" : "")")
        let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
        let batchShape = Shape.broadcast(batchA, batchB, op: "matmul")
        let batch = Shape.count(batchShape)
        // Each operand is either full-batch or shared by all batch items; anything else is materialised.
        func operand(_ t: Tensor, _ own: [Int]) -> (Tensor, Int) {
            let matrix = t.shape.suffix(2)
            if Shape.count(own) == 1 { return (t, 0) }
            if own == batchShape { return (t, Array(matrix).reduce(1, *)) }
            let expanded = t.expandedValues(to: batchShape + matrix)
            return (expanded, Array(matrix).reduce(1, *))
        }
        let (aa, strideA) = operand(a, batchA)
        let (bb, strideB) = operand(b, batchB)
        let result = Tensor(shape: batchShape + [m, n], storage: TensorStorage(uninitializedCount: batch * m * n))
        if ka == 0 {
            result.storage.pointer.update(repeating: 0, count: result.count)
            return result
        }
        GEMM.batchedMultiply(batch: batch, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: ka,
                             a: aa.storage.pointer, lda: aa.shape.last!, strideA: strideA,
                             b: bb.storage.pointer, ldb: bb.shape.last!, strideB: strideB,
                             c: result.storage.pointer, ldc: n, strideC: m * n)
        return result
    }
}
