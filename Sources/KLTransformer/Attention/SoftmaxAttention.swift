import KLTensor

/// Softmax attention, the quadratic baseline (spec §1.3): `softmax(QKᵀ/√d + log mask)·V` with dropout
/// on the probabilities. It forms the (N, H, L, S) score matrix, so time and memory grow as L·S.
public enum SoftmaxAttention {
    /// - Parameters:
    ///   - queries: (N, L, H, d); keys: (N, S, H, d); values: (N, S, H, d_v).
    ///   - keyMask: (N, S), 0 for padded keys (excluded from the softmax); nil for none.
    ///   - causal: when true, query i only sees keys j ≤ i (requires L == S).
    ///   - dropout: probability of dropping an attention weight in training.
    ///   - context: training flag and the generator of dropout masks.
    /// - Returns: (N, L, H, d_v).
    public static func attend(queries: Tensor, keys: Tensor, values: Tensor, keyMask: Tensor? = nil, causal: Bool = false,
                              dropout: Float = 0, context: inout ForwardContext) -> Tensor {
        precondition(queries.rank == 4 && keys.rank == 4 && values.rank == 4 && keys.shape[0...2] == values.shape[0...2]
                     && queries.shape[3] == keys.shape[3],
                     "SoftmaxAttention: queries \(queries.shape), keys \(keys.shape), values \(values.shape) must be (N, L, H, ·) alike")
        let (n, l, s, d) = (queries.shape[0], queries.shape[1], keys.shape[1], queries.shape[3])
        precondition(!causal || l == s, "SoftmaxAttention: causal attention needs as many queries as keys, got \(l) and \(s)")
        // The 1/√d scale is applied to Q (N·L·H·d values) rather than to the (N, H, L, S) scores.
        let q = (queries * (1 / Float(d).squareRoot())).permuted([0, 2, 1, 3])
        let k = keys.permuted([0, 2, 1, 3]), v = values.permuted([0, 2, 1, 3])
        let scores = Tensor.matmul(q, k, transposeB: true)                                      // (N, H, L, S)
        var mask: Tensor? = keyMask.map { $0.reshaped(to: [n, 1, 1, s]) }
        if causal {
            let triangle = Tensor.filled(shape: [1, 1, l, s]) { buffer in
                for i in 0..<l { for j in 0..<s { buffer[i * s + j] = j <= i ? 1 : 0 } }
            }
            mask = mask.map { keys in withoutGradients { keys * triangle } } ?? triangle
        }
        let probabilities = scores.softmax(alongAxis: -1, mask: mask)
            .dropout(probability: dropout, generator: &context.generator, training: context.training)
        return Tensor.matmul(probabilities, v).permuted([0, 2, 1, 3])
    }
}
