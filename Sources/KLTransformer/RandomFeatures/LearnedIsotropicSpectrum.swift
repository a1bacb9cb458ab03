import KLTensor

/// A learned Gaussian spectrum with one variance per head: N(μ_h, e^{σ_h}·I), ω = μ_h + e^{σ_h/2}ε,
/// the spectrum of the official code's hyperbolic GMM-PRF (`mix-gauss-positive-hyperbolic`, spec
/// kl-transformer.md §2.11), whose pairs ±ω (`PositiveComponent.mirrorsMean`) carry the mean's sign.
///
/// The inputs become x' = e^{σ_h/2}x. Initialised as the official code: μ, then σ, both U(±0.5).
public final class LearnedIsotropicSpectrum: LearnedSpectrum {
    /// Learned means μ, (H, d).
    public let mean: Tensor
    /// Learned log-variances σ, one per head, (H).
    public let logVariance: Tensor

    /// A spectrum for `heads` heads of dimension `d`, drawn from `generator`.
    public init(heads: Int, dimension d: Int, generator: inout RandomGenerator) {
        mean = Initialization.uniform([heads, d], bound: 0.5, generator: &generator)
        logVariance = Initialization.uniform([heads], bound: 0.5, generator: &generator)
    }

    public var parameters: [NamedParameter] { [NamedParameter("mean", mean), NamedParameter("logVariance", logVariance)] }

    public func transform(_ x: Tensor, normPenalty: Float) -> (inputs: Tensor, logFactor: Tensor, phase: Tensor) {
        let transformed = x * (logVariance * 0.5).exp().reshaped(to: [1, 1, logVariance.shape[0], 1])
        return Self.transformed(x, transformed, mean: mean, normPenalty: normPenalty)
    }
}
