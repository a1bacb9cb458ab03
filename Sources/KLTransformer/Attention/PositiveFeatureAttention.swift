import CKLKernels
import KLTensor

/// What a positive-feature component computes, for `PositiveFeatureAttention`: the features
/// exp([u, −u] − w‖x‖² + c − shift) of the projections u = xᵀω (the ± pair when `hyperbolic`).
public struct PositiveFeatureForm: Sendable, Equatable {
    /// Whether each frequency gives the pair exp(±ωᵀx …).
    public var hyperbolic: Bool
    /// The weight w of the norm: ½ for PosRF, 1 for its Gaussian-kernel version.
    public var normWeight: Float
}

/// Non-causal linear attention over positive random features of fixed frequencies, with the
/// features made block by block inside the attention and never written out (FAVOR+ and every other
/// PosRF kernel whose ω takes no gradient and no learned spectrum).
///
/// The separate ops write φ(Q) and φ(K) (as wide as M features per head, 4× the inputs for FAVOR+'s
/// 64 features of 16-wide heads), and read them back in every product and row pass of attention and
/// of both backwards, each time from memory. Here each sequence and head is one task, which runs over
/// its tokens in blocks of `blockRows`: a block's projection u = x·ω, its features, their products
/// and the row operations on them all run while the block is in L2, and backward makes the features
/// again from x rather than keeping them. Values and gradients are those of
/// `ExponentialFeatures.stabilizedFeatures` (query shift per row, key shift per sequence) followed by
/// `LinearAttention.attend`, bit for bit: every row goes through the same row kernels and products,
/// and the sums over tokens are taken over blocks of the built-in GEMM's depth block.
enum PositiveFeatureAttention {
    /// Tokens per block: a multiple of the built-in GEMM's depth block (384), so the sums over
    /// tokens, block by block, add the same partial sums in the same order as one product.
    static let blockRows = 384

    /// - Parameters:
    ///   - queries: scaled queries x (N, L, H, d); keys: scaled keys y (N, S, H, d); values: V (N, S, H, d_v).
    ///   - frequencies: ω (d, M), no gradient, M ≤ `GEMM.singleBlockDepth`.
    ///   - constant: the log-features' constant c; form: the features' pairing and norm weight.
    ///   - keyMask: (N, S), 1 for real tokens and 0 for padding; nil when nothing is padded.
    /// - Returns: (N, L, H, d_v).
    static func attend(queries: Tensor, keys: Tensor, values: Tensor, frequencies omega: Tensor, constant: Float,
                       form: PositiveFeatureForm, keyMask: Tensor?, denominatorGuard: DenominatorGuard) -> Tensor {
        precondition(!omega.requiresGrad, "PositiveFeatureAttention: the frequencies take no gradient")
        let problem = PositiveFeatureInputs(queries: queries, keys: keys, values: values, omega: omega, constant: constant, form: form,
                              keyMask: keyMask)
        let (n, l, h, dv) = (problem.n, problem.l, problem.h, problem.dv)
        let width = problem.width
        // Every output below is written in full before it is read.
        let keyValue = Tensor.uninitialized([n, h, width, dv]), keySum = Tensor.uninitialized([n, h, width])
        let keyShift = Tensor.uninitialized([n, h]), denominator = Tensor.uninitialized([n, l, h])
        let clamped = Tensor.uninitialized([n, l, h]), output = Tensor.uninitialized([n, l, h, dv])
        let kv = keyValue.storage.pointer, ks = keySum.storage.pointer, shifts = keyShift.storage.pointer
        let den = denominator.storage.pointer, clamp = clamped.storage.pointer
        let out = HeadRows(output, heads: h)
        Parallel.forEach(n * h, costPerItem: problem.cost) { item in
            let (b, head) = item.quotientAndRemainder(dividingBy: h)
            let kvItem = kv + item * width * dv, ksItem = ks + item * width
            problem.withBlockMemory { block in
                shifts[item] = problem.keyShift(b, head, block)
                // KV = φ(K)ᵀV and Σφ(K) over the real keys, block by block (zero without keys).
                ksItem.update(repeating: 0, count: width)
                if problem.s == 0 { kvItem.update(repeating: 0, count: width * dv) }
                for first in stride(from: 0, to: problem.s, by: blockRows) {
                    let rows = problem.keyFeatures(b, head, first, shift: shifts + item, masked: true, block)
                    GEMM.multiply(transposeA: true, transposeB: false, m: width, n: dv, k: rows, a: block.phi, lda: width,
                                  b: problem.v.row(b, first, head), ldb: problem.v.stride,
                                  beta: first == 0 ? 0 : 1, c: kvItem, ldc: dv)
                    for row in 0..<rows { kl_varith(add, ksItem, block.phi + row * width, ksItem, width) }
                }
                // out = φ(Q)·KV / (φ(Q)·Σφ(K)), the numerator of a block in block memory.
                for first in stride(from: 0, to: l, by: blockRows) {
                    let rows = problem.queryFeatures(b, head, first, block)
                    GEMM.multiply(transposeA: false, transposeB: false, m: rows, n: dv, k: width, a: block.phi, lda: width,
                                  b: kvItem, ldb: dv, c: block.values, ldc: dv)
                    for row in 0..<rows {
                        let index = (b * l + first + row) * h + head
                        let (value, wasClamped) = denominatorGuard.apply(VectorMath.dot(block.phi + row * width, ksItem, count: width))
                        den[index] = value
                        clamp[index] = wasClamped ? 1 : 0
                        let inverse = 1 / value
                        let source = block.values + row * dv, destination = out.row(b, first + row, head)
                        for j in 0..<dv { destination[j] = source[j] * inverse }
                    }
                }
            }
        }
        return Tensor.record("positiveFeatureAttention", output, inputs: [queries, keys, values]) { gradOutput in
            backward(gradOutput, problem: problem, keyValue: keyValue, keySum: keySum, keyShift: keyShift, output: output,
                     denominator: denominator, clamped: clamped)
        }
    }

    /// Gradients with respect to x, y and V: `LinearAttention`'s backward with respect to φ(Q), φ(K)
    /// and V, then `StabilizedExponential`'s with respect to the inputs, block by block.
    private static func backward(_ gradOutput: Tensor, problem: PositiveFeatureInputs, keyValue: Tensor, keySum: Tensor, keyShift: Tensor,
                                 output: Tensor, denominator: Tensor, clamped: Tensor) -> [Tensor?] {
        let (n, l, h, dv, width) = (problem.n, problem.l, problem.h, problem.dv, problem.width)
        // Every gradient is written in full before it is read.
        let gradQueries = Tensor.uninitialized(problem.x.shape), gradKeys = Tensor.uninitialized(problem.y.shape)
        let gradValues = Tensor.uninitialized([n, problem.s, h, dv])
        let gradKeyValue = Tensor.uninitialized([n, h, width, dv]), gradKeySum = Tensor.uninitialized([n, h, width])
        let g = HeadRows(gradOutput, heads: h), o = HeadRows(output, heads: h)
        let dx = HeadRows(gradQueries, heads: h), dy = HeadRows(gradKeys, heads: h), dvRows = HeadRows(gradValues, heads: h)
        let kv = keyValue.storage.pointer, ks = keySum.storage.pointer, shifts = keyShift.storage.pointer
        let den = denominator.storage.pointer, clamp = clamped.storage.pointer
        let dkv = gradKeyValue.storage.pointer, dks = gradKeySum.storage.pointer, mask = problem.mask
        Parallel.forEach(n * h, costPerItem: 2 * problem.cost) { item in
            let (b, head) = item.quotientAndRemainder(dividingBy: h)
            let kvItem = kv + item * width * dv, ksItem = ks + item * width
            let dkvItem = dkv + item * width * dv, dksItem = dks + item * width
            problem.withBlockMemory { block in
                // The query side: dnum = G/den, dden = −G·out/den (0 where clamped), dφQ = dnum·KVᵀ + dden ⊗ Σφ(K),
                // dKV += φQᵀ·dnum, dΣφ(K) += dden·φQ, then the features' backward into dx.
                dksItem.update(repeating: 0, count: width)
                if l == 0 { dkvItem.update(repeating: 0, count: width * dv) }
                for first in stride(from: 0, to: l, by: blockRows) {
                    let rows = problem.queryFeatures(b, head, first, block)
                    for row in 0..<rows {
                        let index = (b * l + first + row) * h + head
                        let inverse = 1 / den[index], gradient = g.row(b, first + row, head)
                        for j in 0..<dv { block.values[row * dv + j] = gradient[j] * inverse }
                        block.scalars[row] = clamp[index] != 0 ? 0 : -VectorMath.dot(gradient, o.row(b, first + row, head), count: dv) * inverse
                    }
                    GEMM.multiply(transposeA: false, transposeB: true, m: rows, n: width, k: dv, a: block.values, lda: dv,
                                  b: kvItem, ldb: dv, c: block.gradPhi, ldc: width)
                    GEMM.multiply(transposeA: true, transposeB: false, m: width, n: dv, k: rows, a: block.phi, lda: width,
                                  b: block.values, ldb: dv, beta: first == 0 ? 0 : 1, c: dkvItem, ldc: dv)
                    for row in 0..<rows {
                        kl_vaxpy(block.scalars[row], ksItem, block.gradPhi + row * width, width)
                        kl_vaxpy(block.scalars[row], block.phi + row * width, dksItem, width)
                    }
                    problem.inputGradients(rows: rows, block, into: dx, b, first, head)
                }
                // The key side: dφK = (V·dKVᵀ + dΣφ(K))⊙pad, then the features' backward into dy (from the
                // unmasked features, as the separate ops), and dV = φK⊙pad·dKV.
                for first in stride(from: 0, to: problem.s, by: blockRows) {
                    let rows = problem.keyFeatures(b, head, first, shift: shifts + item, masked: false, block)
                    GEMM.multiply(transposeA: false, transposeB: true, m: rows, n: width, k: dv,
                                  a: problem.v.row(b, first, head), lda: problem.v.stride, b: dkvItem, ldb: dv,
                                  c: block.gradPhi, ldc: width)
                    for row in 0..<rows {
                        let target = block.gradPhi + row * width
                        kl_varith(add, target, dksItem, target, width)
                        if let mask { kl_varith_scalar_right(multiply, target, mask[b * problem.s + first + row], target, width) }
                    }
                    problem.inputGradients(rows: rows, block, into: dy, b, first, head)
                    if let mask { problem.maskRows(rows, block, b, first) }
                    GEMM.multiply(transposeA: false, transposeB: false, m: rows, n: dv, k: width, a: block.phi, lda: width,
                                  b: dkvItem, ldb: dv, c: dvRows.row(b, first, head), ldc: dvRows.stride)
                }
            }
        }
        return [gradQueries, gradKeys, gradValues]
    }

    fileprivate static let add = Int32(KL_ARITH_ADD.rawValue), multiply = Int32(KL_ARITH_MUL.rawValue)
}

/// The inputs of one `PositiveFeatureAttention` call and the per-block steps shared by its forward
/// and backward: the projection, the features, and the features' backward.
private struct PositiveFeatureInputs: @unchecked Sendable {
    let x: Tensor, y: Tensor, values: Tensor, omega: Tensor, keyMaskTensor: Tensor?
    let xRows: HeadRows, yRows: HeadRows, v: HeadRows
    let mask: UnsafeMutablePointer<Float>?, frequencies: UnsafeMutablePointer<Float>
    let n: Int, l: Int, s: Int, h: Int, d: Int, dv: Int, m: Int, width: Int
    let constant: Float, hyperbolic: Bool, normWeight: Float

    init(queries: Tensor, keys: Tensor, values: Tensor, omega: Tensor, constant: Float, form: PositiveFeatureForm, keyMask: Tensor?) {
        precondition(queries.rank == 4 && keys.rank == 4 && values.rank == 4 && omega.rank == 2,
                     "PositiveFeatureAttention: queries \(queries.shape), keys \(keys.shape), values \(values.shape) must be (N, L, H, ·), ω \(omega.shape) (d, M)")
        (n, l, h, d) = (queries.shape[0], queries.shape[1], queries.shape[2], queries.shape[3])
        (s, dv, m) = (keys.shape[1], values.shape[3], omega.shape[1])
        precondition(keys.shape == [n, s, h, d] && values.shape == [n, s, h, dv] && omega.shape[0] == d,
                     "PositiveFeatureAttention: keys \(keys.shape), values \(values.shape), ω \(omega.shape) do not match queries \(queries.shape)")
        precondition(m <= GEMM.singleBlockDepth, "PositiveFeatureAttention: \(m) frequencies exceed \(GEMM.singleBlockDepth)")
        if let keyMask { precondition(keyMask.shape == [n, s], "PositiveFeatureAttention: key mask \(keyMask.shape) must be [\(n), \(s)]") }
        (x, y, self.values, self.omega, keyMaskTensor) = (queries, keys, values, omega, keyMask)
        (xRows, yRows, v) = (HeadRows(queries, heads: h), HeadRows(keys, heads: h), HeadRows(values, heads: h))
        (mask, frequencies) = (keyMask?.storage.pointer, omega.storage.pointer)
        width = form.hyperbolic ? 2 * m : m
        (self.constant, hyperbolic, normWeight) = (constant, form.hyperbolic, form.normWeight)
    }

    /// Work per sequence and head for `Parallel.forEach`.
    var cost: Int { 2 * (l + s) * (2 * m * d + 2 * width * dv + 12 * width) }

    /// One task's block memory: the rows of u, x, φ, ∂φ, d_v-wide values and one scalar per row.
    struct Block {
        let u: UnsafeMutablePointer<Float>, inputs: UnsafeMutablePointer<Float>, phi: UnsafeMutablePointer<Float>
        let gradPhi: UnsafeMutablePointer<Float>, values: UnsafeMutablePointer<Float>, scalars: UnsafeMutablePointer<Float>
        let gradInputs: UnsafeMutablePointer<Float>, rowScratch: UnsafeMutablePointer<Float>
    }

    func withBlockMemory(_ body: (Block) -> Void) {
        let rows = PositiveFeatureAttention.blockRows
        let sizes = [rows * m, rows * d, rows * width, rows * width, rows * dv, rows, rows * d, width]
        withUnsafeTemporaryAllocation(of: Float.self, capacity: sizes.reduce(0, +)) { buffer in
            var next = buffer.baseAddress!
            func take(_ count: Int) -> UnsafeMutablePointer<Float> { defer { next += count }; return next }
            body(Block(u: take(sizes[0]), inputs: take(sizes[1]), phi: take(sizes[2]), gradPhi: take(sizes[3]),
                       values: take(sizes[4]), scalars: take(sizes[5]), gradInputs: take(sizes[6]), rowScratch: take(sizes[7])))
        }
    }

    /// u = x·ω of the block's rows into `block.u`, and the rows themselves into `block.inputs`; the row count.
    private func project(_ rows: HeadRows, _ b: Int, _ first: Int, _ head: Int, length: Int, _ block: Block) -> Int {
        let count = min(PositiveFeatureAttention.blockRows, length - first)
        GEMM.multiply(transposeA: false, transposeB: false, m: count, n: m, k: d, a: rows.row(b, first, head), lda: rows.stride,
                      b: frequencies, ldb: m, c: block.u, ldc: m)
        for row in 0..<count { (block.inputs + row * d).update(from: rows.row(b, first + row, head), count: d) }
        return count
    }

    /// The query features of the block at `first` (each row shifted by its own maximum) into `block.phi`.
    func queryFeatures(_ b: Int, _ head: Int, _ first: Int, _ block: Block) -> Int {
        let rows = project(xRows, b, first, head, length: l, block)
        kl_norm_offset_exp_rows(block.u, block.inputs, rows, m, d, normWeight, constant, hyperbolic ? 1 : 0, nil, 1, 1, 0, block.phi)
        return rows
    }

    /// The key features of the block at `first`, shifted by `shift`, into `block.phi`; padding rows
    /// zeroed when `masked`.
    func keyFeatures(_ b: Int, _ head: Int, _ first: Int, shift: UnsafePointer<Float>, masked: Bool, _ block: Block) -> Int {
        let rows = project(yRows, b, first, head, length: s, block)
        // One shift for every row: the table's entry 0 (row / (l·h) = 0 for l = rows, h = 1).
        kl_norm_offset_exp_rows(block.u, block.inputs, rows, m, d, normWeight, constant, hyperbolic ? 1 : 0, shift, rows, 1, 0,
                                block.phi)
        if masked && mask != nil { maskRows(rows, block, b, first) }
        return rows
    }

    /// Multiplies the block's feature rows by their tokens' mask values (the separate ops' `keys · mask`).
    func maskRows(_ rows: Int, _ block: Block, _ b: Int, _ first: Int) {
        guard let mask else { return }
        for row in 0..<rows {
            let target = block.phi + row * width
            kl_varith_scalar_right(PositiveFeatureAttention.multiply, target, mask[b * s + first + row], target, width)
        }
    }

    /// The key shift of sequence `b` and head `head`: the largest log-feature over its real tokens
    /// (`NormOffsetRows.maximum`), at least −10³⁰.
    func keyShift(_ b: Int, _ head: Int, _ block: Block) -> Float {
        var best = -Float.infinity
        for first in stride(from: 0, to: s, by: PositiveFeatureAttention.blockRows) {
            let count = project(yRows, b, first, head, length: s, block)
            let rows = NormOffsetRows(projections: block.u, inputs: block.inputs, count: count, m: m, d: d, constant: constant,
                                      hyperbolic: hyperbolic, normWeight: normWeight)
            for row in 0..<count where mask.map({ $0[b * s + first + row] != 0 }) ?? true { best = max(best, rows.maximum(row)) }
        }
        return max(best, -1e30)
    }

    /// From ∂φ of the block (`block.gradPhi`) and its features and inputs: ∂u, then
    /// ∂x = −2w·x·Σγ + ∂u·ωᵀ, written to the block's rows of `gradients`.
    func inputGradients(rows: Int, _ block: Block, into gradients: HeadRows, _ b: Int, _ first: Int, _ head: Int) {
        kl_norm_offset_exp_backward_rows(block.gradPhi, block.phi, block.inputs, rows, m, d, normWeight, hyperbolic ? 1 : 0,
                                         block.rowScratch, block.u, block.gradInputs)
        GEMM.multiply(transposeA: false, transposeB: true, m: rows, n: d, k: m, a: block.u, lda: m, b: frequencies, ldb: m,
                      beta: 1, c: block.gradInputs, ldc: d)
        for row in 0..<rows { gradients.row(b, first + row, head).update(from: block.gradInputs + row * d, count: d) }
    }
}

/// One (N, L, H, width) tensor seen as N·H matrices of L rows: head h's width elements of each row.
struct HeadRows: @unchecked Sendable {
    /// The first element.
    let pointer: UnsafeMutablePointer<Float>
    /// Tokens per sequence, elements per head, and the distance between rows (H · width).
    let length: Int, width: Int, stride: Int

    init(_ tensor: Tensor, heads: Int) {
        (pointer, length, width) = (tensor.storage.pointer, tensor.shape[1], tensor.shape[3])
        stride = heads * width
    }

    /// Head `head`'s elements of token `row` of sequence `sequence`.
    func row(_ sequence: Int, _ row: Int, _ head: Int) -> UnsafeMutablePointer<Float> {
        pointer + (sequence * length + row) * stride + head * width
    }
}
