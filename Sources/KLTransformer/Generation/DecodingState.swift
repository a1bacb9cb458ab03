import KLTensor

/// What a `CausalLanguageModel` remembers of the tokens fed to it so far, one
/// `AttentionDecodingState` per layer: constant memory per sequence for linear kernels (the
/// recurrent sums), a key-value cache that grows with the position for softmax.
///
/// Made by `CausalLanguageModel.makeDecodingState(batch:)` and advanced by `step(tokens:state:)`.
/// A copy shares the running sums of linear layers, which each step updates in place: keep one
/// state per group of sequences being generated.
public struct DecodingState {
    /// Sequences decoded side by side.
    public let batch: Int
    /// Tokens fed so far (the position of the next one).
    public internal(set) var position = 0
    /// One state per layer.
    var layers: [AttentionDecodingState]

    init(batch: Int, layers: [AttentionDecodingState]) {
        self.batch = batch
        self.layers = layers
    }

    /// Floats held for the sequences so far, over all layers (`AttentionDecodingState.storedScalarCount`).
    public var storedScalarCount: Int { layers.reduce(0) { $0 + $1.storedScalarCount } }
}
