import CKLKernels
import KLTensor

/// φ = exp(ℓ − c) of log-features ℓ (N, L, H, M) with the stabiliser c taken from ℓ itself and held
/// constant (no gradient), as one fused op: it replaces a maximum, a broadcast subtraction and an
/// exponential (three passes forward, two backward) by a scan and one pass forward and one pass
/// backward, ∂/∂ℓ = g ⊙ φ. The values are those of `(ℓ − c).exp()` bit for bit.
enum StabilizedExponential {
    /// Where the stabiliser c comes from.
    enum Shift {
        /// The maximum of each row of M log-features: the query shift, which cancels row by row.
        case perRow
        /// The maximum over the sequence's real tokens and all M features, per batch element and
        /// head (at least −10³⁰, so a sequence of padding alone stays finite): the key shift.
        case perSequence(keyMask: Tensor?)
        /// A shift given per batch element and head, (N, 1, H, 1): the causal key shift.
        case given(Tensor)
    }

    /// φ = exp(ℓ − c), and c itself for a shift per sequence or given ((N, 1, H, 1); nil per row).
    static func apply(_ logFeatures: Tensor, shift: Shift) -> (features: Tensor, shift: Tensor?) {
        precondition(logFeatures.rank == 4, "StabilizedExponential: log-features \(logFeatures.shape) must be (N, L, H, M)")
        let (n, l, h, m) = (logFeatures.shape[0], logFeatures.shape[1], logFeatures.shape[2], logFeatures.shape[3])
        let source = logFeatures.storage.pointer
        let sequenceShift = shifts(shift, n: n, l: l, h: h, width: m) { row in VectorMath.maximum(source + row * m, count: m) }
        let output = exponentiated(n: n, l: l, h: h, width: m, shift: sequenceShift, costPerItem: 2 * m) { row, _ in
            UnsafePointer(source + row * m)
        }
        let features = Tensor.record("stabilizedExponential", output, inputs: [logFeatures]) { g in
            let gradient = Tensor.uninitialized(output.shape)
            let gp = g.storage.pointer, phi = output.storage.pointer, dl = gradient.storage.pointer
            Parallel.forRanges(output.count, costPerItem: 2) { start, end in
                for i in start..<end { dl[i] = gp[i] * phi[i] }
            }
            return [gradient]
        }
        return (features, sequenceShift)
    }

    /// φ = exp(ℓ − c) of the log-features ℓ = [u, −u] (`hyperbolic`) or u, plus the row offset
    /// −w‖x‖² + `constant` (`NormOffsetRows`; w = `normWeight`, ½ for PosRF), for projections u (N, L, H, M) and inputs x (N, L, H, d),
    /// without writing ℓ: `ExponentialFeatures`' norm offset and this op fused into one pass each
    /// way (one more scan forward for a shift per sequence), with the values and gradients of the
    /// two ops in sequence bit for bit. ∂/∂u = γ₁ − γ₂ (or γ), ∂/∂x = −2w·x·Σ_j γ_j, γ = g ⊙ φ.
    static func apply(projections u: Tensor, offsetOf x: Tensor, constant: Float, hyperbolic: Bool, normWeight: Float = 0.5,
                      shift: Shift) -> (features: Tensor, shift: Tensor?) {
        let (output, sequenceShift) = normOffsetFeatures(u, x, constant: constant, hyperbolic: hyperbolic, normWeight: normWeight,
                                                         shift: shift)
        let (rowCount, m, d, width) = (Shape.count(u.shape.dropLast()), u.shape[3], x.shape[3], output.shape[3])
        let features = Tensor.record("stabilizedNormOffsetExponential", output, inputs: [u, x]) { g in
            let gradU = Tensor.uninitialized(u.shape), gradX = Tensor.uninitialized(x.shape)
            let gp = g.storage.pointer, phi = output.storage.pointer, inputs = x.storage.pointer
            let du = gradU.storage.pointer, dx = gradX.storage.pointer
            // γ = g ⊙ φ, then `NormOffsetRows.backward` of it, row by row (kl_norm_offset_exp_backward_rows).
            Parallel.forRanges(rowCount, costPerItem: 2 * width + 2 * d) { start, end in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: hyperbolic ? width : 0) { scratch in
                    kl_norm_offset_exp_backward_rows(gp + start * width, phi + start * width, inputs + start * d, end - start,
                                                     m, d, normWeight, hyperbolic ? 1 : 0, scratch.baseAddress, du + start * m, dx + start * d)
                }
            }
            return [gradU, gradX]
        }
        return (features, sequenceShift)
    }

    /// The same features for u = x·ω with ω (d, M) fixed (no gradient), as one op on x: u is
    /// computed forward and dropped, and backward runs in blocks of `backwardBlockRows` rows whose
    /// ∂u stays in the cache, each added into ∂x by the product ∂u·ωᵀ itself (β = 1) — where the two
    /// ops would write ∂u (as large as φ) and read it back for the product, then add the product to
    /// the offset's ∂x in a separate pass. Values and gradients are those of `Tensor.matmul(x, ω)`
    /// followed by `apply(projections:offsetOf:…)`, bit for bit: each element of ∂u·ωᵀ is one sum
    /// over M ≤ `GEMM`'s depth block, rounded and then added to the offset's gradient, as there.
    static func apply(inputs x: Tensor, frequencies omega: Tensor, constant: Float, hyperbolic: Bool, normWeight: Float = 0.5,
                      shift: Shift) -> (features: Tensor, shift: Tensor?) {
        precondition(!omega.requiresGrad, "StabilizedExponential: the frequencies of the fused projection take no gradient")
        precondition(x.rank == 4 && omega.rank == 2 && omega.shape[0] == x.shape[3],
                     "StabilizedExponential: inputs \(x.shape) and frequencies \(omega.shape) do not match")
        precondition(omega.shape[1] <= GEMM.singleBlockDepth,
                     "StabilizedExponential: \(omega.shape[1]) frequencies exceed the fused projection's \(GEMM.singleBlockDepth)")
        let u = withoutGradients { Tensor.matmul(x, omega) }
        let (output, sequenceShift) = normOffsetFeatures(u, x, constant: constant, hyperbolic: hyperbolic, normWeight: normWeight,
                                                         shift: shift)
        let (rowCount, m, d, width) = (Shape.count(u.shape.dropLast()), u.shape[3], x.shape[3], output.shape[3])
        let features = Tensor.record("stabilizedProjectedExponential", output, inputs: [x]) { g in
            let gradX = Tensor.uninitialized(x.shape)
            let gp = g.storage.pointer, phi = output.storage.pointer, inputs = x.storage.pointer
            let frequencies = omega.storage.pointer, dx = gradX.storage.pointer
            Parallel.forRanges(rowCount, costPerItem: 2 * width + 2 * d + 2 * m * d) { start, end in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: backwardBlockRows * m + (hyperbolic ? width : 0)) { buffer in
                    let du = buffer.baseAddress!, scratch = du + backwardBlockRows * m
                    for first in stride(from: start, to: end, by: backwardBlockRows) {
                        let rows = min(backwardBlockRows, end - first)
                        kl_norm_offset_exp_backward_rows(gp + first * width, phi + first * width, inputs + first * d, rows,
                                                         m, d, normWeight, hyperbolic ? 1 : 0, scratch, du, dx + first * d)
                        GEMM.multiply(transposeA: false, transposeB: true, m: rows, n: d, k: m, a: du, lda: m,
                                      b: frequencies, ldb: m, beta: 1, c: dx + first * d, ldc: d)
                    }
                }
            }
            return [gradX]
        }
        return (features, sequenceShift)
    }

    /// Rows per block of the fused projection's backward: 256 rows of ∂u (64 KiB at M = 64) stay
    /// in L2 between the row kernel that writes them and the product that reads them, and each
    /// product (256 × d × M) is large enough that its call costs little.
    static let backwardBlockRows = 256

    /// The forward of both fused ops: φ (N, L, H, width) and the shift per sequence (nil per row).
    private static func normOffsetFeatures(_ u: Tensor, _ x: Tensor, constant: Float, hyperbolic: Bool, normWeight: Float,
                                           shift: Shift) -> (features: Tensor, shift: Tensor?) {
        precondition(u.rank == 4, "StabilizedExponential: projections \(u.shape) must be (N, L, H, M)")
        let (n, l, h) = (u.shape[0], u.shape[1], u.shape[2])
        let rows = NormOffsetRows(u, x, constant: constant, hyperbolic: hyperbolic, normWeight: normWeight)
        let sequenceShift = shifts(shift, n: n, l: l, h: h, width: rows.width) { row in rows.maximum(row) }
        let (m, d, width) = (rows.m, rows.d, rows.width)
        let output = Tensor.uninitialized([n, l, h, width])
        let phi = output.storage.pointer, table = sequenceShift.map { UnsafePointer($0.storage.pointer) }
        // The rows' operations are `NormOffsetRows.write` and `exponentiated`'s, in C with the
        // vector ISA (kl_norm_offset_exp_rows); the two ops in sequence give the same bits.
        Parallel.forRanges(rows.count, costPerItem: rows.cost + 10 * width) { start, end in
            kl_norm_offset_exp_rows(rows.projections + start * m, rows.inputs + start * d, end - start, m, d, normWeight, constant,
                                    hyperbolic ? 1 : 0, table, l, h, start, phi + start * width)
        }
        return (output, sequenceShift)
    }

    /// The stabiliser per batch element and head that `shift` asks for ((N, 1, H, 1)), or nil for
    /// the per-row shift; `rowMaximum(r)` is the largest log-feature of row r of (N·L·H) rows of `width`.
    private static func shifts(_ shift: Shift, n: Int, l: Int, h: Int, width: Int, rowMaximum: (Int) -> Float) -> Tensor? {
        switch shift {
        case .perRow:
            return nil
        case .perSequence(let keyMask):
            return maxima(n: n, l: l, h: h, width: width, keyMask: keyMask, rowMaximum: rowMaximum)
        case .given(let given):
            precondition(given.shape == [n, 1, h, 1], "StabilizedExponential: shift \(given.shape) must be [\(n), 1, \(h), 1]")
            return given
        }
    }

    /// exp(ℓ − c) for the (N·L·H) rows of `width` log-features that `logRow(r, out)` points to (its own
    /// memory, or `out` after writing the row there), c being each row's own maximum when `shift` is nil,
    /// else its batch element's and head's entry.
    private static func exponentiated(n: Int, l: Int, h: Int, width: Int, shift: Tensor?, costPerItem: Int,
                                      logRow: (Int, UnsafeMutablePointer<Float>) -> UnsafePointer<Float>) -> Tensor {
        let output = Tensor.uninitialized([n, l, h, width])
        let phi = output.storage.pointer, c = shift?.storage.pointer
        Parallel.forRanges(n * l * h, costPerItem: costPerItem + 10 * width) { start, end in
            for row in start..<end {
                let out = phi + row * width, logFeatures = logRow(row, out)
                let rowShift = c.map { $0[(row / (l * h)) * h + row % h] } ?? VectorMath.maximum(logFeatures, count: width)
                for j in 0..<width { out[j] = logFeatures[j] - rowShift }
                VectorMath.applySerially(.exp, out, out, count: width)
            }
        }
        return output
    }

    /// The key shift: per batch element and head, the maximum of ℓ over the real tokens' features
    /// (`rowMaximum` of each of their rows of `width`), at least −10³⁰; (N, 1, H, 1).
    private static func maxima(n: Int, l: Int, h: Int, width: Int, keyMask: Tensor?, rowMaximum: (Int) -> Float) -> Tensor {
        if let keyMask { precondition(keyMask.shape == [n, l], "StabilizedExponential: key mask \(keyMask.shape) must be [\(n), \(l)]") }
        let shift = Tensor.uninitialized([n, 1, h, 1])
        let mask = keyMask?.storage.pointer, c = shift.storage.pointer
        Parallel.forEach(n * h, costPerItem: l * width) { item in
            let (b, head) = item.quotientAndRemainder(dividingBy: h)
            var best = -Float.infinity
            for position in 0..<l where mask.map({ $0[b * l + position] != 0 }) ?? true {
                best = max(best, rowMaximum((b * l + position) * h + head))
            }
            c[item] = max(best, -1e30)
        }
        return shift
    }
}
