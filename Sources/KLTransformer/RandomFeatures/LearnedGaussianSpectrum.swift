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
public final class LearnedGaussianSpectrum: LearnedSpectrum {
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

    public func transform(_ x: Tensor, normPenalty: Float) -> (inputs: Tensor, logFactor: Tensor, phase: Tensor) {
        let (heads, d) = (mean.shape[0], mean.shape[1])
        let transformed = x * (logVariance * 0.5).exp().reshaped(to: [1, 1, heads, d])
        return Self.transformed(x, transformed, mean: mean, normPenalty: normPenalty)
    }
}

/// A learned Gaussian spectrum N(μ_h, L_h L_hᵀ) per head, written ω = μ_h + L_h ε: the maps apply
/// their component to ε and the transformed inputs x' = L_hᵀx (spec random-features.md §4.2).
public protocol LearnedSpectrum: AnyObject {
    /// The learned tensors, for optimisers and checkpoints.
    var parameters: [NamedParameter] { get }
    /// For scaled inputs x (N, L, H, d): the transformed inputs x' = L_hᵀx, the log-factor
    /// log g(x) = μ_hᵀx + c‖x'‖² − c‖x‖² (N, L, H, 1) of an exponential component with norm penalty
    /// `normPenalty` = c, and the phase μ_hᵀx (N, L, H, 1) of TrigRF.
    func transform(_ x: Tensor, normPenalty: Float) -> (inputs: Tensor, logFactor: Tensor, phase: Tensor)
}

extension LearnedSpectrum {
    /// The transform's three results from x, x' = L_hᵀx and the means μ (H, d).
    static func transformed(_ x: Tensor, _ transformed: Tensor, mean: Tensor, normPenalty: Float)
        -> (inputs: Tensor, logFactor: Tensor, phase: Tensor) {
        let phase = (x * mean.reshaped(to: [1, 1] + mean.shape)).sum(alongAxes: [-1], keepingDimensions: true)
        let norms = (transformed.squared() - x.squared()).sum(alongAxes: [-1], keepingDimensions: true) * normPenalty
        return (transformed, phase + norms, phase)
    }
}

/// The source named `gmm`: independent N(0, I_d) noise ε for a `LearnedGaussianSpectrum`, which
/// the map turns into learned frequencies ω = μ_h + L_h ε. Its presence in a pair is what makes the
/// pair's kernel learned.
public struct LearnedSpectrumNoise: FrequencySource {
    /// The shape of the learned covariance.
    public enum Covariance: Sendable {
        /// diag(e^{σ_h}) per head (`LearnedGaussianSpectrum`), the grid's `gmm`.
        case diagonal
        /// Σ_hᵀΣ_h with a full learned factor (`LearnedFullCovarianceSpectrum`), per head or one
        /// shared by the heads: GMM-RKS and Gauss-RKS.
        case full(sharedByHeads: Bool)
        /// e^{σ_h}·I, one variance per head (`LearnedIsotropicSpectrum`): hyperbolic GMM-PRF.
        case isotropic
    }

    /// The order in which the generator's stream fills ε.
    public let order: GaussianDrawOrder
    /// The covariance the spectrum learns.
    public let covariance: Covariance

    /// The noise of the learned GMM spectrum, drawn in `order`, for a spectrum with `covariance`.
    public init(order: GaussianDrawOrder = .byFrequency, covariance: Covariance = .diagonal) {
        self.order = order
        self.covariance = covariance
    }

    /// A spectrum of this covariance for `heads` heads of dimension `dimension`, drawn from `generator`.
    public func makeSpectrum(heads: Int, dimension: Int, generator: inout RandomGenerator) -> any LearnedSpectrum {
        switch covariance {
        case .diagonal: LearnedGaussianSpectrum(heads: heads, dimension: dimension, generator: &generator)
        case .full(let shared): LearnedFullCovarianceSpectrum(heads: heads, dimension: dimension, sharedByHeads: shared, generator: &generator)
        case .isotropic: LearnedIsotropicSpectrum(heads: heads, dimension: dimension, generator: &generator)
        }
    }

    public var name: String { "gmm" }
    public var summary: String { "learned per-head Gaussian ω = μ_h + diag(e^{σ_h/2})ε (the paper's GMM; components act on ε)" }
    public var isMarginallyGaussian: Bool { true }

    public func frequencies(count: Int, dimension: Int, generator: inout RandomGenerator) -> [Float] {
        order.normalRows(count: count, dimension: dimension, generator: &generator)
    }
}
