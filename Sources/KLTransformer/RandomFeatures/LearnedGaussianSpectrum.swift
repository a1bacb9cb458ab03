import KLTensor

/// The paper's learned GMM spectral distribution as a source of the random-feature grid (spec
/// random-features.md §4.2): per head h a Gaussian N(μ_h, Γ_h), Γ_h = diag(e^{σ_h}), written
/// ω = μ_h + L_h ε with L_h = diag(e^{σ_h/2}) and ε from a fixed source. Learned μ_h, σ_h
/// (initialised as GMM-PRF's) make the kernel itself learned:
///
///     κ_h(x, y) = exp(μ_hᵀz + ½zᵀΓ_h z − ½‖x‖² − ½‖y‖²),  z = x + y        (exponential components)
///     κ_h(x, y) = cos(μ_hᵀΔ)·exp(−½ΔᵀΓ_h Δ),  Δ = x − y                     (TrigRF, + s²)
///
/// Every component is applied to ε and the transformed inputs x' = L_hᵀx, never to ω, which keeps
/// GERF's, OPRF's and SADERF's algebra valid: the exponential features are g(x)·φ(x') with
/// log g(x) = μ_hᵀx + c‖x'‖² − c‖x‖² (`logFactor`; c = ½ for the softmax versions of the components,
/// 1 for their Gaussian versions, `ComponentFunction.normPenalty`), and TrigRF gets the phase μ_hᵀx (`phase`).
/// At μ = 0, σ = 0 it is the plain component (the softmax kernel, or KG for TrigRF).
public final class LearnedGaussianSpectrum {
    /// Learned means μ, (H, d); initialised U(±1/√d) as GMM-PRF's.
    public let mean: Tensor
    /// Learned log-variances σ, (H, d); initialised Xavier-uniform as GMM-PRF's.
    public let logVariance: Tensor

    /// A spectrum for `heads` heads of dimension `d`, drawn from `generator`.
    public init(heads: Int, dimension d: Int, generator: inout RandomGenerator) {
        logVariance = Initialization.xavierUniform([heads, d], fanIn: d, fanOut: heads, generator: &generator)
        mean = Initialization.uniform([heads, d], bound: 1 / Float(d).squareRoot(), generator: &generator)
    }

    /// The learned tensors, for optimisers and checkpoints.
    public var parameters: [NamedParameter] { [NamedParameter("mean", mean), NamedParameter("logVariance", logVariance)] }

    /// For scaled inputs x (N, L, H, d): the transformed inputs x' = L_hᵀx, the log-factor
    /// log g(x) (N, L, H, 1) of an exponential component with norm penalty `normPenalty` = c, and the
    /// phase μ_hᵀx (N, L, H, 1) of TrigRF.
    func transform(_ x: Tensor, normPenalty: Float) -> (inputs: Tensor, logFactor: Tensor, phase: Tensor) {
        let (heads, d) = (mean.shape[0], mean.shape[1])
        let scale = (logVariance * 0.5).exp().reshaped(to: [1, 1, heads, d])
        let transformed = x * scale
        let phase = (x * mean.reshaped(to: [1, 1, heads, d])).sum(alongAxes: [-1], keepingDimensions: true)
        let norms = (transformed.squared() - x.squared()).sum(alongAxes: [-1], keepingDimensions: true) * normPenalty
        return (transformed, phase + norms, phase)
    }
}

/// The source named `gmm`: independent N(0, I_d) noise ε for a `LearnedGaussianSpectrum`, which
/// the map turns into learned frequencies ω = μ_h + L_h ε. Its presence in a pair is what makes the
/// pair's kernel learned.
public struct LearnedSpectrumNoise: FrequencySource {
    /// The order in which the generator's stream fills ε.
    public let order: GaussianDrawOrder

    /// The noise of the learned GMM spectrum, drawn in `order`.
    public init(order: GaussianDrawOrder = .byFrequency) { self.order = order }

    public var name: String { "gmm" }
    public var summary: String { "learned per-head Gaussian ω = μ_h + diag(e^{σ_h/2})ε (the paper's GMM; components act on ε)" }
    public var isMarginallyGaussian: Bool { true }

    public func frequencies(count: Int, dimension: Int, generator: inout RandomGenerator) -> [Float] {
        order.normalRows(count: count, dimension: dimension, generator: &generator)
    }
}
