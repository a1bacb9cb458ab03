import KLTensor

/// Softmax attention, the quadratic baseline (spec §1.3): `softmax(QKᵀ/√d + log mask)·V` with dropout
/// on the probabilities. Time grows as L·S; memory only as L + S: the scores are computed block by
/// block with an online softmax and recomputed in the backward pass (`Tensor.fusedSoftmaxAttention`),
/// never stored as an (N, H, L, S) matrix.
public enum SoftmaxAttention {
    /// - Parameters:
    ///   - queries: (N, L, H, d); keys: (N, S, H, d); values: (N, S, H, d_v).
    ///   - keyMask: (N, S), 0 for padded keys (excluded from the softmax); nil for none.
    ///   - causal: when true, query i only sees keys j ≤ i (requires L == S).
    ///   - dropout: probability of dropping an attention weight in training.
    ///   - context: training flag and the generator of dropout masks (one seed drawn per call that drops).
    /// - Returns: (N, L, H, d_v).
    public static func attend(queries: Tensor, keys: Tensor, values: Tensor, keyMask: Tensor? = nil, causal: Bool = false,
                              dropout: Float = 0, context: inout ForwardContext) -> Tensor {
        let drops = context.training && dropout > 0
        return Tensor.fusedSoftmaxAttention(queries: queries, keys: keys, values: values, keyMask: keyMask, causal: causal,
                                            dropout: drops ? dropout : 0, dropoutSeed: drops ? context.generator.nextUInt64() : 0)
    }
}
