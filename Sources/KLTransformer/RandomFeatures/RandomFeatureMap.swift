import KLTensor

/// The feature map of a kernel of the random-feature grid: `kernel.component` applied to
/// temperature-scaled queries and keys with frequencies ω drawn by `kernel.source` — or, for a
/// learned spectrum, to the transformed inputs L_hᵀx with noise ε drawn by the source, the
/// exponential features multiplied by the spectrum's g(x) (`LearnedSpectrum`); a learned
/// frequency source (`LearnedFrequencySource`) instead rebuilds ω from its parameters at every call.
///
/// Exponential components are stabilised in the log domain as spec §2.7 prescribes: each query's
/// log-features are shifted by their own maximum, and all keys of one batch element and head by one
/// common maximum over the real keys — shifts that cancel in attention, whereas a per-key shift
/// would change the kernel. A fixed ω is a buffer (saved in checkpoints) redrawn on the map's
/// schedule; learned frequencies redraw only their random part (Π, ε) on it.
public final class RandomFeatureMap: FeatureMap {
    /// Which pair of the grid this map computes.
    public let kernel: RandomFeatureKernel
    public let inputDimension: Int
    /// The number of frequencies M.
    public let frequencyCount: Int
    public var randomness: FeatureRandomness
    /// The current frequencies ω (or the noise ε of a learned spectrum), (d, M); unused with
    /// learned frequencies (`currentOmega(training:)` covers both).
    public private(set) var omega: Tensor
    /// The learned per-head spectrum, when the kernel learns one (`LearnedGaussianSpectrum`, or
    /// `LearnedFullCovarianceSpectrum` for GMM-RKS and Gauss-RKS).
    public let spectrum: (any LearnedSpectrum)?
    /// The learned frequencies, when the kernel's source learns them.
    public let learnedFrequencies: (any LearnedFrequencyModel)?
    /// Today's name of a tensor → its name in checkpoints of the named kernel this map is a preset of.
    private let legacyName: (String) -> String?

    public var featureCount: Int { kernel.featureCount(frequencies: frequencyCount) }

    /// A map for head dimension `inputDimension` with `frequencyCount` frequencies (a learned
    /// spectrum for `heads` heads, or learned frequencies, are drawn from `generator`); traps on a
    /// size the source cannot draw or an invalid pair (`KernelConfiguration.validate()` refuses those first).
    /// `legacyName` gives, for a preset of a named kernel, the names its own class gave the tensors.
    public init(kernel: RandomFeatureKernel, inputDimension: Int, frequencyCount: Int, heads: Int = 1,
                generator: inout RandomGenerator, randomness: FeatureRandomness, legacyName: @escaping (String) -> String? = { _ in nil }) {
        if let refusal = kernel.source.refusal(count: frequencyCount, dimension: inputDimension) {
            preconditionFailure("RandomFeatureMap \(kernel.name): \(refusal)")
        }
        if let refusal = kernel.refusal { preconditionFailure("RandomFeatureMap \(kernel.name): \(refusal)") }
        self.kernel = kernel
        self.inputDimension = inputDimension
        self.frequencyCount = frequencyCount
        self.randomness = randomness
        self.legacyName = legacyName
        spectrum = (kernel.source as? LearnedSpectrumNoise)?.makeSpectrum(heads: heads, dimension: inputDimension, generator: &generator)
        learnedFrequencies = (kernel.source as? any LearnedFrequencySource)?
            .makeModel(count: frequencyCount, dimension: inputDimension, generator: &generator)
        omega = Tensor.zeros([inputDimension, frequencyCount])
        redraw()
    }

    /// A map of a kernel with a fixed source (no learned parameters to draw).
    public convenience init(kernel: RandomFeatureKernel, inputDimension: Int, frequencyCount: Int, randomness: FeatureRandomness) {
        precondition(!kernel.isLearned, "RandomFeatureMap \(kernel.name): a learned kernel needs heads and a generator")
        var unused = RandomGenerator(seed: 0)
        self.init(kernel: kernel, inputDimension: inputDimension, frequencyCount: frequencyCount, generator: &unused, randomness: randomness)
    }

    public var parameters: [NamedParameter] {
        (spectrum?.parameters ?? []) + (learnedFrequencies?.parameters.prefixed("frequencies") ?? [])
    }

    public var buffers: [NamedParameter] {
        learnedFrequencies.map { $0.buffers.prefixed("frequencies") } ?? [NamedParameter("omega", omega)]
    }

    public var legacyTensorNames: [String: String] {
        Dictionary(uniqueKeysWithValues: (parameters + buffers).compactMap { tensor in legacyName(tensor.name).map { (tensor.name, $0) } })
    }

    public func redraw() {
        if let learnedFrequencies {
            learnedFrequencies.redraw(generator: &randomness.generator)
        } else {
            omega = kernel.source.omega(count: frequencyCount, dimension: inputDimension, generator: &randomness.generator)
        }
    }

    /// ω (d, M) for this attention call: the learned frequencies rebuilt from their parameters, or the current draw.
    public func currentOmega(training: Bool) -> Tensor { learnedFrequencies?.omega(training: training) ?? omega }

    public func features(queries: Tensor, keys: Tensor, keyMask: Tensor?, training: Bool) -> (queries: Tensor, keys: Tensor) {
        if spectrum == nil, let fused = kernel.component.stabilizedFeatures(
            queries: FeatureMath.scaled(queries), keys: FeatureMath.scaled(keys), omega: currentOmega(training: training), keyMask: keyMask) {
            return fused
        }
        // The query side's factor g(x) is one number per query, which the query shift removes
        // exactly (spec §4.2: drop it); the key side's stays.
        switch componentFeatures(queries: queries, keys: keys, keyMask: keyMask, training: training, includingQueryFactor: false) {
        case .direct(let phiQ, let phiK):
            return (phiQ, phiK)
        case .logarithmic(let logQ, let logK):
            return (StabilizedExponential.apply(logQ, shift: .perRow).features,
                    StabilizedExponential.apply(logK, shift: .perSequence(keyMask: keyMask)).features)
        }
    }

    /// `PositiveFeatureAttention` for a positive-feature component with fixed frequencies (no learned
    /// spectrum or source): the features of `features(queries:keys:keyMask:training:)`, never written.
    public func fusedLinearAttention(queries: Tensor, keys: Tensor, values: Tensor, keyMask: Tensor?,
                                     denominatorGuard: DenominatorGuard, training: Bool) -> Tensor? {
        let omega = currentOmega(training: training)
        guard spectrum == nil, let form = kernel.component.positiveFeatureForm, !omega.requiresGrad,
              omega.shape[1] <= GEMM.singleBlockDepth else { return nil }
        let constant = ExponentialFeatures.countConstant(frequencies: omega.shape[1], hyperbolic: form.hyperbolic)
        return PositiveFeatureAttention.attend(queries: FeatureMath.scaled(queries), keys: FeatureMath.scaled(keys), values: values,
                                               frequencies: omega, constant: constant, form: form, keyMask: keyMask,
                                               denominatorGuard: denominatorGuard)
    }

    /// Refused when the component reads statistics of the whole sequence (OPRF's A*, SADERF's Ψ*).
    public var causalRefusal: String? { kernel.causalRefusal }

    /// As the non-causal features, but with the keys shifted by the stabiliser of the sequence's
    /// first key (`CausalFeatures`): the maximum of its log-features per batch element and head.
    public func causalFeatures(queries: Tensor, keys: Tensor, keyShift: Tensor?, training: Bool) -> CausalFeatures {
        precondition(causalRefusal == nil, "RandomFeatureMap: \(causalRefusal ?? "")")
        switch componentFeatures(queries: queries, keys: keys, keyMask: nil, training: training, includingQueryFactor: false) {
        case .direct(let phiQ, let phiK):
            return CausalFeatures(queries: phiQ, keys: phiK, keyShift: nil)
        case .logarithmic(let logQ, let logK):
            let shift = keyShift ?? withoutGradients {
                logK.slice(alongAxis: 1, from: 0, count: 1).max(alongAxes: [1, 3], keepingDimensions: true)
            }
            return CausalFeatures(queries: StabilizedExponential.apply(logQ, shift: .perRow).features,
                                  keys: StabilizedExponential.apply(logK, shift: .given(shift)).features, keyShift: shift)
        }
    }

    /// The query or key features on their own, without the stabilising shifts, so that
    /// φ(q)·φ(k) estimates the kernel itself (what inspection and kernel tests compare): the pair
    /// computed with `x` as both sides (so the sequence statistics of OPRF and SADERF are those of `x`).
    public func features(_ x: Tensor, isQuery: Bool, training: Bool) -> Tensor {
        switch componentFeatures(queries: x, keys: x, keyMask: nil, training: training, includingQueryFactor: true) {
        case .direct(let phiQ, let phiK): return isQuery ? phiQ : phiK
        case .logarithmic(let logQ, let logK): return (isQuery ? logQ : logK).exp()
        }
    }

    /// The component's features of one call, a learned spectrum's log-factors g folded into the
    /// log-features (the queries' only when `includingQueryFactor`).
    private func componentFeatures(queries: Tensor, keys: Tensor, keyMask: Tensor?, training: Bool, includingQueryFactor: Bool) -> ComponentFeatures {
        var x = FeatureMath.scaled(queries), y = FeatureMath.scaled(keys)
        var factors: (queries: Tensor, keys: Tensor)?, phases: (queries: Tensor, keys: Tensor)?
        if let spectrum {
            let (transformedQueries, queryFactor, queryPhase) = spectrum.transform(x, normPenalty: kernel.component.normPenalty)
            let (transformedKeys, keyFactor, keyPhase) = spectrum.transform(y, normPenalty: kernel.component.normPenalty)
            (x, y) = (transformedQueries, transformedKeys)
            factors = (queryFactor, keyFactor)
            phases = (queryPhase, keyPhase)
        }
        let statistics = SequenceStatistics(queries: x, keys: y, keyMask: keyMask)
        let features = kernel.component.features(queries: x, keys: y, omega: currentOmega(training: training), statistics: statistics,
                                                 phases: phases)
        guard case .logarithmic(let logQ, let logK) = features, let factors else { return features }
        return .logarithmic(queries: includingQueryFactor ? logQ + factors.queries : logQ, keys: logK + factors.keys)
    }
}
