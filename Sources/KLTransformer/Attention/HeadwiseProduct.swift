import KLTensor

/// One matrix product per sequence and head, all in one parallel GEMM dispatch: the per-head
/// products of linear attention.
struct HeadwiseProduct {
    /// Where each sequence's and head's matrix of an operand lies in its buffer.
    enum Operand {
        /// Head h's L × width slice of an (N, L, H, width) buffer (the heads side by side in each row).
        case tokens(UnsafeMutablePointer<Float>, length: Int, width: Int)
        /// Head h's rows × columns block of an (N, H, rows, columns) buffer.
        case blocks(UnsafeMutablePointer<Float>, rows: Int, columns: Int)
    }

    /// N sequences of H heads.
    let sequences: Int, heads: Int

    /// C = op(A)·op(B) for every sequence and head, op transposing where asked; C is overwritten.
    func multiply(_ a: Operand, transposeA: Bool = false, by b: Operand, transposeB: Bool = false, into c: Operand) {
        let (a, b, c) = (layout(a), layout(b), layout(c))
        let depth = transposeA ? a.rows : a.columns
        precondition(c.rows == (transposeA ? a.columns : a.rows) && c.columns == (transposeB ? b.rows : b.columns)
                     && depth == (transposeB ? b.columns : b.rows),
                     "HeadwiseProduct: \(a.rows)×\(a.columns) by \(b.rows)×\(b.columns) into \(c.rows)×\(c.columns) do not match")
        GEMM.batchedMultiply(groups: sequences, groupStrides: (a.sequenceStride, b.sequenceStride, c.sequenceStride),
                             batch: heads, transposeA: transposeA, transposeB: transposeB, m: c.rows, n: c.columns, k: depth,
                             a: a.pointer, lda: a.leadingDimension, strideA: a.headStride,
                             b: b.pointer, ldb: b.leadingDimension, strideB: b.headStride,
                             c: c.pointer, ldc: c.leadingDimension, strideC: c.headStride)
    }

    /// One head's matrix (rows, columns, leading dimension) and the strides between heads and sequences.
    private func layout(_ operand: Operand) -> (pointer: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
                                                 leadingDimension: Int, headStride: Int, sequenceStride: Int) {
        switch operand {
        case .tokens(let pointer, let length, let width):
            (pointer, length, width, heads * width, width, length * heads * width)
        case .blocks(let pointer, let rows, let columns):
            (pointer, rows, columns, columns, rows * columns, heads * rows * columns)
        }
    }
}
