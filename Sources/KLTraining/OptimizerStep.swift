import KLTransformer

/// The end of one training step, after `backward()`, that every training loop shares: refuse a
/// non-finite gradient (naming the parameter), clip the global norm when the settings ask for it,
/// and apply AdamW at the schedule's rate for this step.
enum OptimizerStep {
    /// Applies the update of 0-based step `step` and returns the gradient norm before clipping and
    /// the learning rate used; throws `TrainingError.nonFiniteGradient` before changing anything.
    static func apply(_ optimizer: AdamW, settings: TrainingSettings, step: Int) throws -> (gradientNorm: Double, rate: Double) {
        if let name = GradientClipping.firstNonFiniteGradient(optimizer.parameters) {
            throw TrainingError.nonFiniteGradient(step: step + 1, parameter: name)
        }
        let norm = settings.clipNorm.map { GradientClipping.clip(optimizer.parameters, maxNorm: $0) }
            ?? GradientClipping.globalNorm(optimizer.parameters)
        let rate = settings.schedule.rate(atStep: step)
        optimizer.update(learningRate: rate)
        return (norm, rate)
    }
}
