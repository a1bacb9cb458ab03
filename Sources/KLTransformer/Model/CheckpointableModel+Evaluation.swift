import KLTensor

extension CheckpointableModel {
    /// The Philox key of the evaluation draws (see `evaluating(_:)`); feature map `i` of the model
    /// draws from counter block `i` under this key.
    public static var evaluationKey: UInt64 { 0x4B4C_5445_7661_6C31 }   // "KLTEval1"

    /// Runs `body`, a sequence of evaluation passes (`training: false`), so that its result is a
    /// function of the model's state alone and leaves that state as it was:
    ///
    /// - every feature map that draws in evaluation (the paper's kernels redraw ε at every call
    ///   unless `frozenInEvaluation`) draws from a fixed stream (`evaluationKey`, one block per
    ///   map) restarted at the beginning of `body`, so evaluating the same model twice gives the
    ///   same numbers, and two checkpoints of a run are scored on the same draws;
    /// - afterwards each map's randomness (generator, call count) and buffers (its current draw,
    ///   running statistics) are put back, so evaluating in the middle of training does not change
    ///   what training draws next: a run's losses do not depend on how often it is evaluated.
    public func evaluating<Result>(_ body: () throws -> Result) rethrows -> Result {
        let saved = featureDraws
        drawFeatures(fromStreamsUnder: Self.evaluationKey)
        defer { restore(saved) }
        return try body()
    }
}
