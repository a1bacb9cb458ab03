import KLTransformer

/// What the inspection knows about one kernel: what its spectral distribution is made of, whether
/// the heads of a layer share it, and how to build a map of it that draws M frequencies.
public struct KernelFamily: Sendable, Equatable {
    /// What a kernel's spectral distribution is made of.
    public enum Spectrum: Sendable, Equatable {
        /// A learned Gaussian (or Gaussian mixture) over ω: μ and σ per dimension.
        case gaussian
        /// FastFood's learned diagonals S, G (and B) of V = (1/√d)·S·H·G·Π·H·B.
        case fastFood
        /// The push-forward of noise through a learned generator network.
        case generator
        /// Nothing learned: a fixed distribution (Gaussian frequencies of RFF, FAVOR+, …).
        case fixed
    }

    /// The kernel.
    public let kernel: Kernel
    /// What its spectral distribution is made of.
    public let spectrum: Spectrum

    /// The family of `kernel`; nil for kernels without a spectral distribution or random features
    /// (softmax, elu+1).
    public init?(_ kernel: Kernel) {
        self.kernel = kernel
        switch kernel {
        case .softmax, .elu: return nil
        case .gmmPRF, .gmmRKS, .gaussRKS, .gmmMixture, .gmmPRFHyperbolic: spectrum = .gaussian
        case .fastFoodRKS, .fastFoodPRF, .fastFoodLearnedScale: spectrum = .fastFood
        case .generatorRKS, .generatorPRF: spectrum = .generator
        case .rff, .favor, .favorExp, .gaussianPRF, .fastFoodRandom: spectrum = .fixed
        }
    }

    /// Why a kernel without a family has nothing to inspect (for the message that says so).
    public static func reasonForNothingToInspect(_ kernel: Kernel) -> String {
        switch kernel {
        case .softmax: "is exact softmax attention (no feature map, no spectral distribution)"
        case .elu: "is the deterministic feature map elu(x)+1 (no spectral distribution, no random features)"
        default: "has no spectral distribution"
        }
    }

    /// Whether every head of a layer uses the same kernel (parameters shared by the heads).
    public var sharedByHeads: Bool {
        switch kernel {
        case .gmmPRF, .gmmRKS, .gmmPRFHyperbolic: false
        default: true
        }
    }

    /// Whether ‖φ(Q)φ(K)ᵀ − K_exact‖ is meaningful: not for FAVOR+-exp, whose stabiliser rescales
    /// every query row and every key sequence by draw-dependent constants.
    public var hasApproximationError: Bool { kernel != .favorExp }

    /// Whether one map draws a fixed number of frequencies, d (FastFood): larger M is then reached
    /// by averaging M/d independent draws, which is the same estimator as one map with M frequencies.
    public var drawsFixedFrequencyCount: Bool { spectrum == .fastFood || kernel == .fastFoodRandom }

    /// The official `n_dims` argument that makes a map of this kernel draw `frequencies` = M
    /// frequencies per head (nil for FastFood, whose count is d).
    public func dimensionsArgument(frequencies m: Int) -> Int? {
        switch kernel {
        case .gmmPRF: m
        case .gmmPRFHyperbolic, .favor, .gaussianPRF, .favorExp: 2 * m
        case .rff, .generatorRKS, .generatorPRF: 2 * m + 1
        case .gmmRKS, .gaussRKS, .gmmMixture: 4 * m + 1
        case .softmax, .elu, .fastFoodRandom, .fastFoodLearnedScale, .fastFoodRKS, .fastFoodPRF: nil
        }
    }

    /// The number of frequencies ω a map draws per head (per mixture component), M.
    public static func frequencies(of map: any FeatureMap) -> Int {
        switch map {
        case let map as RandomFeatureMap: map.frequencyCount
        case let map as GaussianMixtureAlaCarteFeatures: map.nominalDimensions / 4
        case let map as ExponentialRandomFeatures: map.featureCount
        default: map.inputDimension
        }
    }
}
