import KLTensor

/// A kernel of the random-feature grid: a component function crossed with a frequency source,
/// named `COMPONENT+SOURCE` (e.g. `oprf+orf`, `posrf+qmc`); the source `gmm` is the learned GMM
/// spectrum (`oprf+gmm`: ε from independent Gaussian draws, ω = μ_h + L_h ε learned per head, spec §4.2).
///
/// Every component pairs with every source that imitates N(0, I_d) frequencies, the law the
/// components assume (spec §4.1; `bias` says when the pair is only approximately unbiased), and with
/// the learned GMM and FastFood sources; generated frequencies pair only with the components whose
/// kernel any frequency law defines (`refusal`, spec §4.2).
public struct RandomFeatureKernel: Sendable, CustomStringConvertible {
    /// How φ is formed from x and ω.
    public let component: any ComponentFunction
    /// Where ω (or, with a learned spectrum, the noise ε) comes from.
    public let source: any FrequencySource

    /// Whether a learned per-head Gaussian spectrum (`LearnedGaussianSpectrum`) maps ε to ω.
    public var learnsSpectrum: Bool { source is LearnedSpectrumNoise }
    /// Whether ω itself is a function of learned parameters (`LearnedFrequencySource`).
    public var learnsFrequencies: Bool { (source as? any LearnedFrequencySource)?.learnsParameters ?? false }
    /// Whether training changes the kernel (a learned spectrum or learned frequencies).
    public var isLearned: Bool { learnsSpectrum || learnsFrequencies }

    /// The components, in the order `klt kernels` lists them: each softmax-kernel component is
    /// followed by its Gaussian-kernel version (`GaussianKernelVersion`, named `<component>-rbf`).
    public static let components: [any ComponentFunction] = ([
        TrigonometricComponent(), PositiveComponent(hyperbolic: false), PositiveComponent(hyperbolic: true),
        GeneralizedExponentialComponent(), OptimalPositiveComponent(), DenseExponentialComponent(),
    ] as [any ComponentFunction]).flatMap { component -> [any ComponentFunction] in
        component.estimatedKernel == .softmax ? [component, GaussianKernelVersion(of: component)] : [component]
    }

    /// The frequency sources, in the order `klt kernels` lists them.
    public static let sources: [any FrequencySource] = [
        GaussianFrequencies(), OrthogonalFrequencies(), StructuredOrthogonalFrequencies(products: 3),
        StructuredOrthogonalFrequencies(products: 2), SignedCirculantFrequencies(), FastFoodFrequencies(),
        QuasiMonteCarloFrequencies(), MomentMatchedFrequencies(), QuadratureFrequencies(), LearnedSpectrumNoise(),
        LearnedFastFoodFrequencies(), GeneratedFrequencies(),
    ]

    /// Every valid pair of the grid.
    public static var all: [RandomFeatureKernel] {
        components.flatMap { component in
            sources.map { RandomFeatureKernel(component: component, source: $0) }.filter { $0.refusal == nil }
        }
    }

    /// The pair of `component` and `source`.
    public init(component: any ComponentFunction, source: any FrequencySource) {
        self.component = component
        self.source = source
    }

    /// The valid pair named `COMPONENT+SOURCE` (case-insensitive), or nil when either half is
    /// unknown or the pair is invalid (`refusal(forName:)` says why).
    public init?(named name: String) {
        let parts = name.lowercased().split(separator: "+", maxSplits: 1).map(String.init)
        guard parts.count == 2,
              let component = Self.components.first(where: { $0.name == parts[0] }),
              let source = Self.sources.first(where: { $0.name == parts[1] }) else { return nil }
        self.init(component: component, source: source)
        guard refusal == nil else { return nil }
    }

    /// Why this component cannot use this source, or nil for a valid pair.
    public var refusal: String? { source.refusal(pairedWith: component) }

    /// Why this pair cannot serve causal attention, or nil when it can: a component that reads
    /// statistics of the whole sequence would make a position's features depend on later tokens.
    public var causalRefusal: String? {
        guard component.readsSequenceStatistics else { return nil }
        return "\(name) reads statistics of the whole sequence (the data-dependent parameters of \(component.name)), so a position's features would depend on the tokens after it"
    }

    /// Why `name` is not a kernel of the grid, when it looks like one (has a `+`); nil otherwise.
    public static func refusal(forName name: String) -> String? {
        let parts = name.lowercased().split(separator: "+", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        guard let component = components.first(where: { $0.name == parts[0] }) else {
            return "unknown component '\(parts[0])' in '\(name)'; components: \(components.map(\.name).joined(separator: ", "))"
        }
        guard let source = sources.first(where: { $0.name == parts[1] }) else {
            return "unknown frequency source '\(parts[1])' in '\(name)'; sources: \(sources.map(\.name).joined(separator: ", "))"
        }
        if let reason = RandomFeatureKernel(component: component, source: source).refusal {
            return "'\(name)' is not a valid pair: \(reason)"
        }
        return nil
    }

    /// `COMPONENT+SOURCE`.
    public var name: String { "\(component.name)+\(source.name)" }
    public var description: String { name }

    /// Nil when the estimate is unbiased for the component's kernel; otherwise why it is not.
    public var bias: String? {
        // Learned frequencies define their own kernel, which the features estimate without bias.
        if source.isMarginallyGaussian || learnsFrequencies { return nil }
        return component.usesFrequencyLengths
            ? "biased: \(source.name)'s rows are not exactly N(0, I) and \(component.name) reads their lengths"
            : "slightly biased: \(source.name)'s rows are not exactly N(0, I)"
    }

    /// The default number of frequencies M for head dimension d: 2d features per head, as FAVOR+'s
    /// default (M = d for the two-feature components, 2d for the others), or the fewest the source
    /// can draw when that is more (moment matching needs M > d).
    public func defaultFrequencies(headDimension d: Int) -> Int {
        max(1, 2 * d / component.featuresPerFrequency, source.minimumCount(dimension: d))
    }

    /// Features per head for `frequencies` frequencies.
    public func featureCount(frequencies: Int) -> Int {
        frequencies * component.featuresPerFrequency + component.extraFeatures
    }
}
