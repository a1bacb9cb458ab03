import Foundation
import KLTensor
import KLTransformer

/// What one attention call costs: forward and backward time and peak tensor memory at a sequence
/// length, for one kernel. The efficiency claim of the paper (its Figure 4) is this measurement
/// against length: quadratic for softmax, linear for the feature-map kernels.
public struct AttentionCost: Sendable, Equatable {
    /// Kernel (paper name).
    public var kernel: String
    /// Sequence length.
    public var length: Int
    /// Features per head (the sequence length for softmax, whose "features" are the keys).
    public var features: Int
    /// Best-of-trials seconds of forward + backward; nil when skipped.
    public var seconds: Double?
    /// Peak bytes held by tensors during one pass, above what was held before; nil when skipped.
    public var peakBytes: Double?
    /// Why it was skipped (its estimated memory exceeds the budget), when it was.
    public var skipped: String?

    /// What is measured, in words, for tables and reports.
    public static let method = """
        One attention call, batch 1: φ(Q), φ(K) with the kernel's parameters and the attention itself, then the \
        backward pass to Q, K, V and the kernel parameters (the Q/K/V projections, the same for every kernel, are left \
        out); best of several trials after a warm-up; peak memory counts tensor storage.
        """

    /// Measures `kernel` at `length` with `heads` × `headDimension` (FAVOR+-like kernels with
    /// `favorFeatures` features, others with the official ListOps counts); skipped, with the reason,
    /// when its estimated memory exceeds `memoryBudget` bytes.
    public static func measure(_ kernel: Kernel, length: Int, heads: Int = 8, headDimension: Int = 64, favorFeatures: Int = 256,
                               memoryBudget: Double = 12e9, trials: Int = 3) -> AttentionCost {
        var generator = RandomGenerator(seed: 7)
        let featureMap: (any FeatureMap)?
        if kernel == .softmax {
            featureMap = nil
            // scores, probabilities and their gradients: about four (H, L, L) float tensors
            let estimate = 16.0 * Double(heads * length * length)
            if estimate > memoryBudget {
                return AttentionCost(kernel: kernel.rawValue, length: length, features: length,
                                     skipped: "its L×L matrices need ~\(Int(estimate / 1e9)) GB")
            }
        } else {
            let favorLike = kernel == .favor || kernel == .favorExp || kernel == .gaussianPRF
            let configuration = KernelConfiguration(kernel: .named(kernel), headDimension: headDimension, heads: heads, maxLength: length + 1,
                                                    dimensionsArgument: favorLike ? (kernel == .favorExp ? 2 * favorFeatures : favorFeatures) : nil,
                                                    seed: 11)
            featureMap = configuration.makeFeatureMap(generator: &generator)
            // φ(Q), φ(K), their gradients and the feature map's intermediates: about eight (L, H, C·m) tensors.
            let width = (featureMap?.featureCount ?? headDimension) * (featureMap?.mixtureComponents ?? 1)
            let estimate = 32.0 * Double(length * heads * width)
            if estimate > memoryBudget {
                return AttentionCost(kernel: kernel.rawValue, length: length, features: width,
                                     skipped: "needs ~\(Int(estimate / 1e9)) GB")
            }
        }
        let shape = [1, length, heads, headDimension]
        let q = Tensor.randomNormal(shape, standardDeviation: 0.5, generator: &generator, requiresGrad: true)
        let k = Tensor.randomNormal(shape, standardDeviation: 0.5, generator: &generator, requiresGrad: true)
        let v = Tensor.randomNormal(shape, generator: &generator, requiresGrad: true)
        let projection = Tensor.randomNormal(shape, generator: &generator)
        var context = ForwardContext(training: true, seed: 3)
        let pass = {
            let out: Tensor
            if let featureMap {
                // What a training step runs: the map's own attention op where it has one, else its
                // stabilised features and linear attention.
                featureMap.prepareForward(training: true)
                if let fused = featureMap.fusedLinearAttention(queries: q, keys: k, values: v, keyMask: nil,
                                                               denominatorGuard: DenominatorGuard(), training: true) {
                    out = fused
                } else {
                    let (phiQ, phiK) = featureMap.features(queries: q, keys: k, keyMask: nil, training: true)
                    out = LinearAttention.attend(queries: phiQ, keys: phiK, values: v)
                }
            } else {
                out = SoftmaxAttention.attend(queries: q, keys: k, values: v, context: &context)
            }
            try! (out * projection).sum().backward()
            for tensor in [q, k, v] + (featureMap?.parameters.map(\.tensor) ?? []) { tensor.zeroGrad() }
        }
        let baseline = TensorMemory.currentBytes
        TensorMemory.resetPeak()
        pass()
        let peak = Double(TensorMemory.peakBytes - baseline)
        let seconds = (0..<max(1, trials)).map { _ in
            let start = DispatchTime.now().uptimeNanoseconds
            pass()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }.min()!
        let features = featureMap.map { $0.featureCount * $0.mixtureComponents } ?? length
        return AttentionCost(kernel: kernel.rawValue, length: length, features: features, seconds: seconds, peakBytes: peak)
    }
}
