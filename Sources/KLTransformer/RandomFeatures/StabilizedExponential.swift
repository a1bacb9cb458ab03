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
        let output = Tensor.uninitialized(logFeatures.shape)
        let source = logFeatures.storage.pointer, phi = output.storage.pointer
        let sequenceShift: Tensor?
        switch shift {
        case .perRow:
            sequenceShift = nil
            Parallel.forRanges(n * l * h, costPerItem: 12 * m) { start, end in
                for row in start..<end {
                    let x = source + row * m, out = phi + row * m
                    let c = VectorMath.maximum(x, count: m)
                    for j in 0..<m { out[j] = x[j] - c }
                    VectorMath.applySerially(.exp, out, out, count: m)
                }
            }
        case .perSequence(let keyMask):
            sequenceShift = maxima(logFeatures, keyMask: keyMask)
        case .given(let given):
            precondition(given.shape == [n, 1, h, 1], "StabilizedExponential: shift \(given.shape) must be [\(n), 1, \(h), 1]")
            sequenceShift = given
        }
        if let sequenceShift {
            let c = sequenceShift.storage.pointer
            Parallel.forRanges(n * l * h, costPerItem: 10 * m) { start, end in
                for row in start..<end {
                    let x = source + row * m, out = phi + row * m, shift = c[(row / (l * h)) * h + row % h]
                    for j in 0..<m { out[j] = x[j] - shift }
                    VectorMath.applySerially(.exp, out, out, count: m)
                }
            }
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

    /// The key shift: per batch element and head, the maximum of ℓ over the real tokens' features,
    /// at least −10³⁰; (N, 1, H, 1).
    private static func maxima(_ logFeatures: Tensor, keyMask: Tensor?) -> Tensor {
        let (n, l, h, m) = (logFeatures.shape[0], logFeatures.shape[1], logFeatures.shape[2], logFeatures.shape[3])
        if let keyMask { precondition(keyMask.shape == [n, l], "StabilizedExponential: key mask \(keyMask.shape) must be [\(n), \(l)]") }
        let shift = Tensor.uninitialized([n, 1, h, 1])
        let source = logFeatures.storage.pointer, mask = keyMask?.storage.pointer, c = shift.storage.pointer
        Parallel.forEach(n * h, costPerItem: l * m) { item in
            let (b, head) = item.quotientAndRemainder(dividingBy: h)
            var best = -Float.infinity
            for position in 0..<l where mask.map({ $0[b * l + position] != 0 }) ?? true {
                best = max(best, VectorMath.maximum(source + ((b * l + position) * h + head) * m, count: m))
            }
            c[item] = max(best, -1e30)
        }
        return shift
    }
}
