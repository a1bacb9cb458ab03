import Foundation
import KLTensor
import KLTransformer

/// A trained layer's kernel estimated by its own kind of feature map at any number of frequencies:
/// a fresh map of the same kernel, built for M frequencies, with the trained map's parameters (and
/// running statistics) copied in and its own seeded random draws. φ(Q)φ(K)ᵀ of such a map is the
/// random-feature estimate of the learned kernel with M frequencies drawn from the trained distribution.
///
/// FastFood draws d frequencies per map; M = r·d is the average of r independent draws (one map
/// with M frequencies in all, each draw scaled by 1/r).
public struct FeatureKernelEstimator {
    /// The kernel.
    public let family: KernelFamily
    /// The trained layer's map, whose parameters every estimate uses.
    public let trainedMap: any FeatureMap
    /// The model's configuration (heads, head dimension, kernel preset).
    public let configuration: EncoderConfiguration

    /// An estimator of `trainedMap`'s kernel.
    public init(family: KernelFamily, trainedMap: any FeatureMap, configuration: EncoderConfiguration) {
        self.family = family
        self.trainedMap = trainedMap
        self.configuration = configuration
    }

    /// Frequencies one map draws: d for FastFood, otherwise as asked.
    public func frequenciesPerDraw(_ frequencies: Int) -> Int {
        family.drawsFixedFrequencyCount ? trainedMap.inputDimension : frequencies
    }

    /// Whether an estimate with exactly `frequencies` frequencies can be made (FastFood: multiples of d).
    public func supports(frequencies: Int) -> Bool {
        guard frequencies >= 1 else { return false }
        return !family.drawsFixedFrequencyCount || frequencies % trainedMap.inputDimension == 0
    }

    /// A map like the trained one drawing `frequencies` per head (FastFood: d), with the trained
    /// parameters and running statistics and its own randomness seeded by `seed` (never redrawn by
    /// itself: `estimate` redraws explicitly).
    public func makeMap(frequencies: Int, seed: UInt64) -> any FeatureMap {
        var kernelConfiguration = configuration.kernelConfiguration(seed: seed)      // the encoder's, for one layer
        kernelConfiguration.dimensionsArgument = family.dimensionsArgument(frequencies: frequencies) ?? configuration.featureDimensionsArgument
        kernelConfiguration.redraw = .never
        kernelConfiguration.frozenInEvaluation = true
        var initialization = RandomGenerator(seed: seed ^ 0x1A57_EC7E_D000_0001)   // overwritten by the copy below
        guard let map = kernelConfiguration.makeFeatureMap(generator: &initialization) else {
            preconditionFailure("FeatureKernelEstimator: kernel \(family.kernel.rawValue) has no feature map")
        }
        for (target, source) in zip(map.parameters, trainedMap.parameters) {
            precondition(target.name == source.name && target.tensor.shape == source.tensor.shape,
                         "FeatureKernelEstimator: parameter \(target.name) \(target.tensor.shape) ≠ \(source.name) \(source.tensor.shape)")
            target.tensor.assign(source.tensor)
        }
        let sources = Dictionary(trainedMap.buffers.map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first })
        for target in map.buffers where target.name.contains("running") {
            if let source = sources[target.name], source.shape == target.tensor.shape { target.tensor.assign(source) }
        }
        return map
    }

    /// φ(Q)φ(K)ᵀ per head, (H, n, n') row-major, averaged over `draws` fresh draws of `map` (each
    /// draw redraws first). `queries` (n, H, d) and `keys` (n', H, d) are one sequence's projections.
    /// A mixture map's components are weighted by its mixture weights.
    public func estimate(map: any FeatureMap, queries: Tensor, keys: Tensor, draws: Int = 1) -> [Double] {
        withoutGradients {
            let (n, m, heads) = (queries.shape[0], keys.shape[0], queries.shape[1])
            let components = map.mixtureComponents
            let weights = map.mixtureWeights()?.scalars.map(Double.init) ?? [1]
            var total = [Double](repeating: 0, count: heads * n * m)
            for _ in 0..<max(draws, 1) {
                map.redraw()
                let phiQ = Self.byHead(map.features(queries.reshaped(to: [1] + queries.shape), isQuery: true, training: false), components)
                let phiK = Self.byHead(map.features(keys.reshaped(to: [1] + keys.shape), isQuery: false, training: false), components)
                let gram = Tensor.matmul(phiQ, phiK, transposeB: true).scalars      // (H·C, n, n')
                for h in 0..<heads {
                    for c in 0..<components {
                        let weight = weights[c] / Double(max(draws, 1)), source = (h * components + c) * n * m
                        for index in 0..<(n * m) { total[h * n * m + index] += weight * Double(gram[source + index]) }
                    }
                }
            }
            return total
        }
    }

    /// Features (1, n, H, C·m) as (H·C, n, m): one matrix per head and mixture component.
    private static func byHead(_ phi: Tensor, _ components: Int) -> Tensor {
        let (n, heads) = (phi.shape[1], phi.shape[2])
        let width = phi.shape[3] / components
        return phi.reshaped(to: [n, heads * components, width]).permuted([1, 0, 2])
    }

    /// The estimate with `frequencies` frequencies in all: one draw of a map with that many, or
    /// frequencies/d FastFood draws. `seed` fixes the draws.
    public func estimate(frequencies: Int, seed: UInt64, queries: Tensor, keys: Tensor) -> [Double] {
        let perDraw = frequenciesPerDraw(frequencies)
        return estimate(map: makeMap(frequencies: perDraw, seed: seed), queries: queries, keys: keys,
                        draws: max(1, frequencies / perDraw))
    }
}
