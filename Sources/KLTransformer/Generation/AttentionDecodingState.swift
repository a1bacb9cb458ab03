import KLTensor

/// What one causal attention layer remembers of the tokens it has seen, so that the next token costs
/// one step instead of a pass over the whole prefix (`MultiHeadAttention.step(_:state:)`).
///
/// Linear attention keeps the running sums Σφ(k)vᵀ and Σφ(k) per head (and per mixture component)
/// with the key stabiliser fixed by the first token: constant memory whatever the position. Softmax
/// attention keeps every key and value so far (a key-value cache), which grows by one row per token.
///
/// A copy of a linear layer's state shares its running sums, which each step updates in place:
/// keep one state per sequence being generated.
public struct AttentionDecodingState {
    /// The memory of one kind of attention.
    enum Memory {
        /// Linear attention: the running sums and the key stabiliser of the sequence (nil until the
        /// first token, or for maps that need none).
        case recurrent(RecurrentLinearAttentionState, keyShift: Tensor?)
        /// Softmax attention: the keys and values so far, (N, t, H, d) each; nil before the first token.
        case keysAndValues(keys: Tensor?, values: Tensor?)
    }

    /// Sequences decoded side by side.
    public let batch: Int
    /// Tokens consumed so far.
    public internal(set) var position = 0
    var memory: Memory

    init(batch: Int, memory: Memory) {
        self.batch = batch
        self.memory = memory
    }

    /// Floats held for the sequence so far: constant for linear attention, growing with the position
    /// for softmax attention's cache.
    public var storedScalarCount: Int {
        switch memory {
        case .recurrent(let state, let keyShift): state.keyValue.count + state.keySum.count + (keyShift?.count ?? 0)
        case .keysAndValues(let keys, let values): (keys?.count ?? 0) + (values?.count ?? 0)
        }
    }
}
