/// Why training or evaluation stopped.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// The loss became NaN or infinite.
    case nonFiniteLoss(step: Int, value: Float)
    /// A gradient became NaN or infinite.
    case nonFiniteGradient(step: Int, parameter: String)
    /// A checkpoint does not belong to this model or run.
    case incompatibleCheckpoint(String)
    /// A setting is out of range.
    case invalidSetting(String)
    /// The run would need more memory than the machine has (`MemoryPlan`): the estimate and what to change.
    case insufficientMemory(String)
    /// The ranks of a data-parallel run no longer hold the same parameters (`ParameterChecksum`).
    case ranksDiverged(step: Int, ranks: [Int])

    public var description: String {
        switch self {
        case .nonFiniteLoss(let step, let value):
            "training stopped at step \(step): the loss is \(value). Lower the learning rate, enable gradient clipping (--clip), or check the data."
        case .nonFiniteGradient(let step, let parameter):
            "training stopped at step \(step): the gradient of '\(parameter)' is not finite. Lower the learning rate or enable gradient clipping (--clip)."
        case .incompatibleCheckpoint(let message): "checkpoint refused: \(message)"
        case .invalidSetting(let message): message
        case .insufficientMemory(let message): message
        case .ranksDiverged(let step, let ranks):
            "training stopped at step \(step): the parameters of rank\(ranks.count == 1 ? "" : "s") \(ranks.map(String.init).joined(separator: ", ")) differ from rank 0's (their checksums disagree). The ranks must run the same klt build, data and options; resume from the last checkpoint with --resume."
        }
    }
}
