/// What a kernel configuration needs before `makeFeatureMap(generator:)` can build it: a feature-count
/// argument the kernel can use and, for FastFood, a power-of-two head dimension. The feature maps'
/// initialisers trap on sizes they cannot use; `validate()` turns every such case into an error first.
extension KernelConfiguration {
    /// The largest feature-count argument `validate()` accepts (the official code's largest is in the
    /// hundreds; a million features per head is already far beyond any memory).
    public static let maximumDimensionsArgument = 1 << 20

    /// The smallest official `n_dims` argument the kernel's feature map can be built with (1 for
    /// kernels that ignore it): RFF keeps (n − 1)/2 ≥ 1 frequencies, the generators (n − 1)/2 ≥ 2
    /// (batch normalisation estimates a variance over them), the RKS mixtures (n − 1)/4 ≥ 1, FAVOR+
    /// and the hyperbolic maps n/2 ≥ 1.
    public var minimumDimensionsArgument: Int {
        guard case .named(let kernel) = kernel else { return 1 }
        return switch kernel {
        case .softmax, .elu, .fastFoodRandom, .fastFoodLearnedScale, .fastFoodRKS, .fastFoodPRF, .gmmPRF: 1
        case .favor, .gaussianPRF, .favorExp, .gmmPRFHyperbolic: 2
        case .rff: 3
        case .gaussRKS, .gmmRKS, .gmmMixture, .generatorRKS, .generatorPRF: 5
        }
    }

    /// Whether the kernel reads the feature-count argument at all.
    public var usesDimensionsArgument: Bool {
        guard case .named(let kernel) = kernel else { return true }
        return switch kernel {
        case .softmax, .elu, .fastFoodRandom, .fastFoodLearnedScale, .fastFoodRKS, .fastFoodPRF: false
        default: true
        }
    }

    /// Features per head that attention sees: m of the map times its mixture components (0 for
    /// softmax, which has no features). Matches the `featureCount × mixtureComponents` of the map
    /// `makeFeatureMap` builds.
    public var featuresPerHead: Int {
        let d = headDimension, n = officialDimensionsArgument
        guard case .named(let kernel) = kernel else {
            guard case .randomFeatures(let pair) = kernel else { preconditionFailure() }
            return pair.featureCount(frequencies: n)
        }
        switch kernel {
        case .softmax: return 0
        case .elu: return d
        case .rff, .generatorRKS: return 2 * ((n - 1) / 2) + 1
        case .generatorPRF: return (n - 1) / 2
        case .favor, .gaussianPRF, .gmmPRFHyperbolic: return 2 * (n / 2)
        case .favorExp: return n / 2
        case .fastFoodRandom, .fastFoodLearnedScale, .fastFoodRKS: return 2 * d + 1
        case .fastFoodPRF: return d
        case .gaussRKS, .gmmRKS: return 4 * ((n - 1) / 4) + 1
        case .gmmPRF: return n
        case .gmmMixture: return max(1, d / 2) * (4 * ((n - 1) / 4) + 1)
        }
    }

    /// Throws `ConfigurationError.invalid` when `makeFeatureMap` could not build this kernel: a head
    /// count, head dimension or length that is not positive (or absurdly large), a feature-count argument (given, or the official
    /// default at this `maxLength`) outside `minimumDimensionsArgument...maximumDimensionsArgument`,
    /// or a FastFood kernel with a head dimension that is not a power of two.
    public func validate() throws {
        guard (1...(1 << 16)).contains(headDimension), (1...(1 << 16)).contains(heads), (1...(1 << 30)).contains(maxLength) else {
            throw ConfigurationError.invalid("kernel \(kernel.name): heads \(heads), head dimension \(headDimension) and maximum length \(maxLength) must be positive and at most 65536, 65536 and 2^30")
        }
        if let named = kernel.namedKernel, [.fastFoodRandom, .fastFoodLearnedScale, .fastFoodRKS, .fastFoodPRF].contains(named),
           headDimension & (headDimension - 1) != 0 {
            throw ConfigurationError.invalid("kernel \(kernel.name) needs a power-of-two head dimension, got \(headDimension)")
        }
        if let dimensionsArgument, !(1...Self.maximumDimensionsArgument).contains(dimensionsArgument) {
            throw ConfigurationError.invalid("the feature-count argument must be in 1...\(Self.maximumDimensionsArgument), got \(dimensionsArgument)")
        }
        guard usesDimensionsArgument else { return }
        let n = officialDimensionsArgument
        guard n >= minimumDimensionsArgument else {
            let source = dimensionsArgument == nil ? "the official default for inputs of \(maxLength) positions is \(n)" : "got \(n)"
            throw ConfigurationError.invalid("kernel \(kernel.name) needs a feature-count argument of at least \(minimumDimensionsArgument) (\(source))")
        }
        guard n <= Self.maximumDimensionsArgument else {
            throw ConfigurationError.invalid("kernel \(kernel.name): the feature-count argument \(n) exceeds \(Self.maximumDimensionsArgument)")
        }
        if case .randomFeatures(let pair) = kernel, let refusal = pair.source.refusal(count: n, dimension: headDimension) {
            throw ConfigurationError.invalid("kernel \(kernel.name): \(refusal); pass --features with more frequencies")
        }
    }
}

extension KernelConfiguration {
    /// Why the map this configuration builds cannot serve causal attention, or nil when it can (the
    /// map's own `FeatureMap.causalRefusal`, known before it is built): only pairs of the
    /// random-feature grid whose component reads statistics of the whole sequence are refused.
    public var causalRefusal: String? {
        if let preset = gridPreset { return preset.kernel.causalRefusal }
        guard case .randomFeatures(let pair) = kernel else { return nil }
        return pair.causalRefusal
    }
}
