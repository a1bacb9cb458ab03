/// Where each named kernel sits on the random-feature grid (spec random-features.md §4.4).
extension Kernel {
    /// The grid pair nearest to this kernel and what the named kernel keeps of its own (its
    /// constants, initialisation or sharing), for `klt kernels`; nil for softmax and elu+1, which are
    /// not random features. The named kernels keep their own classes, so that their numbers and
    /// checkpoints stay exactly those of earlier versions (`CommittedCheckpointTests`).
    public var gridPlacement: (pair: String, keeps: String)? {
        switch self {
        case .softmax, .elu: nil
        case .rff: ("trigrf+gaussian", "n − 1 frequencies and the official smoothing constant")
        case .favor: ("posrf-hyp+orf", "the constant ½ ln n in the exponent (it cancels in attention)")
        case .favorExp: ("posrf+orf", "10⁻⁴ added to every feature, google-research's stabiliser")
        case .gaussianPRF: ("posrf-hyp+orf", "the Gaussian-kernel offset ‖x̃‖²: it estimates exp(−‖q̃ − k̃‖²/2), not softmax")
        case .fastFoodRandom: ("trigrf+fastfood", "S, G, B and Π redrawn every call, applied by two fast Hadamard transforms")
        case .fastFoodLearnedScale: ("trigrf+fastfood-learned", "only S learned, initialised N(0, 1/d) as the official code; G, B redrawn")
        case .fastFoodRKS: ("trigrf+fastfood-learned", "S, G, B initialised N(0, 1/d) as the official code, one block shared by the heads")
        case .fastFoodPRF: ("posrf+fastfood-learned", "the Gaussian-kernel offset and the official N(0, 1/d) initialisation")
        case .gaussRKS: ("trigrf+gmm", "one Gaussian with a full matrix Σ shared by the heads, features at ±μ")
        case .gmmRKS: ("trigrf+gmm", "a full matrix Σ per head (covariance ΣᵀΣ), features at ±μ, scale √(4/n)")
        case .gmmPRF: ("posrf+gmm", "the Gaussian-kernel offset ‖x̃‖² + ½ ln M")
        case .gmmPRFHyperbolic: ("posrf-hyp+gmm", "one scalar variance per head")
        case .gmmMixture: ("trigrf+gmm", "C diagonal Gaussians shared by the heads, features at ±μ_c, one attention per Gaussian mixed by learned weights")
        case .generatorRKS: ("trigrf+generator", "M = n/2 frequencies scaled by √(2/n) and the smoothing constant")
        case .generatorPRF: ("posrf+generator", "the Gaussian-kernel offset, M = n/2 frequencies")
        }
    }
}
