import KLTensor

/// The feature map of a kernel of the random-feature grid: `kernel.component` applied to
/// temperature-scaled queries and keys with frequencies ω drawn by `kernel.source`.
///
/// Exponential components are stabilised in the log domain as spec §2.7 prescribes: each query's
/// log-features are shifted by their own maximum, and all keys of one batch element and head by one
/// common maximum over the real keys — shifts that cancel in attention, whereas a per-key shift
/// would change the kernel. ω is a buffer (saved in checkpoints) redrawn on the map's schedule.
public final class RandomFeatureMap: FeatureMap {
    /// Which pair of the grid this map computes.
    public let kernel: RandomFeatureKernel
    public let inputDimension: Int
    /// The number of frequencies M.
    public let frequencyCount: Int
    public var randomness: FeatureRandomness
    /// The current frequencies ω, (d, M).
    public private(set) var omega: Tensor

    public var featureCount: Int { kernel.featureCount(frequencies: frequencyCount) }

    /// A map for head dimension `inputDimension` with `frequencyCount` frequencies; traps on a size
    /// the source cannot draw (`KernelConfiguration.validate()` refuses those first).
    public init(kernel: RandomFeatureKernel, inputDimension: Int, frequencyCount: Int, randomness: FeatureRandomness) {
        if let refusal = kernel.source.refusal(count: frequencyCount, dimension: inputDimension) {
            preconditionFailure("RandomFeatureMap \(kernel.name): \(refusal)")
        }
        self.kernel = kernel
        self.inputDimension = inputDimension
        self.frequencyCount = frequencyCount
        self.randomness = randomness
        omega = Tensor.zeros([inputDimension, frequencyCount])
        redraw()
    }

    public var buffers: [NamedParameter] { [NamedParameter("omega", omega)] }

    public func redraw() {
        omega = kernel.source.omega(count: frequencyCount, dimension: inputDimension, generator: &randomness.generator)
    }

    public func features(queries: Tensor, keys: Tensor, keyMask: Tensor?, training: Bool) -> (queries: Tensor, keys: Tensor) {
        let x = FeatureMath.scaled(queries), y = FeatureMath.scaled(keys)
        let statistics = SequenceStatistics(queries: x, keys: y, keyMask: keyMask)
        switch kernel.component.features(queries: x, keys: y, omega: omega, statistics: statistics) {
        case .direct(let phiQ, let phiK):
            return (phiQ, phiK)
        case .logarithmic(let logQ, let logK):
            let queryShift = withoutGradients { logQ.max(alongAxes: [-1], keepingDimensions: true) }
            let keyShift = withoutGradients { () -> Tensor in
                let (n, s) = (logK.shape[0], logK.shape[1])
                let padded = keyMask.map { logK.maskedFill((1 - $0).reshaped(to: [n, s, 1, 1]), with: -.infinity) } ?? logK
                return padded.max(alongAxes: [1, 3], keepingDimensions: true).clamped(min: -1e30)
            }
            return ((logQ - queryShift).exp(), (logK - keyShift).exp())
        }
    }

    /// The query or key features on their own: the pair computed with `x` as both sides (so the
    /// sequence statistics of OPRF and SADERF are those of `x`).
    public func features(_ x: Tensor, isQuery: Bool, training: Bool) -> Tensor {
        let pair = features(queries: x, keys: x, keyMask: nil, training: training)
        return isQuery ? pair.queries : pair.keys
    }
}
