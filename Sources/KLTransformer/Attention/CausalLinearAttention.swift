import KLTensor

/// Causal linear attention, `out_i = φ(q_i)ᵀ Σ_{j≤i} φ(k_j)v_jᵀ / (φ(q_i)·Σ_{j≤i} φ(k_j) + ε)`, as a fused
/// op whose forward *and* backward keep O(m·d_v) state per head.
///
/// The forward walks the sequence in chunks of `chunkSize`: inside a chunk the causal part is a small
/// masked product (c×c), across chunks a running state S = Σφ(k)vᵀ, z = Σφ(k) carries the past. Only
/// the final state is kept. The backward walks the chunks in reverse, recovering each chunk's
/// incoming state by *subtracting* that chunk's contribution from the state (the reverse-scan trick
/// of google-research's FAVOR+, peers-and-lra.md §1.2 item 7), while accumulating the state's
/// gradient; no per-token or per-chunk prefix state is stored.
public enum CausalLinearAttention {
    /// - Parameters:
    ///   - queries: φ(Q), (N, L, H, m).
    ///   - keys: φ(K), (N, L, H, m).
    ///   - values: V, (N, L, H, d_v).
    ///   - keyMask: (N, L), 0 for padding (those keys are left out of every sum); nil for none.
    ///   - chunkSize: rows per chunk; results do not depend on it beyond rounding.
    ///   - denominatorGuard: how the normaliser is kept away from zero.
    /// - Returns: (N, L, H, d_v).
    public static func attend(queries: Tensor, keys: Tensor, values: Tensor, keyMask: Tensor? = nil, chunkSize: Int = 64,
                              denominatorGuard: DenominatorGuard = DenominatorGuard()) -> Tensor {
        precondition(queries.rank == 4 && keys.shape == queries.shape && values.rank == 4
                     && Array(values.shape.prefix(3)) == Array(queries.shape.prefix(3)),
                     "CausalLinearAttention: queries \(queries.shape), keys \(keys.shape), values \(values.shape) must be (N, L, H, ·) alike")
        precondition(chunkSize > 0, "CausalLinearAttention: chunk size \(chunkSize) must be positive")
        let (n, l, h, m) = (queries.shape[0], queries.shape[1], queries.shape[2], queries.shape[3])
        let dv = values.shape[3]
        if let keyMask {
            precondition(keyMask.shape == [n, l], "CausalLinearAttention: key mask \(keyMask.shape) must be [\(n), \(l)]")
        }
        let maskedKeys = keyMask.map { mask in withoutGradients { keys * mask.reshaped(to: [n, l, 1, 1]) } } ?? keys
        let layout = Layout(l: l, h: h, m: m, dv: dv, chunk: chunkSize)
        let output = Tensor.zeros(values.shape)
        let denominator = Tensor.zeros([n, l, h]), clamped = Tensor.zeros([n, l, h])
        let finalState = Tensor.zeros([n, h, m, dv]), finalSum = Tensor.zeros([n, h, m])
        let q = queries.storage.pointer, k = maskedKeys.storage.pointer, v = values.storage.pointer
        let out = output.storage.pointer, den = denominator.storage.pointer, clamp = clamped.storage.pointer
        let state = finalState.storage.pointer, sum = finalSum.storage.pointer
        Parallel.forEach(n * h, costPerItem: 4 * l * m * dv) { item in
            let (b, head) = (item / h, item % h)
            let base = Offsets(layout: layout, batch: b, head: head)
            let workspace = UnsafeMutablePointer<Float>.allocate(capacity: layout.chunk * layout.chunk)
            defer { workspace.deallocate() }
            let s = state + item * m * dv, z = sum + item * m
            var t0 = 0
            while t0 < l {
                let c = min(layout.chunk, l - t0)
                let qc = q + base.features(t0), kc = k + base.features(t0), vc = v + base.values(t0)
                let oc = out + base.values(t0)
                // A = tril(Q_c K_cᵀ)
                GEMM.multiply(transposeA: false, transposeB: true, m: c, n: c, k: m, a: qc, lda: h * m, b: kc, ldb: h * m,
                              c: workspace, ldc: c)
                lowerTriangle(workspace, c)
                // numerator = Q_c S + A V_c (into the output rows)
                GEMM.multiply(transposeA: false, transposeB: false, m: c, n: dv, k: m, a: qc, lda: h * m, b: s, ldb: dv,
                              c: oc, ldc: h * dv)
                GEMM.multiply(transposeA: false, transposeB: false, m: c, n: dv, k: c, a: workspace, lda: c, b: vc, ldb: h * dv,
                              beta: 1, c: oc, ldc: h * dv)
                for i in 0..<c {
                    var total: Float = 0
                    let qi = qc + i * h * m, ai = workspace + i * c
                    for f in 0..<m { total += qi[f] * z[f] }
                    for j in 0...i { total += ai[j] }
                    let (value, wasClamped) = denominatorGuard.apply(total)
                    let index = base.row(t0 + i)
                    den[index] = value
                    clamp[index] = wasClamped ? 1 : 0
                    let oi = oc + i * h * dv, inverse = 1 / value
                    for j in 0..<dv { oi[j] *= inverse }
                }
                // S += K_cᵀ V_c ; z += Σ K_c
                GEMM.multiply(transposeA: true, transposeB: false, m: m, n: dv, k: c, a: kc, lda: h * m, b: vc, ldb: h * dv,
                              beta: 1, c: s, ldc: dv)
                for i in 0..<c {
                    let ki = kc + i * h * m
                    for f in 0..<m { z[f] += ki[f] }
                }
                t0 += c
            }
        }
        return Tensor.record("causalLinearAttention", output, inputs: [queries, keys, values]) { gradOutput in
            backward(gradOutput, queries: queries, maskedKeys: maskedKeys, values: values, keyMask: keyMask, layout: layout,
                     output: output, denominator: denominator, clamped: clamped, finalState: finalState, finalSum: finalSum)
        }
    }

    /// The reverse scan; see the type's documentation. With the chunk's incoming state (S, z),
    /// dnum = G/den, dden = −rowsum(G⊙out)/den, dA = tril(dnum·V_cᵀ + dden·1ᵀ), and
    /// dQ_c = dnum·Sᵀ + dden·zᵀ + dA·K_c; dK_c = dAᵀ·Q_c + V_c·dSᵀ + 1·dzᵀ; dV_c = Aᵀ·dnum + K_c·dS,
    /// then dS += Q_cᵀ·dnum, dz += Q_cᵀ·dden, where (dS, dz) is the gradient of the state leaving it.
    private static func backward(_ gradOutput: Tensor, queries: Tensor, maskedKeys: Tensor, values: Tensor, keyMask: Tensor?,
                                 layout: Layout, output: Tensor, denominator: Tensor, clamped: Tensor,
                                 finalState: Tensor, finalSum: Tensor) -> [Tensor?] {
        let (n, l, h, m, dv) = (queries.shape[0], layout.l, layout.h, layout.m, layout.dv)
        let gradQueries = Tensor.zeros(queries.shape), gradKeys = Tensor.zeros(queries.shape)
        let gradValues = Tensor.zeros(values.shape)
        let q = queries.storage.pointer, k = maskedKeys.storage.pointer, v = values.storage.pointer
        let g = gradOutput.storage.pointer, out = output.storage.pointer
        let den = denominator.storage.pointer, clamp = clamped.storage.pointer
        let dq = gradQueries.storage.pointer, dk = gradKeys.storage.pointer, dvp = gradValues.storage.pointer
        let finalS = finalState.storage.pointer, finalZ = finalSum.storage.pointer
        let mask = keyMask?.storage.pointer
        Parallel.forEach(n * h, costPerItem: 10 * l * m * dv) { item in
            let (b, head) = (item / h, item % h)
            let base = Offsets(layout: layout, batch: b, head: head)
            let chunk = layout.chunk
            // workspace: S, z, dS, dz, A, dA, dnum (chunk × dv), dden (chunk)
            let size = 2 * m * dv + 2 * m + 2 * chunk * chunk + chunk * dv + chunk
            let workspace = UnsafeMutablePointer<Float>.allocate(capacity: size)
            defer { workspace.deallocate() }
            workspace.update(repeating: 0, count: size)
            let s = workspace, z = s + m * dv, ds = z + m, dz = ds + m * dv
            let a = dz + m, da = a + chunk * chunk, dnum = da + chunk * chunk, dden = dnum + chunk * dv
            s.update(from: finalS + item * m * dv, count: m * dv)
            z.update(from: finalZ + item * m, count: m)
            var t1 = l
            while t1 > 0 {
                let t0 = ((t1 - 1) / chunk) * chunk, c = t1 - t0
                let qc = q + base.features(t0), kc = k + base.features(t0), vc = v + base.values(t0)
                let dqc = dq + base.features(t0), dkc = dk + base.features(t0), dvc = dvp + base.values(t0)
                // Recover the incoming state: S −= K_cᵀV_c, z −= ΣK_c.
                GEMM.multiply(transposeA: true, transposeB: false, m: m, n: dv, k: c, alpha: -1, a: kc, lda: h * m,
                              b: vc, ldb: h * dv, beta: 1, c: s, ldc: dv)
                for i in 0..<c {
                    let ki = kc + i * h * m
                    for f in 0..<m { z[f] -= ki[f] }
                }
                GEMM.multiply(transposeA: false, transposeB: true, m: c, n: c, k: m, a: qc, lda: h * m, b: kc, ldb: h * m,
                              c: a, ldc: c)
                lowerTriangle(a, c)
                for i in 0..<c {
                    let index = base.row(t0 + i), inverse = 1 / den[index]
                    let gi = g + base.values(t0 + i), oi = out + base.values(t0 + i)
                    var dot: Float = 0
                    for j in 0..<dv {
                        dot += gi[j] * oi[j]
                        dnum[i * dv + j] = gi[j] * inverse
                    }
                    dden[i] = clamp[index] != 0 ? 0 : -dot * inverse
                }
                // dA = tril(dnum V_cᵀ + dden 1ᵀ)
                GEMM.multiply(transposeA: false, transposeB: true, m: c, n: c, k: dv, a: dnum, lda: dv, b: vc, ldb: h * dv,
                              c: da, ldc: c)
                for i in 0..<c { for j in 0...i { da[i * c + j] += dden[i] } }
                lowerTriangle(da, c)
                // dQ_c = dnum Sᵀ + dA K_c + dden zᵀ
                GEMM.multiply(transposeA: false, transposeB: true, m: c, n: m, k: dv, a: dnum, lda: dv, b: s, ldb: dv,
                              c: dqc, ldc: h * m)
                GEMM.multiply(transposeA: false, transposeB: false, m: c, n: m, k: c, a: da, lda: c, b: kc, ldb: h * m,
                              beta: 1, c: dqc, ldc: h * m)
                // dK_c = dAᵀ Q_c + V_c dSᵀ + 1 dzᵀ
                GEMM.multiply(transposeA: true, transposeB: false, m: c, n: m, k: c, a: da, lda: c, b: qc, ldb: h * m,
                              c: dkc, ldc: h * m)
                GEMM.multiply(transposeA: false, transposeB: true, m: c, n: m, k: dv, a: vc, lda: h * dv, b: ds, ldb: dv,
                              beta: 1, c: dkc, ldc: h * m)
                // dV_c = Aᵀ dnum + K_c dS
                GEMM.multiply(transposeA: true, transposeB: false, m: c, n: dv, k: c, a: a, lda: c, b: dnum, ldb: dv,
                              c: dvc, ldc: h * dv)
                GEMM.multiply(transposeA: false, transposeB: false, m: c, n: dv, k: m, a: kc, lda: h * m, b: ds, ldb: dv,
                              beta: 1, c: dvc, ldc: h * dv)
                for i in 0..<c {
                    let dqi = dqc + i * h * m, dki = dkc + i * h * m
                    for f in 0..<m {
                        dqi[f] += dden[i] * z[f]
                        dki[f] += dz[f]
                    }
                    if let mask, mask[b * l + t0 + i] == 0 {
                        dki.update(repeating: 0, count: m)
                    }
                }
                // dS += Q_cᵀ dnum ; dz += Q_cᵀ dden
                GEMM.multiply(transposeA: true, transposeB: false, m: m, n: dv, k: c, a: qc, lda: h * m, b: dnum, ldb: dv,
                              beta: 1, c: ds, ldc: dv)
                for i in 0..<c {
                    let qi = qc + i * h * m
                    for f in 0..<m { dz[f] += dden[i] * qi[f] }
                }
                t1 = t0
            }
        }
        return [gradQueries, gradKeys, gradValues]
    }

    /// Zeroes the strict upper triangle of a c×c row-major matrix.
    private static func lowerTriangle(_ matrix: UnsafeMutablePointer<Float>, _ c: Int) {
        for i in 0..<c where i + 1 < c { (matrix + i * c + i + 1).update(repeating: 0, count: c - i - 1) }
    }

    /// Sizes shared by the forward and backward passes.
    struct Layout {
        let l: Int, h: Int, m: Int, dv: Int, chunk: Int
    }

    /// Element offsets of one (batch, head) slice of the (N, L, H, ·) tensors.
    struct Offsets {
        let layout: Layout, batch: Int, head: Int
        /// Offset of row t of a feature tensor (…, m).
        func features(_ t: Int) -> Int { ((batch * layout.l + t) * layout.h + head) * layout.m }
        /// Offset of row t of a value tensor (…, d_v).
        func values(_ t: Int) -> Int { ((batch * layout.l + t) * layout.h + head) * layout.dv }
        /// Index of row t in an (N, L, H) tensor.
        func row(_ t: Int) -> Int { (batch * layout.l + t) * layout.h + head }
    }
}
