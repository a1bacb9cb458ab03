import KLTensor

/// One batch of a language-modelling objective: the (possibly corrupted) input windows the model
/// reads, and which positions it must predict with which token ids.
///
/// Masked-language-model batches predict the masked positions' original tokens; next-token
/// batches predict, at each position, the token after it. Either way the loss is the mean
/// cross-entropy over `targets`, so one training loop serves both objectives.
public struct TokenPredictionBatch: Sendable, Equatable {
    /// `batch` rows of `length` input ids, row-major (0 = padding, at the end of a row).
    public var inputs: [Int]
    /// Rows in the batch.
    public var batch: Int
    /// Ids per row (with padding).
    public var length: Int
    /// Real ids per row.
    public var lengths: [Int]
    /// The predicted positions as flat indices `row · length + position` into `inputs`, ascending.
    public var positions: [Int]
    /// The token id to predict at each of `positions`.
    public var targets: [Int]

    /// A batch from its parts; `positions` and `targets` must have one entry each per prediction.
    public init(inputs: [Int], batch: Int, length: Int, lengths: [Int], positions: [Int], targets: [Int]) {
        precondition(inputs.count == batch * length && lengths.count == batch && positions.count == targets.count,
                     "TokenPredictionBatch: \(inputs.count) inputs, \(lengths.count) lengths for \(batch) × \(length); \(positions.count) positions for \(targets.count) targets")
        self.inputs = inputs
        self.batch = batch
        self.length = length
        self.lengths = lengths
        self.positions = positions
        self.targets = targets
    }
}

/// A model pre-trained by predicting tokens: it gives logits over its vocabulary at the positions a
/// `TokenPredictionBatch` asks for. `MaskedLanguageModel` reads the whole window at every position;
/// a causal model reads only what comes before.
public protocol TokenPredictingModel: CheckpointableModel {
    /// Logits (P, vocabulary) at the batch's P predicted positions, in the order of `positions`.
    func predictionLogits(_ batch: TokenPredictionBatch, context: inout ForwardContext) -> Tensor
}
