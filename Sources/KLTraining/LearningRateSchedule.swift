import Foundation

/// The learning rate as a function of the number of optimizer steps already taken.
public enum LearningRateSchedule: Sendable, Equatable, Codable {
    /// LRA's `constant * linear_warmup * rsqrt_decay` (spec §5): base·min(1, t/W)/√max(t, W).
    /// The first update (t = 0) therefore has rate 0, as in the official code; at t = W it is base/√W.
    case warmupRsqrt(base: Double, warmup: Int)
    /// Linear warmup to `peak` over `warmup` steps, then cosine decay to 0 at `total` steps.
    case warmupCosine(peak: Double, warmup: Int, total: Int)
    /// A fixed rate.
    case constant(Double)

    /// The rate for the update that follows `step` completed updates.
    public func rate(atStep step: Int) -> Double {
        let t = Double(step)
        switch self {
        case .warmupRsqrt(let base, let warmup):
            let w = Double(max(warmup, 1))
            return base * min(1, t / w) / max(t, w).squareRoot()
        case .warmupCosine(let peak, let warmup, let total):
            if step < warmup { return peak * (t + 1) / Double(max(warmup, 1)) }
            let progress = min(1, (t - Double(warmup)) / Double(max(total - warmup, 1)))
            return peak * 0.5 * (1 + cos(Double.pi * progress))
        case .constant(let rate):
            return rate
        }
    }
}
