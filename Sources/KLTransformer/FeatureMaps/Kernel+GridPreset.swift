/// A named kernel written as a pair of the random-feature grid, with the settings that keep the
/// named kernel's numbers exactly: its component and source (their draw order and scales as the
/// named kernel had them), its number of frequencies M for the official `n_dims`, and the names
/// its tensors had when it was a class of its own (so older checkpoints load).
public struct GridPreset: Sendable {
    /// The pair, with the named kernel's settings of its component and source.
    public let kernel: RandomFeatureKernel
    /// M, from the official `n_dims` of the named kernel.
    public let frequencies: Int
    /// Today's name of a map tensor → the name the named kernel's own class gave it, where they differ.
    let legacyName: @Sendable (String) -> String?
}

extension KernelConfiguration {
    /// The named kernel as a preset of the random-feature grid; nil for the kernels that keep a
    /// class of their own (`Kernel.gridPlacement` says why) and for pairs of the grid.
    public var gridPreset: GridPreset? {
        guard case .named(let kernel) = kernel else { return nil }
        let n = officialDimensionsArgument
        let unchanged: @Sendable (String) -> String? = { _ in nil }
        let rbfPositive = GaussianKernelVersion(of: PositiveComponent(hyperbolic: false))
        switch kernel {
        case .rff:
            // The smoothed class's n − 1: M = (n − 1)/2 frequencies scaled by √(2/(n − 1)).
            let component = TrigonometricComponent(smoothing: smoothing, nominalDimensions: n - 1)
            return GridPreset(kernel: RandomFeatureKernel(component: component, source: GaussianFrequencies(order: .byCoordinate)),
                              frequencies: (n - 1) / 2, legacyName: unchanged)
        case .favor:
            return GridPreset(kernel: RandomFeatureKernel(component: PositiveComponent(hyperbolic: true), source: OrthogonalFrequencies()),
                              frequencies: n / 2, legacyName: unchanged)
        case .gaussianPRF:
            let component = GaussianKernelVersion(of: PositiveComponent(hyperbolic: true))
            return GridPreset(kernel: RandomFeatureKernel(component: component, source: OrthogonalFrequencies()),
                              frequencies: n / 2, legacyName: unchanged)
        case .gmmPRF:
            return GridPreset(kernel: RandomFeatureKernel(component: rbfPositive, source: LearnedSpectrumNoise(order: .byCoordinate)),
                              frequencies: n, legacyName: { $0 == "omega" ? "epsilon" : nil })
        case .generatorRKS, .generatorPRF:
            // n − 1 as the smoothed class; M = (n − 1)/2 generated frequencies. The generator's
            // tensors were the map's own, without the `frequencies.` of a learned source.
            let component: any ComponentFunction = kernel == .generatorRKS
                ? TrigonometricComponent(smoothing: smoothing, nominalDimensions: n - 1) : rbfPositive
            let prefix = "frequencies."
            return GridPreset(kernel: RandomFeatureKernel(component: component, source: GeneratedFrequencies(noiseDimensions: noiseDimensions)),
                              frequencies: (n - 1) / 2,
                              legacyName: { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : nil })
        case .gmmPRFHyperbolic:
            // M = n/2 frequencies ω = μ_h + e^{σ_h/2}ε, each giving exp(±ωᵀx − ‖x‖²) (the pair ±ω).
            let component = GaussianKernelVersion(of: PositiveComponent(hyperbolic: true, mirrorsMean: true))
            let source = LearnedSpectrumNoise(order: .byCoordinate, covariance: .isotropic)
            return GridPreset(kernel: RandomFeatureKernel(component: component, source: source), frequencies: n / 2,
                              legacyName: { $0 == "omega" ? "epsilon" : nil })
        case .gmmRKS, .gaussRKS:
            // M = n/4 frequencies for the smoothed class's n − 1, each giving cos/sin at ±μ with the
            // scale √(4/(n − 1)); ε drawn as torch.randn(d, M), named `epsilon` by the class of its own.
            let component = TrigonometricComponent(smoothing: smoothing, nominalDimensions: n - 1, symmetricMean: true)
            let source = LearnedSpectrumNoise(order: .byCoordinate, covariance: .full(sharedByHeads: kernel == .gaussRKS))
            return GridPreset(kernel: RandomFeatureKernel(component: component, source: source), frequencies: (n - 1) / 4,
                              legacyName: { $0 == "omega" ? "epsilon" : nil })
        case .fastFoodRandom, .fastFoodLearnedScale, .fastFoodRKS, .fastFoodPRF:
            // One block of d' = d (a power of two): M = d frequencies, the official N(0, 1/d) start and
            // redraws. The class of their own named the diagonals without the `frequencies.` of a
            // learned source and kept one permutation of shape (d) where the source keeps one per block.
            let learned: FastFoodDiagonalSet = switch kernel {
            case .fastFoodRandom: []
            case .fastFoodLearnedScale: .scale
            default: .all
            }
            let component: any ComponentFunction = kernel == .fastFoodPRF ? rbfPositive : TrigonometricComponent(smoothing: smoothing)
            let source = LearnedFastFoodFrequencies(learning: learned, convention: .official)
            let prefix = "frequencies."
            return GridPreset(kernel: RandomFeatureKernel(component: component, source: source), frequencies: headDimension,
                              legacyName: { name in
                                  guard name.hasPrefix(prefix) else { return nil }
                                  let local = String(name.dropFirst(prefix.count))
                                  return local == "permutations" ? "permutation" : local
                              })
        default:
            return nil
        }
    }
}

/// Where each named kernel sits on the random-feature grid (spec random-features.md §4.4).
extension Kernel {
    /// For a preset of the grid, its pair; otherwise the nearest pair and what the named kernel
    /// keeps of its own (constants, initialisation or sharing the grid does not express), for
    /// `klt kernels`; nil for softmax and elu+1, which are not random features.
    public var gridPlacement: (pair: String, keeps: String)? {
        switch self {
        case .softmax, .elu: nil
        case .rff: ("trigrf+gaussian", "preset: M = (n − 1)/2 frequencies drawn as torch.randn(d, M), scale √(2/(n − 1))")
        case .favor: ("posrf-hyp+orf", "preset: M = n/2 orthogonal frequencies")
        case .gaussianPRF: ("posrf-hyp-rbf+orf", "preset: M = n/2 orthogonal frequencies")
        case .gmmPRF: ("posrf-rbf+gmm", "preset: M = n, ε drawn as torch.randn(d, M)")
        case .generatorRKS: ("trigrf+generator", "preset: M = (n − 1)/2 frequencies, scale √(2/(n − 1))")
        case .generatorPRF: ("posrf-rbf+generator", "preset: M = (n − 1)/2 frequencies")
        case .favorExp: ("posrf+orf", "own class: 10⁻⁴ added to every feature, google-research's stabiliser")
        case .fastFoodRandom: ("trigrf+fastfood", "preset: one FastFood block of M = d, learning nothing: S, G, B and Π redrawn every call")
        case .fastFoodLearnedScale: ("trigrf+fastfood-learned", "preset: M = d, only S learned, initialised N(0, 1/d) as the official code; G, B redrawn")
        case .fastFoodRKS: ("trigrf+fastfood-learned", "preset: M = d, S, G, B initialised N(0, 1/d) as the official code (the grid's pair starts from an exact draw)")
        case .fastFoodPRF: ("posrf-rbf+fastfood-learned", "preset: M = d, S, G, B initialised N(0, 1/d) as the official code (the grid's pair starts from an exact draw)")
        case .gaussRKS: ("trigrf+gmm", "preset: one Gaussian with a full matrix Σ shared by the heads, features at ±μ, M = n/4, scale √(4/n)")
        case .gmmRKS: ("trigrf+gmm", "preset: a full matrix Σ per head (covariance ΣᵀΣ), features at ±μ, M = n/4, scale √(4/n)")
        case .gmmPRFHyperbolic: ("posrf-hyp-rbf+gmm", "preset: pairs ±ω with ω = μ + σε (the grid's pair ±ε keeps μ's sign), one scalar variance per head, U(±0.5) initialisation, M = n/2")
        case .gmmMixture: ("trigrf+gmm", "own class: C diagonal Gaussians shared by the heads, one attention per Gaussian mixed by learned weights")
        }
    }
}
