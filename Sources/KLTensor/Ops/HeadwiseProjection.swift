/// Per-head matrix products on tensors laid out (…, heads, d), without permuting to heads-first.
extension Tensor {
    /// `out[…, h, :] = x[…, h, :] · weights[h]` for x of shape (…, H, d) and weights (H, d, M);
    /// the result has shape (…, H, M). This is how feature maps with per-head spectral parameters
    /// project queries and keys: one strided GEMM per head, no transposed copies.
    public static func headwiseProjection(_ x: Tensor, _ weights: Tensor) -> Tensor {
        precondition(x.rank >= 2 && weights.rank == 3 && weights.shape[0] == x.shape[x.rank - 2] && weights.shape[1] == x.shape[x.rank - 1],
                     "headwiseProjection: input \(x.shape) must end in (H, d) matching weights (H, d, M) \(weights.shape)")
        let (heads, d, m) = (weights.shape[0], weights.shape[1], weights.shape[2])
        let rows = x.count / Swift.max(heads * d, 1)
        let outShape = Array(x.shape.dropLast()) + [m]
        let result = Tensor(shape: outShape, storage: TensorStorage(uninitializedCount: Shape.count(outShape)))
        if rows > 0 && m > 0 {
            GEMM.batchedMultiply(batch: heads, transposeA: false, transposeB: false, m: rows, n: m, k: d,
                                 a: x.storage.pointer, lda: heads * d, strideA: d,
                                 b: weights.storage.pointer, ldb: m, strideB: d * m,
                                 c: result.storage.pointer, ldc: heads * m, strideC: m)
        }
        return record("headwiseProjection", result, inputs: [x, weights]) { g in
            var gx: Tensor?, gw: Tensor?
            if x.requiresGrad {
                let grad = Tensor(shape: x.shape, storage: TensorStorage(uninitializedCount: x.count))
                GEMM.batchedMultiply(batch: heads, transposeA: false, transposeB: true, m: rows, n: d, k: m,
                                     a: g.storage.pointer, lda: heads * m, strideA: m,
                                     b: weights.storage.pointer, ldb: m, strideB: d * m,
                                     c: grad.storage.pointer, ldc: heads * d, strideC: d)
                gx = grad
            }
            if weights.requiresGrad {
                let grad = Tensor.zeros(weights.shape)
                if rows > 0 {
                    GEMM.batchedMultiply(batch: heads, transposeA: true, transposeB: false, m: d, n: m, k: rows,
                                         a: x.storage.pointer, lda: heads * d, strideA: d,
                                         b: g.storage.pointer, ldb: heads * m, strideB: m,
                                         c: grad.storage.pointer, ldc: m, strideC: d * m)
                }
                gw = grad
            }
            return [gx, gw]
        }
    }
}
