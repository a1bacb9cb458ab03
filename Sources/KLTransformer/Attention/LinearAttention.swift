import CKLKernels
import KLTensor

/// How the normaliser of linear attention is kept away from zero.
///
/// With positive features (PRF, elu+1) the denominator φ(q)·Σφ(k) is positive and the official
/// `1/(x + 10⁻⁶)` is all that is needed. With trigonometric (RKS) features it can be zero or negative
/// (spec §2.5, §9 B5), and `1/(x + 10⁻⁶)` then explodes.
public struct DenominatorGuard: Sendable, Equatable {
    /// Added to the denominator, as in the official code.
    public var epsilon: Float
    /// After adding `epsilon`, a denominator with |x| < `minimumMagnitude` is replaced by
    /// ±`minimumMagnitude` (keeping its sign; no gradient flows through the replaced value).
    /// 0 reproduces the official code exactly. **Deviation from the official code** when > 0.
    public var minimumMagnitude: Float

    /// A guard with the given constants.
    public init(epsilon: Float = 1e-6, minimumMagnitude: Float = 1e-4) {
        self.epsilon = epsilon
        self.minimumMagnitude = minimumMagnitude
    }

    /// Exactly the official `1/(x + 10⁻⁶)`.
    public static let official = DenominatorGuard(epsilon: 1e-6, minimumMagnitude: 0)

    /// The guarded denominator and whether it was clamped (then it has no gradient).
    @inline(__always)
    func apply(_ x: Float) -> (value: Float, clamped: Bool) {
        let shifted = x + epsilon
        if abs(shifted) >= minimumMagnitude { return (shifted, false) }
        return (shifted < 0 ? -minimumMagnitude : minimumMagnitude, true)
    }
}

/// Non-causal linear attention (spec §1.2), as one fused op with its own backward:
///
///     out_l = Σ_s (φ(q_l)·φ(k_s)) pad_s v_s / (φ(q_l)·Σ_s pad_s φ(k_s) + ε)
///
/// computed as φ(Q)·(φ(K)ᵀV) in O(L·m·d_v) time per head and O(m·d_v) extra memory; no L×S matrix is
/// ever formed. Key padding zeroes the rows of φ(K) before both sums. Works on (N, L, H, ·) layouts
/// directly, one strided GEMM per head.
public enum LinearAttention {
    /// - Parameters:
    ///   - queries: φ(Q), (N, L, H, m).
    ///   - keys: φ(K), (N, S, H, m).
    ///   - values: V, (N, S, H, d_v).
    ///   - keyMask: (N, S), 1 for real tokens and 0 for padding; nil when nothing is padded.
    ///   - denominatorGuard: how the normaliser is kept away from zero.
    /// - Returns: (N, L, H, d_v).
    public static func attend(queries: Tensor, keys: Tensor, values: Tensor, keyMask: Tensor? = nil,
                              denominatorGuard: DenominatorGuard = DenominatorGuard()) -> Tensor {
        precondition(queries.rank == 4 && keys.rank == 4 && values.rank == 4,
                     "LinearAttention: queries \(queries.shape), keys \(keys.shape), values \(values.shape) must be (N, L, H, ·)")
        let (n, l, h, m) = (queries.shape[0], queries.shape[1], queries.shape[2], queries.shape[3])
        let s = keys.shape[1], dv = values.shape[3]
        precondition(keys.shape == [n, s, h, m] && values.shape == [n, s, h, dv],
                     "LinearAttention: keys \(keys.shape) and values \(values.shape) do not match queries \(queries.shape)")
        if let keyMask {
            precondition(keyMask.shape == [n, s], "LinearAttention: key mask \(keyMask.shape) must be [\(n), \(s)]")
        }
        let maskedKeys = keyMask.map { mask in
            withoutGradients { keys * mask.reshaped(to: [n, s, 1, 1]) }
        } ?? keys
        // Every output below is written in full before it is read.
        let keyValue = Tensor.uninitialized([n, h, m, dv])       // Σ_s φ(k_s) v_sᵀ per head
        let keySum = Tensor.uninitialized([n, h, m])              // Σ_s φ(k_s) per head
        let numerator = Tensor.uninitialized([n, l, h, dv])
        let denominator = Tensor.uninitialized([n, l, h])         // guarded
        let clamped = Tensor.uninitialized([n, l, h])             // 1 where the guard replaced the value
        let output = Tensor.uninitialized([n, l, h, dv])
        let q = queries.storage.pointer, k = maskedKeys.storage.pointer, v = values.storage.pointer
        let kv = keyValue.storage.pointer, ks = keySum.storage.pointer, num = numerator.storage.pointer
        let den = denominator.storage.pointer, clamp = clamped.storage.pointer, out = output.storage.pointer
        Parallel.forEach(n, costPerItem: s * h * m) { b in
            columnSums(k + b * s * h * m, rows: s, columns: h * m, into: ks + b * h * m)
        }
        // KV_h = φ(K)_hᵀ V_h, then numerator_h = φ(Q)_h KV_h, for every sequence and head.
        let heads = HeadwiseProduct(sequences: n, heads: h)
        heads.multiply(.tokens(k, length: s, width: m), transposeA: true, by: .tokens(v, length: s, width: dv),
                       into: .blocks(kv, rows: m, columns: dv))
        heads.multiply(.tokens(q, length: l, width: m), by: .blocks(kv, rows: m, columns: dv),
                       into: .tokens(num, length: l, width: dv))
        Parallel.forRanges(n * l, costPerItem: h * (m + 2 * dv)) { start, end in
            for row in start..<end {
                let b = row / l
                for head in 0..<h {
                    let qv = q + (row * h + head) * m, sum = ks + (b * h + head) * m
                    let (value, wasClamped) = denominatorGuard.apply(VectorMath.dot(qv, sum, count: m))
                    den[row * h + head] = value
                    clamp[row * h + head] = wasClamped ? 1 : 0
                    let inverse = 1 / value
                    let src = num + (row * h + head) * dv, dst = out + (row * h + head) * dv
                    for j in 0..<dv { dst[j] = src[j] * inverse }
                }
            }
        }
        return Tensor.record("linearAttention", output, inputs: [queries, keys, values]) { gradOutput in
            backward(gradOutput, queries: queries, maskedKeys: maskedKeys, values: values, keyMask: keyMask,
                     keyValue: keyValue, keySum: keySum, output: output, denominator: denominator, clamped: clamped)
        }
    }

    /// Gradients of `attend` with respect to φ(Q), φ(K), V. With Z = 1/den:
    /// dnum = Z·G, dden = −Z·rowsum(G ⊙ out) (0 where clamped), dφQ = dnum·KVᵀ + dden·Σφ(K)ᵀ,
    /// dKV = φQᵀ·dnum, dΣφ(K) = φQᵀ·dden, dφK = (V·dKVᵀ + dΣφ(K))⊙pad, dV = φ(K)⊙pad·dKV.
    private static func backward(_ gradOutput: Tensor, queries: Tensor, maskedKeys: Tensor, values: Tensor, keyMask: Tensor?,
                                 keyValue: Tensor, keySum: Tensor, output: Tensor, denominator: Tensor,
                                 clamped: Tensor) -> [Tensor?] {
        let (n, l, h, m) = (queries.shape[0], queries.shape[1], queries.shape[2], queries.shape[3])
        let s = values.shape[1], dv = values.shape[3]
        let gradNumerator = Tensor.uninitialized([n, l, h, dv])
        let gradDenominator = Tensor.uninitialized([n, l, h])
        let g = gradOutput.storage.pointer, o = output.storage.pointer, den = denominator.storage.pointer
        let clamp = clamped.storage.pointer, dnum = gradNumerator.storage.pointer, dden = gradDenominator.storage.pointer
        Parallel.forRanges(n * l * h, costPerItem: 3 * dv) { start, end in
            for index in start..<end {
                let inverse = 1 / den[index]
                for j in 0..<dv { dnum[index * dv + j] = g[index * dv + j] * inverse }
                dden[index] = clamp[index] != 0 ? 0 : -VectorMath.dot(g + index * dv, o + index * dv, count: dv) * inverse
            }
        }
        // The products write these in full; the key sums' gradient is accumulated.
        let gradQueries = Tensor.uninitialized(queries.shape), gradKeys = Tensor.uninitialized(maskedKeys.shape)
        let gradValues = Tensor.uninitialized(values.shape)
        let gradKeyValue = Tensor.uninitialized([n, h, m, dv]), gradKeySum = Tensor.zeros([n, h, m])
        let q = queries.storage.pointer, k = maskedKeys.storage.pointer, v = values.storage.pointer
        let kv = keyValue.storage.pointer, ks = keySum.storage.pointer
        let dq = gradQueries.storage.pointer, dk = gradKeys.storage.pointer, dvp = gradValues.storage.pointer
        let dkv = gradKeyValue.storage.pointer, dks = gradKeySum.storage.pointer
        // dφQ_h = dnum_h · KV_hᵀ and dKV_h = φQ_hᵀ · dnum_h, then dφK_h = V_h · dKV_hᵀ and
        // dV_h = φK_h · dKV_h, for every sequence and head.
        let heads = HeadwiseProduct(sequences: n, heads: h)
        heads.multiply(.tokens(dnum, length: l, width: dv), by: .blocks(kv, rows: m, columns: dv), transposeB: true,
                       into: .tokens(dq, length: l, width: m))
        heads.multiply(.tokens(q, length: l, width: m), transposeA: true, by: .tokens(dnum, length: l, width: dv),
                       into: .blocks(dkv, rows: m, columns: dv))
        heads.multiply(.tokens(v, length: s, width: dv), by: .blocks(dkv, rows: m, columns: dv), transposeB: true,
                       into: .tokens(dk, length: s, width: m))
        heads.multiply(.tokens(k, length: s, width: m), by: .blocks(dkv, rows: m, columns: dv),
                       into: .tokens(dvp, length: s, width: dv))
        // The denominator's terms: dφQ += dden ⊗ Σφ(K); dΣφ(K) = Σ_l dden_l φQ_l; dφK += dΣφ(K). Rows of m
        // go through the vectorised kl_vaxpy / kl_varith (the same roundings as a Swift loop).
        Parallel.forRanges(n * l, costPerItem: h * m) { start, end in
            for row in start..<end {
                let b = row / l
                for head in 0..<h {
                    kl_vaxpy(dden[row * h + head], ks + (b * h + head) * m, dq + (row * h + head) * m, m)
                }
            }
        }
        Parallel.forEach(n, costPerItem: l * h * m) { b in
            for row in 0..<l {
                for head in 0..<h {
                    kl_vaxpy(dden[(b * l + row) * h + head], q + ((b * l + row) * h + head) * m, dks + (b * h + head) * m, m)
                }
            }
        }
        let mask = keyMask?.storage.pointer
        let (add, multiply) = (Int32(KL_ARITH_ADD.rawValue), Int32(KL_ARITH_MUL.rawValue))
        Parallel.forRanges(n * s, costPerItem: h * m) { start, end in
            for row in start..<end {
                let b = row / s
                for head in 0..<h {
                    let target = dk + (row * h + head) * m
                    kl_varith(add, target, dks + (b * h + head) * m, target, m)
                    if let mask { kl_varith_scalar_right(multiply, target, mask[row], target, m) }
                }
            }
        }
        return [gradQueries, gradKeys, gradValues]
    }

    /// Sums the rows of a row-major (rows × columns) matrix into `result` (which it overwrites).
    static func columnSums(_ matrix: UnsafePointer<Float>, rows: Int, columns: Int, into result: UnsafeMutablePointer<Float>) {
        result.update(repeating: 0, count: columns)
        for r in 0..<rows { kl_varith(Int32(KL_ARITH_ADD.rawValue), result, matrix + r * columns, result, columns) }
    }
}
