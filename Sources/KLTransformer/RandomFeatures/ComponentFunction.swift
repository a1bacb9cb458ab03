import KLTensor

/// The kernel a component function's features estimate, on temperature-scaled inputs
/// x = q·d^{-1/4}, y = k·d^{-1/4} (spec random-features.md §1).
public enum EstimatedKernel: String, Sendable {
    /// SM(x, y) = exp(xᵀy) = exp(qᵀk/√d), the softmax kernel.
    case softmax
    /// KG(x, y) = exp(−‖x − y‖²/2), the Gaussian (RBF) kernel.
    case gaussian
}

/// What a component function computes for one attention call.
public enum ComponentFeatures {
    /// Log-features ℓ (…, m'): the features are exp(ℓ). The map exponentiates them after
    /// subtracting the per-query maximum (a factor that cancels in attention) and one maximum per
    /// batch element and head over all keys (a factor common to every key), spec §2.7.
    case logarithmic(queries: Tensor, keys: Tensor)
    /// The features themselves (possibly negative, e.g. cos/sin).
    case direct(queries: Tensor, keys: Tensor)
}

/// The "component function" half of a kernel of the random-feature grid (spec §2): how
/// frequencies ω and inputs become features φ_Q(x), φ_K(y) with E[φ_Q(x)ᵀφ_K(y)] = κ(x, y).
///
/// Components may read statistics of the whole sequence (OPRF's A*, SADERF's Ψ*), which is why
/// they see the queries and the keys of one attention call together, with the mask of real tokens.
public protocol ComponentFunction: Sendable {
    /// The name before the `+` of `COMPONENT+SOURCE`, e.g. "oprf".
    var name: String { get }
    /// One line for `klt kernels`.
    var summary: String { get }
    /// The kernel the features estimate.
    var estimatedKernel: EstimatedKernel { get }
    /// Features per frequency (2 for cos/sin and hyperbolic pairs).
    var featuresPerFrequency: Int { get }
    /// Constant features appended after the frequency features (the smoothing constant).
    var extraFeatures: Int { get }
    /// Whether the features depend on the frequencies' lengths ‖ω_l‖² (GERF, OPRF, SADERF): then
    /// sources with fixed row lengths make them biased (spec §4.1).
    var usesFrequencyLengths: Bool { get }
    /// Whether queries and keys get different maps (SADERF).
    var isAsymmetric: Bool { get }
    /// Whether the features read statistics of the whole attention call (OPRF's A*, SADERF's Ψ*):
    /// then a query's features depend on every key, later ones included, and the component cannot
    /// serve causal attention (`FeatureMap.causalRefusal`).
    var readsSequenceStatistics: Bool { get }
    /// c in the −c‖x‖² of an exponential component's log-features: ½ for the softmax versions, 1
    /// for the Gaussian ones. A learned spectrum's factor g(x) = exp(μᵀx + c‖x'‖² − c‖x‖²) uses it,
    /// so that the component on x' = Lᵀx estimates the learned kernel of its own version (spec §4.2).
    var normPenalty: Float { get }
    /// The features of scaled queries `queries` (N, L, H, d) and keys `keys` (N, S, H, d) with
    /// frequencies `omega` (d, M); `statistics` holds the masked sequence means the component may use.
    /// `phases` (N, ·, H, 1), when given, are added to every ωᵀx of a trigonometric component (a
    /// learned spectrum's mean); exponential components take their learned factor from the map.
    func features(queries: Tensor, keys: Tensor, omega: Tensor, statistics: SequenceStatistics,
                  phases: (queries: Tensor, keys: Tensor)?) -> ComponentFeatures
    /// The features the map makes of `features(…)`'s log-features when no learned spectrum
    /// transforms the inputs, exp(ℓ − c) with the per-query shift and the per-sequence key shift
    /// (real keys per `keyMask`), for scaled queries (N, L, H, d) and keys (N, S, H, d), computed in
    /// one fused pass; nil (the default) to let the map exponentiate the log-features itself. A
    /// component that implements it gives those same features, which the map then need not write
    /// out as log-features first.
    func stabilizedFeatures(queries: Tensor, keys: Tensor, omega: Tensor, keyMask: Tensor?) -> (queries: Tensor, keys: Tensor)?
    /// The form of those stabilised features when they are exp([±]ωᵀx − w‖x‖² + c − shift) of the
    /// inputs themselves (plain PosRF and its Gaussian-kernel version), so that attention can make
    /// them block by block inside its own op (`PositiveFeatureAttention`); nil (the default) otherwise.
    var positiveFeatureForm: PositiveFeatureForm? { get }
}

extension ComponentFunction {
    /// No constant features unless a component appends some.
    public var extraFeatures: Int { 0 }
    /// Symmetric unless a component says otherwise.
    public var isAsymmetric: Bool { false }
    /// Features of each token on its own unless a component says otherwise.
    public var readsSequenceStatistics: Bool { false }
    /// The softmax versions' ½ unless a component says otherwise.
    public var normPenalty: Float { 0.5 }
    /// No fused path unless a component has one: the map exponentiates the log-features.
    public func stabilizedFeatures(queries: Tensor, keys: Tensor, omega: Tensor, keyMask: Tensor?) -> (queries: Tensor, keys: Tensor)? { nil }
    /// No positive form unless a component has one.
    public var positiveFeatureForm: PositiveFeatureForm? { nil }
}

/// Means over the real tokens of one attention call, per batch element and head, computed without
/// gradients (they choose a variance-reducing parameter, not the kernel; spec §2.4 recommends
/// stopping the gradient there). Positions with mask 0 are left out; without a mask every position
/// counts. Queries use the key mask when they cover the same positions (self-attention).
public struct SequenceStatistics {
    /// The mask of real keys, (N, S), or nil.
    public let keyMask: Tensor?
    /// The mask of real queries, (N, L), or nil.
    public let queryMask: Tensor?

    /// Statistics over the positions that `keyMask` (N, S) marks with 1; queries use it too when
    /// there are as many queries as keys.
    public init(queries: Tensor, keys: Tensor, keyMask: Tensor?) {
        self.keyMask = keyMask
        queryMask = queries.shape[1] == keys.shape[1] ? keyMask : nil
    }

    /// Per (batch element, head) means of x over real positions: x (N, L, H, d) → (N, 1, H, d).
    static func mean(_ x: Tensor, mask: Tensor?) -> Tensor {
        withoutGradients {
            guard let mask else { return x.mean(alongAxes: [1], keepingDimensions: true) }
            let (n, l) = (x.shape[0], x.shape[1])
            let weights = mask.reshaped(to: [n, l, 1, 1])
            let counts = weights.sum(alongAxes: [1], keepingDimensions: true).clamped(min: 1)
            return (x * weights).sum(alongAxes: [1], keepingDimensions: true) / counts
        }
    }

    /// Mean of the query vectors, (N, 1, H, d).
    func queryMean(_ x: Tensor) -> Tensor { Self.mean(x, mask: queryMask) }
    /// Mean of the key vectors, (N, 1, H, d).
    func keyMean(_ y: Tensor) -> Tensor { Self.mean(y, mask: keyMask) }
    /// Per-coordinate mean of the squared queries, (N, 1, H, d).
    func queryMeanSquares(_ x: Tensor) -> Tensor { Self.mean(withoutGradients { x.squared() }, mask: queryMask) }
    /// Per-coordinate mean of the squared keys, (N, 1, H, d).
    func keyMeanSquares(_ y: Tensor) -> Tensor { Self.mean(withoutGradients { y.squared() }, mask: keyMask) }
}
