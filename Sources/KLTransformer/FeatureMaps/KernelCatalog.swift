import Foundation
import KLTensor

/// Every attention kernel the library knows, by the paper's names, with the official code's
/// `attention_type` strings accepted as aliases.
public enum Kernel: String, CaseIterable, Sendable {
    /// Softmax attention (quadratic).
    case softmax = "softmax"
    /// elu(x) + 1 (Linear Transformer).
    case elu = "elu+1"
    /// Smoothed random Fourier features of the Gaussian kernel.
    case rff = "RFF"
    /// FAVOR+ with hyperbolic positive features (fast-transformers' `Favor`), correct orthogonal ω.
    case favor = "FAVOR+"
    /// FAVOR+ with exp-only features and the google-research stabiliser.
    case favorExp = "FAVOR+-exp"
    /// Positive random features of the Gaussian kernel.
    case gaussianPRF = "Gaussian-PRF"
    /// FastFood with all-random S, G, B (Gaussian kernel).
    case fastFoodRandom = "FastFood-random"
    /// FastFood with learned S only.
    case fastFoodLearnedScale = "FastFood-S"
    /// A single learned Gaussian spectral density shared by the heads (RKS).
    case gaussRKS = "Gauss-RKS"
    /// Learned Gaussian per head, positive features (paper).
    case gmmPRF = "GMM-PRF"
    /// Learned symmetric Gaussian per head, trigonometric features (paper).
    case gmmRKS = "GMM-RKS"
    /// FastFood with learned S, G, B, trigonometric features (paper).
    case fastFoodRKS = "FastFood-RKS"
    /// FastFood with learned S, G, B, positive features (paper).
    case fastFoodPRF = "FastFood-PRF"
    /// Generator network spectral distribution, trigonometric features (paper).
    case generatorRKS = "Generator-RKS"
    /// Generator network spectral distribution, positive features (paper).
    case generatorPRF = "Generator-PRF"
    /// Explicit C-component Gaussian mixture (official code, `mix-gauss-alacarte`).
    case gmmMixture = "GMM-mixture"
    /// Hyperbolic GMM-PRF with scalar variances (official code).
    case gmmPRFHyperbolic = "GMM-PRF-hyperbolic"

    /// The official code's `attention_type` for this kernel (nil where it has none).
    public var officialName: String? {
        switch self {
        case .softmax: "softmax"
        case .elu: "linear"
        case .rff: "rbf-fourier"
        case .favor: "performer"
        case .favorExp: nil
        case .gaussianPRF: "rbf-positive"
        case .fastFoodRandom: "rbf-fastfood"
        case .fastFoodLearnedScale: "fs-fastfood"
        case .gaussRKS: "gauss-fourier"
        case .gmmPRF: "mix-gauss-positive"
        case .gmmRKS: "mix-gauss-fourier"
        case .fastFoodRKS: "fsgb-fastfood"
        case .fastFoodPRF: "fsgb-positive-fastfood"
        case .generatorRKS: "generative-fourier"
        case .generatorPRF: "generative-positive"
        case .gmmMixture: "mix-gauss-alacarte"
        case .gmmPRFHyperbolic: "mix-gauss-positive-hyperbolic"
        }
    }

    /// The kernel with this paper name or official alias (case-insensitive), or nil.
    public init?(named name: String) {
        let lowered = name.lowercased()
        guard let match = Kernel.allCases.first(where: { $0.rawValue.lowercased() == lowered || $0.officialName == lowered })
        else { return nil }
        self = match
    }

    /// Whether the spectral distribution has learned parameters.
    public var isLearned: Bool {
        switch self {
        case .gmmPRF, .gmmRKS, .fastFoodRKS, .fastFoodPRF, .generatorRKS, .generatorPRF, .gmmMixture, .gmmPRFHyperbolic,
             .gaussRKS, .fastFoodLearnedScale: true
        default: false
        }
    }

    /// One line for `klt kernels`.
    public var summary: String {
        switch self {
        case .softmax: "exact softmax attention, O(L²) time and memory (baseline)"
        case .elu: "φ(x) = elu(x)+1, deterministic, m = d (Linear Transformer)"
        case .rff: "random Fourier features of the Gaussian kernel, cos/sin + constant"
        case .favor: "FAVOR+ positive orthogonal features of exp(q·k/√d), hyperbolic pairs"
        case .favorExp: "FAVOR+ exp-only positive features with google-research's stabiliser"
        case .gaussianPRF: "positive orthogonal random features of the Gaussian kernel"
        case .fastFoodRandom: "FastFood structured features, all random (Gaussian kernel)"
        case .fastFoodLearnedScale: "FastFood with learned scale S, cos/sin + constant"
        case .gaussRKS: "one learned Gaussian spectral density shared by the heads, cos/sin"
        case .gmmPRF: "learned Gaussian spectral density per head, positive exp features (paper)"
        case .gmmRKS: "learned symmetric Gaussian mixture per head, cos/sin + constant (paper)"
        case .fastFoodRKS: "FastFood with learned S, G, B, cos/sin + constant (paper)"
        case .fastFoodPRF: "FastFood with learned S, G, B, positive exp features (paper; fixed)"
        case .generatorRKS: "generator network → frequencies, cos/sin + constant (paper)"
        case .generatorPRF: "generator network → frequencies, positive exp features (paper)"
        case .gmmMixture: "C learned Gaussians shared by heads, attention mixed by softmax weights"
        case .gmmPRFHyperbolic: "GMM-PRF with scalar variance per head and antithetic exp pairs"
        }
    }
}

/// The official code's task-specific choices of feature counts, smoothing and generator widths
/// (spec §2.2); the catalog follows the ListOps column unless told otherwise.
public enum KernelPreset: String, CaseIterable, Codable, Sendable {
    /// ListOps (d = 64 in the paper).
    case listOps
    /// Text / IMDb.
    case text
    /// Retrieval / AAN.
    case retrieval
}

/// Everything needed to build a feature map for one attention layer.
public struct KernelConfiguration: Sendable {
    /// Which kernel.
    public var kernel: AttentionKernel
    /// Per-head dimension d.
    public var headDimension: Int
    /// Number of heads H.
    public var heads: Int
    /// Longest input (with CLS), which caps feature counts as in the official code.
    public var maxLength: Int
    /// Whose task-specific constants to use.
    public var preset: KernelPreset
    /// Overrides the official `n_dims` argument (before the smoothed classes' −1), if set; for a
    /// pair of the random-feature grid, the number of frequencies M.
    public var dimensionsArgument: Int?
    /// Overrides the redraw policy, if set.
    public var redraw: RedrawPolicy?
    /// Reuse the current draw in evaluation (off in the official code).
    public var frozenInEvaluation: Bool
    /// Seeds the map's random draws (ε, ω, Π …).
    public var seed: UInt64

    /// A configuration with the official defaults for `preset`.
    public init(kernel: AttentionKernel, headDimension: Int, heads: Int, maxLength: Int, preset: KernelPreset = .listOps,
                dimensionsArgument: Int? = nil, redraw: RedrawPolicy? = nil, frozenInEvaluation: Bool = false, seed: UInt64) {
        self.kernel = kernel
        self.headDimension = headDimension
        self.heads = heads
        self.maxLength = maxLength
        self.preset = preset
        self.dimensionsArgument = dimensionsArgument
        self.redraw = redraw
        self.frozenInEvaluation = frozenInEvaluation
        self.seed = seed
    }

    /// The official `n_dims` argument for this kernel (spec §2.2), before any class adjustment; for
    /// a pair of the grid, its number of frequencies (default: 2d features per head).
    public var officialDimensionsArgument: Int {
        if let dimensionsArgument { return dimensionsArgument }
        guard case .named(let kernel) = kernel else {
            guard case .randomFeatures(let pair) = kernel else { preconditionFailure() }
            return pair.defaultFrequencies(headDimension: headDimension)
        }
        let d = headDimension
        let p = FeatureMath.powerOfTwoCast(Double(d) * log(Double(d)))
        switch kernel {
        case .softmax, .elu, .fastFoodRandom, .fastFoodLearnedScale, .fastFoodRKS, .fastFoodPRF: return 2 * d + 1
        case .favor, .gaussianPRF, .favorExp: return 2 * d
        case .gaussRKS: return 2 * d + 1
        case .gmmPRF, .generatorPRF: return min(maxLength, p)
        case .gmmPRFHyperbolic: return min(maxLength, 2 * p)
        case .rff, .generatorRKS: return min(maxLength + 1, 2 * p + 1)
        case .gmmRKS, .gmmMixture:
            switch preset {
            case .listOps: return min(maxLength + 1, 4 * p + 1)
            case .text: return kernel == .gmmRKS ? 2 * d + 1 : min(maxLength + 1, 2 * p + 1)
            case .retrieval: return min(maxLength + 1, 2 * p + 1)
            }
        }
    }

    /// The generator widths of the official code for this preset.
    public var noiseDimensions: [Int] {
        switch preset {
        case .listOps: [64, 256]
        case .text: [32, 128, 256]
        case .retrieval: [32, 128]
        }
    }

    /// The smoothing constant s of the RKS maps (0.36 for Text GMM-RKS, 1 otherwise).
    public var smoothing: Float { kernel == .named(.gmmRKS) && preset == .text ? 0.36 : 1 }

    /// The official redraw policy: Performer/Gaussian-PRF every 1000 calls (Text 500), the rest every
    /// call; the grid's fixed sources redraw every 1000 calls, as the Performer does.
    public var effectiveRedraw: RedrawPolicy {
        if let redraw { return redraw }
        guard case .named(let kernel) = kernel else { return kernel.isLearned ? .everyCall : .every(1000) }
        switch kernel {
        case .favor, .gaussianPRF, .favorExp: return .every(preset == .text && kernel == .gaussianPRF ? 500 : 1000)
        case .elu, .softmax: return .never
        default: return .everyCall
        }
    }

    /// Builds the layer's own feature map, drawing learned parameters from `generator`; nil for softmax.
    public func makeFeatureMap(generator: inout RandomGenerator) -> (any FeatureMap)? {
        let d = headDimension, n = officialDimensionsArgument
        let randomness = FeatureRandomness(seed: seed, policy: effectiveRedraw, frozenInEvaluation: frozenInEvaluation)
        if let preset = gridPreset {
            return RandomFeatureMap(kernel: preset.kernel, inputDimension: d, frequencyCount: preset.frequencies, heads: heads,
                                    generator: &generator, randomness: randomness, legacyName: preset.legacyName)
        }
        guard case .named(let kernel) = kernel else {
            guard case .randomFeatures(let pair) = kernel else { preconditionFailure() }
            return RandomFeatureMap(kernel: pair, inputDimension: d, frequencyCount: n, heads: heads, generator: &generator,
                                    randomness: randomness)
        }
        switch kernel {
        case .softmax: return nil
        case .elu: return EluFeatureMap(inputDimension: d)
        case .rff, .favor, .gaussianPRF, .gmmPRF, .generatorRKS, .generatorPRF, .fastFoodRandom, .fastFoodLearnedScale, .fastFoodRKS, .fastFoodPRF,
             .gmmRKS, .gaussRKS, .gmmPRFHyperbolic:
            preconditionFailure("\(kernel.rawValue) is a preset of the random-feature grid (gridPreset)")
        case .favorExp:
            return ExponentialRandomFeatures(inputDimension: d, featureCount: n / 2, randomness: randomness)
        case .gmmMixture:
            return GaussianMixtureAlaCarteFeatures(inputDimension: d, heads: heads, components: max(1, d / 2),
                                                   nominalDimensions: n - 1, smoothing: smoothing,
                                                   generator: &generator, randomness: randomness)
        }
    }
}
