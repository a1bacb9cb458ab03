import Foundation

/// Softmax attention computed block by block, flash-attention style: the (L × S) score matrix is
/// never formed. For each batch element and head, queries go in blocks of `queryBlock` rows; each
/// block streams over the keys in blocks of `keyBlock`, keeping a running maximum and sum per row
/// (the online softmax) and rescaling its output accumulator when the maximum grows. Only the
/// output and one log-sum-exp per query are kept for the backward pass, which recomputes each
/// block's probabilities from them — so memory is O(L) per head instead of O(L·S).
///
/// Dropout on the probabilities draws each keep/drop decision from a hash of the seed and the
/// element's position (one 64-bit hash per row, a vectorised 32-bit hash per key), so the backward
/// pass regenerates the same mask without storing it. Work is
/// split across threads by (batch element, head), each one computed by one thread in a fixed order:
/// the bits do not depend on the thread count.
enum FusedSoftmaxAttention {
    /// Rows of queries and keys per block. Tall query blocks let each key block's packing serve more
    /// rows: the small softmax model's step at L 2048 ran 0.91× as long with 256 × 128 as with
    /// 64 × 128 (32 × 256, 128 × 64 and 256 × 64 were slower; 512 or 1024 rows no faster).
    static let queryBlock = 256, keyBlock = 128

    /// The shapes and options of one call.
    struct Problem {
        let batch: Int, queries: Int, keys: Int, heads: Int, dimension: Int, valueDimension: Int
        let causal: Bool, dropout: Float, seed: UInt64
        var scale: Float { 1 / Float(dimension).squareRoot() }
        var queryStride: Int { heads * dimension }
        var valueStride: Int { heads * valueDimension }
        /// The dropout probability as used: `dropout` rounded to a multiple of 2⁻¹⁶, the resolution of
        /// one decision (`keeps`).
        var droppedOutOf65536: UInt32 { UInt32((Double(dropout) * 65536).rounded()) }
        /// 1/(1 − p) for the probability as used, so the surviving weights stay unbiased.
        var dropoutScale: Float { Float(1 / (1 - Double(droppedOutOf65536) / 65536)) }

        /// 64 random bits for the row of query `i` of `item`: a SplitMix64 finaliser of the seed and
        /// the row's position. Each key's decision hashes these with the key's index (`keeps`).
        @inline(__always)
        func rowKey(item: Int, query i: Int) -> UInt64 {
            var x = seed ^ (UInt64(item * queries + i) &* 0x9E37_79B9_7F4A_7C15)
            x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
            x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
            return x ^ (x >> 31)
        }

        /// Whether the probability at (item, i, j) survives dropout (always true without dropout): the
        /// top 16 bits of MurmurHash3's 32-bit finaliser of the folded row key and j, against the
        /// rounded probability — the rule `kl_dropout_multipliers` applies to a whole row.
        func keeps(item: Int, query i: Int, key j: Int) -> Bool {
            guard dropout > 0 else { return true }
            let key = rowKey(item: item, query: i)
            var h = UInt32(truncatingIfNeeded: key) ^ UInt32(truncatingIfNeeded: key >> 32)
            h ^= UInt32(truncatingIfNeeded: j) &* 0x9E37_79B9
            h ^= h >> 16; h = h &* 0x85EB_CA6B; h ^= h >> 13; h = h &* 0xC2B2_AE35; h ^= h >> 16
            return h >> 16 >= droppedOutOf65536
        }

        /// `keeps` for keys `firstKey ..< firstKey + count`, as multipliers: `dropoutScale` for a kept
        /// weight, 0 for a dropped one.
        @inline(__always)
        func dropoutMultipliers(item: Int, query i: Int, firstKey: Int, count: Int, into multipliers: UnsafeMutablePointer<Float>) {
            VectorMath.dropoutMultipliers(rowKey: rowKey(item: item, query: i), firstKey: firstKey, count: count,
                                          threshold: droppedOutOf65536, scale: dropoutScale, into: multipliers)
        }

        /// The last key query `i` may see, plus one.
        @inline(__always)
        func keyLimit(query i: Int) -> Int { causal ? min(keys, i + 1) : keys }
    }

    /// One single-threaded product on the preferred backend, for blocks inside one item.
    @inline(__always)
    static func product(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
                        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
                        c: UnsafeMutablePointer<Float>, ldc: Int) {
        let useBLAS = GEMM.Schedule.current.usesBLAS(m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc)
        GEMM.run(useBLAS: useBLAS, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                 a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    /// The positions of one item's padded keys (mask 0), ascending; empty without a mask. Found once
    /// per item so that a block without padding costs nothing to mask.
    static func paddedKeys(_ keyMask: UnsafePointer<Float>?, keys: Int) -> [Int] {
        guard let keyMask else { return [] }
        return (0..<keys).filter { keyMask[$0] == 0 }
    }

    /// Scores of one block, scale·Q_i K_jᵀ, with padded keys (and keys after the query, when causal)
    /// set to −∞. `scores` is (rows × columns); `paddedKeys` is the item's `paddedKeys`.
    @inline(__always)
    static func blockScores(_ p: Problem, q: UnsafePointer<Float>, k: UnsafePointer<Float>, paddedKeys: [Int],
                            firstQuery: Int, rows: Int, firstKey: Int, columns: Int, scores: UnsafeMutablePointer<Float>) {
        product(transposeB: true, m: rows, n: columns, k: p.dimension, alpha: p.scale, a: q + firstQuery * p.queryStride,
                lda: p.queryStride, b: k + firstKey * p.queryStride, ldb: p.queryStride, beta: 0, c: scores, ldc: columns)
        var firstPadded = paddedKeys.count
        if !paddedKeys.isEmpty {
            var (low, high) = (0, paddedKeys.count)
            while low < high {
                let middle = (low + high) / 2
                if paddedKeys[middle] < firstKey { low = middle + 1 } else { high = middle }
            }
            firstPadded = low
        }
        for r in 0..<rows {
            let row = scores + r * columns
            let limit = p.keyLimit(query: firstQuery + r) - firstKey
            if limit < columns { (row + max(limit, 0)).update(repeating: -.infinity, count: columns - max(limit, 0)) }
            var index = firstPadded
            while index < paddedKeys.count, paddedKeys[index] - firstKey < min(limit, columns) {
                row[paddedKeys[index] - firstKey] = -.infinity
                index += 1
            }
        }
    }

    /// Forward pass of every item: the output (N, L, H, d_v) and the log-sum-exp of each query's
    /// scores, (N·H, L) (−∞ for a query that sees no key; its output is 0).
    static func forward(_ p: Problem, q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                        keyMask: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, logSumExp: UnsafeMutablePointer<Float>) {
        let pointers = UnsafeSendableBox((q, k, v, keyMask, output, logSumExp))
        Parallel.forRanges(p.batch * p.heads, costPerItem: p.queries * p.keys * (p.dimension + p.valueDimension)) { start, end in
            let (q, k, v, keyMask, output, logSumExp) = pointers.value
            let (bq, bk, dv) = (queryBlock, keyBlock, p.valueDimension)
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: bq * bk)
            let accumulator = UnsafeMutablePointer<Float>.allocate(capacity: bq * dv)
            let multipliers = UnsafeMutablePointer<Float>.allocate(capacity: bk)
            var rowMax = [Float](repeating: 0, count: bq), rowSum = [Float](repeating: 0, count: bq)
            defer { scores.deallocate(); accumulator.deallocate(); multipliers.deallocate() }
            for item in start..<end {
                let (n, h) = (item / p.heads, item % p.heads)
                let qItem = q + n * p.queries * p.queryStride + h * p.dimension
                let kItem = k + n * p.keys * p.queryStride + h * p.dimension
                let vItem = v + n * p.keys * p.valueStride + h * dv
                let oItem = output + n * p.queries * p.valueStride + h * dv
                let padded = paddedKeys(keyMask.map { $0 + n * p.keys }, keys: p.keys)
                for i0 in stride(from: 0, to: p.queries, by: bq) {
                    let rows = min(bq, p.queries - i0)
                    for r in 0..<rows { rowMax[r] = -.infinity; rowSum[r] = 0 }
                    accumulator.update(repeating: 0, count: rows * dv)
                    let keyEnd = p.keyLimit(query: i0 + rows - 1)
                    for j0 in stride(from: 0, to: keyEnd, by: bk) {
                        let columns = min(bk, keyEnd - j0)
                        blockScores(p, q: qItem, k: kItem, paddedKeys: padded, firstQuery: i0, rows: rows,
                                    firstKey: j0, columns: columns, scores: scores)
                        for r in 0..<rows {
                            let row = scores + r * columns
                            let newMax = max(rowMax[r], VectorMath.maximum(row, count: columns))
                            guard newMax > -.infinity else { row.update(repeating: 0, count: columns); continue }
                            let sum = VectorMath.exponentiateShifted(row, count: columns, by: newMax)
                            let correction = rowMax[r] > -.infinity ? Foundation.exp(rowMax[r] - newMax) : 0
                            rowSum[r] = rowSum[r] * correction + sum
                            rowMax[r] = newMax
                            if correction != 1 {
                                let accumulated = accumulator + r * dv
                                for c in 0..<dv { accumulated[c] *= correction }
                            }
                            if p.dropout > 0 {
                                p.dropoutMultipliers(item: item, query: i0 + r, firstKey: j0, count: columns, into: multipliers)
                                for c in 0..<columns { row[c] *= multipliers[c] }
                            }
                        }
                        product(m: rows, n: dv, k: columns, a: scores, lda: columns, b: vItem + j0 * p.valueStride,
                                ldb: p.valueStride, beta: 1, c: accumulator, ldc: dv)
                    }
                    for r in 0..<rows {
                        let out = oItem + (i0 + r) * p.valueStride, accumulated = accumulator + r * dv
                        let inverse: Float = rowSum[r] > 0 ? 1 / rowSum[r] : 0
                        for c in 0..<dv { out[c] = accumulated[c] * inverse }
                        logSumExp[item * p.queries + i0 + r] = rowSum[r] > 0 ? rowMax[r] + Foundation.log(rowSum[r]) : -.infinity
                    }
                }
            }
        }
    }

    /// Backward pass: gradients of the queries, keys and values (written, not accumulated) from the
    /// output gradient, recomputing each block's probabilities P = exp(s − lse):
    /// dV = P̃ᵀdO, dS = P ⊙ (dP − D) with dP = (dO Vᵀ) ⊙ keep/(1−p) and D_i = dO_i·O_i, dQ = scale·dS K,
    /// dK = scale·dSᵀQ (P̃ is P after dropout).
    static func backward(_ p: Problem, q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                         keyMask: UnsafePointer<Float>?, output: UnsafePointer<Float>, logSumExp: UnsafePointer<Float>,
                         outputGradient: UnsafePointer<Float>, dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>,
                         dv: UnsafeMutablePointer<Float>) {
        let pointers = UnsafeSendableBox((q, k, v, keyMask, output, logSumExp, outputGradient, dq, dk, dv))
        Parallel.forRanges(p.batch * p.heads, costPerItem: 2 * p.queries * p.keys * (p.dimension + p.valueDimension)) { start, end in
            let (q, k, v, keyMask, output, logSumExp, outputGradient, dq, dk, dvOut) = pointers.value
            let (bq, bk, d, e) = (queryBlock, keyBlock, p.dimension, p.valueDimension)
            let probabilities = UnsafeMutablePointer<Float>.allocate(capacity: bq * bk)
            let dropped = UnsafeMutablePointer<Float>.allocate(capacity: bq * bk)
            let multipliers = UnsafeMutablePointer<Float>.allocate(capacity: bq * bk)
            let scoreGradient = UnsafeMutablePointer<Float>.allocate(capacity: bq * bk)
            let keyAccumulator = UnsafeMutablePointer<Float>.allocate(capacity: bk * d)
            let valueAccumulator = UnsafeMutablePointer<Float>.allocate(capacity: bk * e)
            var rowDots = [Float](repeating: 0, count: p.queries)
            defer {
                for buffer in [probabilities, dropped, multipliers, scoreGradient, keyAccumulator, valueAccumulator] { buffer.deallocate() }
            }
            for item in start..<end {
                let (n, h) = (item / p.heads, item % p.heads)
                let qItem = q + n * p.queries * p.queryStride + h * d, kItem = k + n * p.keys * p.queryStride + h * d
                let vItem = v + n * p.keys * p.valueStride + h * e
                let oItem = output + n * p.queries * p.valueStride + h * e
                let gItem = outputGradient + n * p.queries * p.valueStride + h * e
                let dqItem = dq + n * p.queries * p.queryStride + h * d, dkItem = dk + n * p.keys * p.queryStride + h * d
                let dvItem = dvOut + n * p.keys * p.valueStride + h * e
                let padded = paddedKeys(keyMask.map { $0 + n * p.keys }, keys: p.keys)
                let lse = logSumExp + item * p.queries
                for i in 0..<p.queries {
                    var dot: Float = 0
                    for c in 0..<e { dot += gItem[i * p.valueStride + c] * oItem[i * p.valueStride + c] }
                    rowDots[i] = dot
                    (dqItem + i * p.queryStride).update(repeating: 0, count: d)
                }
                for j0 in stride(from: 0, to: p.keys, by: bk) {
                    let columns = min(bk, p.keys - j0)
                    keyAccumulator.update(repeating: 0, count: columns * d)
                    valueAccumulator.update(repeating: 0, count: columns * e)
                    // With a causal mask, query blocks that end before j0 see none of these keys.
                    let firstBlock = p.causal ? (j0 / bq) * bq : 0
                    for i0 in stride(from: firstBlock, to: p.queries, by: bq) {
                        let rows = min(bq, p.queries - i0)
                        blockScores(p, q: qItem, k: kItem, paddedKeys: padded, firstQuery: i0, rows: rows,
                                    firstKey: j0, columns: columns, scores: probabilities)
                        for r in 0..<rows {
                            let row = probabilities + r * columns, logTotal = lse[i0 + r]
                            guard logTotal > -.infinity else { row.update(repeating: 0, count: columns); continue }
                            VectorMath.exponentiateShifted(row, count: columns, by: logTotal)
                        }
                        // With dropout, `multipliers` holds each weight's 0 or 1/(1 − p) and `dropped` the kept weights.
                        let kept: UnsafeMutablePointer<Float>
                        if p.dropout > 0 {
                            for r in 0..<rows {
                                let row = multipliers + r * columns
                                p.dropoutMultipliers(item: item, query: i0 + r, firstKey: j0, count: columns, into: row)
                                for c in 0..<columns { dropped[r * columns + c] = probabilities[r * columns + c] * row[c] }
                            }
                            kept = dropped
                        } else {
                            kept = probabilities
                        }
                        product(transposeA: true, m: columns, n: e, k: rows, a: kept, lda: columns, b: gItem + i0 * p.valueStride,
                                ldb: p.valueStride, beta: 1, c: valueAccumulator, ldc: e)
                        product(transposeB: true, m: rows, n: columns, k: e, a: gItem + i0 * p.valueStride, lda: p.valueStride,
                                b: vItem + j0 * p.valueStride, ldb: p.valueStride, beta: 0, c: scoreGradient, ldc: columns)
                        for r in 0..<rows {
                            let offset = r * columns
                            VectorMath.softmaxRowGradient(probabilities: probabilities + offset,
                                                          multipliers: p.dropout > 0 ? UnsafePointer(multipliers + offset) : nil,
                                                          gradient: scoreGradient + offset, dot: rowDots[i0 + r], count: columns)
                        }
                        product(m: rows, n: d, k: columns, alpha: p.scale, a: scoreGradient, lda: columns, b: kItem + j0 * p.queryStride,
                                ldb: p.queryStride, beta: 1, c: dqItem + i0 * p.queryStride, ldc: p.queryStride)
                        product(transposeA: true, m: columns, n: d, k: rows, alpha: p.scale, a: scoreGradient, lda: columns,
                                b: qItem + i0 * p.queryStride, ldb: p.queryStride, beta: 1, c: keyAccumulator, ldc: d)
                    }
                    for c in 0..<columns {
                        (dkItem + (j0 + c) * p.queryStride).update(from: keyAccumulator + c * d, count: d)
                        (dvItem + (j0 + c) * p.valueStride).update(from: valueAccumulator + c * e, count: e)
                    }
                }
            }
        }
    }
}

extension Tensor {
    /// Softmax attention `softmax(QKᵀ/√d + log mask)·V` without forming the score matrix (see
    /// `FusedSoftmaxAttention`): memory O(L) per head, exact up to float rounding.
    ///
    /// - Parameters:
    ///   - queries: (N, L, H, d); keys: (N, S, H, d); values: (N, S, H, d_v), all in this layout.
    ///   - keyMask: (N, S), 0 for padded keys; a query that sees no key gets a zero output.
    ///   - causal: query i sees keys j ≤ i only (needs L == S).
    ///   - dropout: probability of dropping each attention weight (0 for none), the survivors scaled
    ///     by 1/(1 − p); the decisions are a function of `dropoutSeed` and the position alone.
    /// - Returns: (N, L, H, d_v).
    public static func fusedSoftmaxAttention(queries: Tensor, keys: Tensor, values: Tensor, keyMask: Tensor? = nil,
                                             causal: Bool = false, dropout: Float = 0, dropoutSeed: UInt64 = 0) -> Tensor {
        precondition(queries.rank == 4 && keys.rank == 4 && values.rank == 4 && keys.shape[0...2] == values.shape[0...2]
                     && queries.shape[3] == keys.shape[3] && queries.shape[0] == keys.shape[0] && queries.shape[2] == keys.shape[2],
                     "fusedSoftmaxAttention: queries \(queries.shape), keys \(keys.shape), values \(values.shape) must be (N, L, H, ·) alike")
        let (n, l, h, d) = (queries.shape[0], queries.shape[1], queries.shape[2], queries.shape[3])
        let (s, e) = (keys.shape[1], values.shape[3])
        precondition(!causal || l == s, "fusedSoftmaxAttention: causal attention needs as many queries as keys, got \(l) and \(s)")
        precondition(keyMask.map { $0.shape == [n, s] } ?? true, "fusedSoftmaxAttention: key mask \(keyMask!.shape) must be [\(n), \(s)]")
        precondition(dropout >= 0 && dropout < 1, "fusedSoftmaxAttention: dropout \(dropout) is outside [0, 1)")
        let problem = FusedSoftmaxAttention.Problem(batch: n, queries: l, keys: s, heads: h, dimension: d, valueDimension: e,
                                                    causal: causal, dropout: dropout, seed: dropoutSeed)
        let output = Tensor(shape: [n, l, h, e], storage: TensorStorage(uninitializedCount: n * l * h * e))
        let logSumExp = Tensor(shape: [n * h, l], storage: TensorStorage(uninitializedCount: n * h * l))
        FusedSoftmaxAttention.forward(problem, q: queries.storage.pointer, k: keys.storage.pointer, v: values.storage.pointer,
                                      keyMask: keyMask?.storage.pointer, output: output.storage.pointer,
                                      logSumExp: logSumExp.storage.pointer)
        return Tensor.record("fusedSoftmaxAttention", output, inputs: [queries, keys, values]) { g in
            let dq = Tensor(shape: queries.shape, storage: TensorStorage(uninitializedCount: queries.count))
            let dk = Tensor(shape: keys.shape, storage: TensorStorage(uninitializedCount: keys.count))
            let dv = Tensor(shape: values.shape, storage: TensorStorage(uninitializedCount: values.count))
            FusedSoftmaxAttention.backward(problem, q: queries.storage.pointer, k: keys.storage.pointer, v: values.storage.pointer,
                                           keyMask: keyMask?.storage.pointer, output: output.storage.pointer,
                                           logSumExp: logSumExp.storage.pointer, outputGradient: g.storage.pointer,
                                           dq: dq.storage.pointer, dk: dk.storage.pointer, dv: dv.storage.pointer)
            return [dq, dk, dv]
        }
    }
}
