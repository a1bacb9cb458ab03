import ArgumentParser
import KLTraining

/// The optimiser, schedule and evaluation options that `klt train` and `klt pretrain` share, and the
/// `TrainingSettings` they make.
struct OptimizationOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Optimizer updates.")
    var steps = 4000
    @Option(parsing: .unconditional, help: "Examples (windows, when pre-training) per update.")
    var batchSize = 32
    @Option(name: .customLong("lr"), parsing: .unconditional, help: "Peak learning rate (reached at the end of warmup).")
    var learningRate = 1e-3
    @Option(parsing: .unconditional, help: "Warmup steps (default: 10% of --steps).")
    var warmup: Int?
    @Option(help: "Schedule after warmup: rsqrt (LRA's), cosine, or constant.")
    var schedule = "rsqrt"
    @Option(parsing: .unconditional, help: "Clip the global gradient norm to this value (default: no clipping, as the paper).")
    var clip: Double?
    @Option(parsing: .unconditional, help: "Weight decay (AdamW, decoupled).")
    var weightDecay = 0.1
    @Option(parsing: .unconditional, help: "Evaluate on validation and checkpoint every this many steps.")
    var evalEvery = 250
    @Option(parsing: .unconditional, help: "Validation batches per periodic evaluation (default: all).")
    var evalBatches: Int?

    func validate() throws {
        guard ["rsqrt", "cosine", "constant"].contains(schedule) else {
            throw ValidationError("unknown --schedule '\(schedule)'; available: rsqrt, cosine, constant")
        }
        guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
        guard evalEvery > 0 else { throw ValidationError("--eval-every must be positive, got \(evalEvery)") }
        if let evalBatches, evalBatches <= 0 { throw ValidationError("--eval-batches must be positive, got \(evalBatches)") }
        guard learningRate > 0, learningRate.isFinite else { throw ValidationError("--lr must be positive, got \(learningRate)") }
        guard weightDecay >= 0, weightDecay.isFinite else { throw ValidationError("--weight-decay must be a non-negative number, got \(weightDecay)") }
        if let warmup, warmup < 0 { throw ValidationError("--warmup must not be negative, got \(warmup)") }
        if let clip, !(clip > 0) { throw ValidationError("--clip must be positive, got \(clip)") }
    }

    /// The settings these options give, with `seed` for the data order and dropout.
    func settings(seed: UInt64) -> TrainingSettings {
        let warmupSteps = warmup ?? max(1, steps / 10)
        let rateSchedule: LearningRateSchedule = switch schedule {
        case "cosine": .warmupCosine(peak: learningRate, warmup: warmupSteps, total: steps)
        case "constant": .constant(learningRate)
        default: .warmupRsqrt(base: learningRate * Double(max(warmupSteps, 1)).squareRoot(), warmup: warmupSteps)
        }
        return TrainingSettings(steps: steps, batchSize: batchSize, schedule: rateSchedule,
                                optimizer: AdamW.Settings(weightDecay: weightDecay), clipNorm: clip,
                                evaluationInterval: evalEvery, evaluationBatches: evalBatches, seed: seed)
    }
}
