import KLTensor

extension MultiHeadAttention {
    /// An empty decoding state for `batch` sequences, for a causal layer.
    ///
    /// A linear layer's feature map is prepared here, once, in evaluation mode (`prepareForward(training:
    /// false)`): a whole generation is one forward pass as far as the map's redraw schedule goes, so
    /// every step sees the same draw, as every position of a parallel pass does.
    public func makeDecodingState(batch: Int) -> AttentionDecodingState {
        precondition(causal, "MultiHeadAttention: only causal attention can decode token by token")
        precondition(batch > 0, "MultiHeadAttention: a decoding state needs at least one sequence, got \(batch)")
        switch mechanism {
        case .softmax:
            return AttentionDecodingState(batch: batch, memory: .keysAndValues(keys: nil, values: nil))
        case .linear(let map):
            map.prepareForward(training: false)
            let components = map.mixtureComponents > 1 ? map.mixtureComponents : 1
            let sums = RecurrentLinearAttentionState(batch: batch, heads: heads * components, featureCount: map.featureCount,
                                                     valueDimension: headDimension, denominatorGuard: denominatorGuard)
            return AttentionDecodingState(batch: batch, memory: .recurrent(sums, keyShift: nil))
        }
    }

    /// The layer's output for the next token of each sequence, x (N, 1, D_model) → (N, 1, D_model),
    /// updating `state`; the same as position `state.position` of a causal pass over the whole
    /// sequence (up to rounding). No gradients are recorded.
    public func step(_ x: Tensor, state: inout AttentionDecodingState) -> Tensor {
        let n = state.batch
        precondition(x.rank == 3 && x.shape[0] == n && x.shape[1] == 1,
                     "MultiHeadAttention.step: input \(x.shape) must be one token per sequence, [\(n), 1, ·]")
        return withoutGradients {
            let split = [n, 1, heads, headDimension]
            let q = query(x).reshaped(to: split), k = key(x).reshaped(to: split), v = value(x).reshaped(to: split)
            let attended: Tensor
            switch (mechanism, state.memory) {
            case (.softmax, .keysAndValues(let pastKeys, let pastValues)):
                let keys = pastKeys.map { Tensor.concatenate([$0, k], alongAxis: 1) } ?? k
                let values = pastValues.map { Tensor.concatenate([$0, v], alongAxis: 1) } ?? v
                var context = ForwardContext(training: false)
                attended = SoftmaxAttention.attend(queries: q, keys: keys, values: values, context: &context)
                state.memory = .keysAndValues(keys: keys, values: values)
            case (.linear(let map), .recurrent(var sums, let keyShift)):
                let features = map.causalFeatures(queries: q, keys: k, keyShift: keyShift, training: false)
                attended = mixing(map, features.queries, features.keys, v) { phiQ, phiK, values in
                    let (h, m, dv) = (phiQ.shape[2], phiQ.shape[3], values.shape[3])
                    return sums.step(query: phiQ.reshaped(to: [n, h, m]), key: phiK.reshaped(to: [n, h, m]),
                                     value: values.reshaped(to: [n, h, dv])).reshaped(to: [n, 1, h, dv])
                }
                state.memory = .recurrent(sums, keyShift: features.keyShift)
            default:
                preconditionFailure("MultiHeadAttention.step: the decoding state belongs to a layer of another kind")
            }
            state.position += 1
            return output(attended.reshaped(to: [n, 1, heads * headDimension]))
        }
    }
}
