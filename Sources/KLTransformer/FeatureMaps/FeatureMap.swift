import KLTensor

/// A feature map φ with φ(q)·φ(k) ≈ κ(q, k): the one place a kernel of linear attention is defined.
///
/// A kernel is a class conforming to this protocol: its learned parameters (tensors with
/// `requiresGrad`), its randomness (`randomness`: a seeded generator plus a redraw policy), and
/// `features(_:)`, written with KLTensor ops so that gradients to every parameter come for free.
/// Attention calls `prepareForward(training:)` once per forward pass, then `features` for queries and
/// keys. Each attention layer owns its own instance; nothing is shared across layers.
public protocol FeatureMap: Module {
    /// Per-head input dimension d.
    var inputDimension: Int { get }
    /// Number of features per head and mixture component, m (`features` returns C·m per head).
    var featureCount: Int { get }
    /// The seeded generator of this map's random draws and when they are renewed.
    var randomness: FeatureRandomness { get set }
    /// Draws fresh random quantities (ε, ω, Π, …) from `randomness.generator`.
    func redraw()
    /// Called by attention once at the start of every forward pass, before `features`. The default
    /// advances the redraw schedule (`advanceRandomness`); maps that derive per-pass quantities
    /// shared by queries and keys (the generator's ω) compute them here.
    func prepareForward(training: Bool)
    /// φ(x) for x of shape (N, L, H, d), giving (N, L, H, m). `isQuery` is only used by maps that
    /// stabilise queries and keys differently (FAVOR+ exp-only); most ignore it.
    func features(_ x: Tensor, isQuery: Bool, training: Bool) -> Tensor
    /// φ of the queries (N, L, H, d) and of the keys (N, S, H, d) of one attention call, with
    /// `keyMask` (N, S) marking real keys. Maps whose features depend on statistics of the whole
    /// sequence (OPRF's A*, SADERF's Ψ*) implement this; the default calls `features(_:isQuery:training:)`
    /// on each side.
    func features(queries: Tensor, keys: Tensor, keyMask: Tensor?, training: Bool) -> (queries: Tensor, keys: Tensor)
    /// Why this map cannot serve causal attention, or nil when it can. A map whose features of a
    /// token depend on later tokens (statistics of the whole sequence) would let a position see its
    /// future; models that attend causally refuse such maps with this reason instead of leaking.
    var causalRefusal: String? { get }
    /// φ of the queries and keys (N, L, H, d) of causal attention, where position i may depend on
    /// positions ≤ i only (`CausalFeatures`). `keyShift` is the key stabiliser fixed by the tokens
    /// before this call (nil at the start of a sequence); the result carries the one to pass with the
    /// next tokens, so that a sequence fed at once and one fed token by token get the same features.
    /// The default is `features(queries:keys:keyMask:training:)`, right for every map whose features
    /// of a token depend on that token alone.
    func causalFeatures(queries: Tensor, keys: Tensor, keyShift: Tensor?, training: Bool) -> CausalFeatures
    /// Number C of kernels in a mixture map (1 for an ordinary map). With C > 1, `features` returns
    /// (N, L, H, C·m) — the C components' features side by side — and attention runs one normalised
    /// linear attention per component and mixes the outputs with `mixtureWeights()`.
    var mixtureComponents: Int { get }
    /// Non-causal linear attention over this map's features, made inside the attention op and never
    /// written out, for maps that have such an op (`PositiveFeatureAttention`); nil (the default) to
    /// compute the features with `features(queries:keys:keyMask:training:)` and then attend. Queries
    /// (N, L, H, d), keys (N, S, H, d), values (N, S, H, d_v) → (N, L, H, d_v).
    func fusedLinearAttention(queries: Tensor, keys: Tensor, values: Tensor, keyMask: Tensor?,
                              denominatorGuard: DenominatorGuard, training: Bool) -> Tensor?
    /// The C mixture weights (summing to 1), or nil for an ordinary map.
    func mixtureWeights() -> Tensor?
    /// State that is not trained but determines φ: the current random draw (ε, ω, Π, …) and running
    /// statistics. Checkpoints save these and restore them by copying values into these tensors, so
    /// a resumed run continues with exactly the same features.
    var buffers: [NamedParameter] { get }
    /// The names earlier versions of the library gave this map's parameters and buffers, keyed by
    /// today's names (both relative to the map). `Checkpoint.restore` falls back to them, so files
    /// written before a named kernel became a preset of the random-feature grid still load.
    var legacyTensorNames: [String: String] { get }
}

extension FeatureMap {
    /// Advances the redraw schedule by one forward pass and redraws when it is due.
    public func advanceRandomness(training: Bool) {
        if randomness.advance(training: training) { redraw() }
    }

    /// Each side on its own.
    public func features(queries: Tensor, keys: Tensor, keyMask: Tensor?, training: Bool) -> (queries: Tensor, keys: Tensor) {
        (features(queries, isQuery: true, training: training), features(keys, isQuery: false, training: training))
    }

    /// The default per-pass preparation: advance the redraw schedule.
    public func prepareForward(training: Bool) { advanceRandomness(training: training) }

    /// Maps are causal unless they say otherwise.
    public var causalRefusal: String? { nil }

    /// Each token's features on their own, with no key stabiliser.
    public func causalFeatures(queries: Tensor, keys: Tensor, keyShift: Tensor?, training: Bool) -> CausalFeatures {
        let (phiQ, phiK) = features(queries: queries, keys: keys, keyMask: nil, training: training)
        return CausalFeatures(queries: phiQ, keys: phiK, keyShift: nil)
    }

    /// An ordinary map is one kernel.
    public var mixtureComponents: Int { 1 }
    /// No fused attention unless a map has one.
    public func fusedLinearAttention(queries: Tensor, keys: Tensor, values: Tensor, keyMask: Tensor?,
                                     denominatorGuard: DenominatorGuard, training: Bool) -> Tensor? { nil }

    /// An ordinary map has no mixture weights.
    public func mixtureWeights() -> Tensor? { nil }

    /// Maps without random state have no buffers.
    public var buffers: [NamedParameter] { [] }

    /// Maps whose tensors were never renamed have no legacy names.
    public var legacyTensorNames: [String: String] { [:] }

    /// Maps without parameters have none to report.
    public var parameters: [NamedParameter] { [] }
}

/// When a feature map renews its random draws.
public enum RedrawPolicy: Equatable, Sendable, CustomStringConvertible {
    /// A fresh draw at every forward pass (the paper's learned kernels).
    case everyCall
    /// A fresh draw every `n` forward passes (the Performer's 1000).
    case every(Int)
    /// One draw at construction, never renewed.
    case never

    public var description: String {
        switch self {
        case .everyCall: "every call"
        case .every(let n): "every \(n) calls"
        case .never: "never"
        }
    }
}

/// A feature map's random state: its generator, its redraw policy, and how many forward passes it
/// has seen. Saved in checkpoints so that a resumed run draws the same numbers.
public struct FeatureRandomness: Codable, Equatable, Sendable {
    /// Where every random quantity of the map comes from.
    public var generator: RandomGenerator
    /// How often draws are renewed.
    public var policy: RedrawPolicy
    /// When true, evaluation passes reuse the current draw instead of advancing the schedule (the
    /// official code's `deterministic_eval`); when false, evaluation redraws like training does, from
    /// the model's evaluation stream when run through `SequenceClassifier.evaluating(_:)`.
    public var frozenInEvaluation: Bool
    /// Forward passes counted so far.
    public private(set) var calls: Int = 0

    /// A schedule seeded by `seed`.
    public init(seed: UInt64, policy: RedrawPolicy, frozenInEvaluation: Bool = false) {
        generator = RandomGenerator(seed: seed)
        self.policy = policy
        self.frozenInEvaluation = frozenInEvaluation
    }

    /// Counts one forward pass and says whether a redraw is due now.
    mutating func advance(training: Bool) -> Bool {
        if !training && frozenInEvaluation { return false }
        defer { calls += 1 }
        switch policy {
        case .everyCall: return true
        case .every(let n): return calls % max(n, 1) == 0
        case .never: return false
        }
    }
}

extension RedrawPolicy: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let n = try container.decode(Int.self)
        self = n == 1 ? .everyCall : n <= 0 ? .never : .every(n)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .everyCall: try container.encode(1)
        case .every(let n): try container.encode(n)
        case .never: try container.encode(0)
        }
    }
}
