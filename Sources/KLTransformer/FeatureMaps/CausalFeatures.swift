import KLTensor

/// The features of one causal attention call, and the key stabiliser that later calls of the same
/// sequence must reuse.
///
/// Exponential maps keep exp from overflowing by shifting log-features (spec random-features.md
/// §2.7): each query by its own maximum (a factor that cancels in its attention row) and all keys
/// by one common constant per batch element and head (a factor common to every key, so the kernel
/// is unchanged). Without causality that constant is the maximum over all keys; causally it must
/// not depend on keys after a position, and it must not change between calls either, or a
/// sequence fed token by token (`RecurrentLinearAttentionState`) would get other features — and,
/// through the denominator guard, other outputs — than the same sequence fed at once
/// (`CausalLinearAttention`). So causal maps take it from the **first** key of the sequence, fix
/// it there, and hand it on: every later key of the sequence is shifted by the same constant.
/// A later key whose log-features exceed the first key's maximum by more than about 88 (float's
/// range) would overflow; a running maximum over earlier keys has no such limit but gives each key
/// its own shift, which changes the kernel.
public struct CausalFeatures {
    /// φ(Q), (N, L, H, m·C).
    public let queries: Tensor
    /// φ(K), (N, L, H, m·C).
    public let keys: Tensor
    /// The key stabiliser of this sequence, (N, 1, H, 1), to pass with its next tokens; nil for maps
    /// that need none.
    public let keyShift: Tensor?

    /// Features with the stabiliser they were shifted by.
    public init(queries: Tensor, keys: Tensor, keyShift: Tensor?) {
        self.queries = queries
        self.keys = keys
        self.keyShift = keyShift
    }
}
