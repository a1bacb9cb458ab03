import KLTensor

/// Causal linear attention one token at a time, for streaming inference: the state after t tokens is
/// S = Σ_{j≤t} φ(k_j)v_jᵀ (per head, m × d_v) and z = Σ_{j≤t} φ(k_j) (m), and each step costs O(m·d_v)
/// whatever the position. Feeding a sequence token by token gives the same outputs as
/// `CausalLinearAttention.attend` (up to rounding). No gradients are recorded.
public struct RecurrentLinearAttentionState {
    /// Σ φ(k) vᵀ, (N, H, m, d_v).
    public private(set) var keyValue: Tensor
    /// Σ φ(k), (N, H, m).
    public private(set) var keySum: Tensor
    /// Tokens consumed so far.
    public private(set) var position = 0
    /// The normaliser guard, as in the parallel form.
    public let denominatorGuard: DenominatorGuard

    /// An empty state for `batch` sequences of `heads` heads with m features and d_v value size.
    public init(batch: Int, heads: Int, featureCount: Int, valueDimension: Int,
                denominatorGuard: DenominatorGuard = DenominatorGuard()) {
        keyValue = .zeros([batch, heads, featureCount, valueDimension])
        keySum = .zeros([batch, heads, featureCount])
        self.denominatorGuard = denominatorGuard
    }

    /// Adds one token's key and value to the state and returns its attention output.
    /// - Parameters:
    ///   - query: φ(q_t), (N, H, m). - key: φ(k_t), (N, H, m). - value: v_t, (N, H, d_v).
    ///   - keyMask: (N,), 0 where this token is padding (its key is not added); nil for none.
    /// - Returns: (N, H, d_v).
    public mutating func step(query: Tensor, key: Tensor, value: Tensor, keyMask: Tensor? = nil) -> Tensor {
        let (n, h, m, dv) = (keyValue.shape[0], keyValue.shape[1], keyValue.shape[2], keyValue.shape[3])
        precondition(query.shape == [n, h, m] && key.shape == [n, h, m] && value.shape == [n, h, dv],
                     "RecurrentLinearAttentionState.step: query \(query.shape), key \(key.shape), value \(value.shape) must be [\(n), \(h), \(m)], [\(n), \(h), \(m)], [\(n), \(h), \(dv)]")
        let output = Tensor.zeros([n, h, dv])
        let q = query.storage.pointer, k = key.storage.pointer, v = value.storage.pointer
        let kv = keyValue.storage.pointer, ks = keySum.storage.pointer, out = output.storage.pointer
        let mask = keyMask?.storage.pointer
        for b in 0..<n {
            let keep = mask?[b] ?? 1
            for head in 0..<h {
                let item = b * h + head
                let qi = q + item * m, ki = k + item * m, vi = v + item * dv
                let s = kv + item * m * dv, z = ks + item * m, o = out + item * dv
                if keep != 0 {
                    for f in 0..<m {
                        z[f] += ki[f]
                        let row = s + f * dv
                        for j in 0..<dv { row[j] += ki[f] * vi[j] }
                    }
                }
                var total: Float = 0
                for f in 0..<m {
                    total += qi[f] * z[f]
                    let row = s + f * dv
                    for j in 0..<dv { o[j] += qi[f] * row[j] }
                }
                let inverse = 1 / denominatorGuard.apply(total).value
                for j in 0..<dv { o[j] *= inverse }
            }
        }
        position += 1
        return output
    }
}
