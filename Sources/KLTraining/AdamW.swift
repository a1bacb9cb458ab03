import Foundation
import KLTensor
import KLTransformer

/// AdamW (Loshchilov & Hutter), PyTorch's semantics: decoupled weight decay p ← p·(1 − lr·λ), then the
/// bias-corrected Adam step p ← p − lr·m̂/(√v̂ + ε). The paper's setting (spec §5): β = (0.9, 0.98),
/// ε = 10⁻⁹, λ = 0.1 on every parameter.
public final class AdamW {
    /// Hyper-parameters.
    public struct Settings: Codable, Equatable, Sendable {
        /// First-moment decay β₁.
        public var beta1: Double
        /// Second-moment decay β₂.
        public var beta2: Double
        /// Added to √v̂.
        public var epsilon: Double
        /// Decoupled weight decay λ.
        public var weightDecay: Double

        /// The paper's settings unless given.
        public init(beta1: Double = 0.9, beta2: Double = 0.98, epsilon: Double = 1e-9, weightDecay: Double = 0.1) {
            self.beta1 = beta1
            self.beta2 = beta2
            self.epsilon = epsilon
            self.weightDecay = weightDecay
        }
    }

    /// The hyper-parameters.
    public let settings: Settings
    /// The parameters it updates, by name.
    public let parameters: [NamedParameter]
    /// First moments, one per parameter (same order).
    public private(set) var firstMoments: [Tensor]
    /// Second moments, one per parameter (same order).
    public private(set) var secondMoments: [Tensor]
    /// Updates taken so far (t).
    public private(set) var step = 0

    /// An optimizer for `parameters` with zero moments.
    public init(parameters: [NamedParameter], settings: Settings = Settings()) {
        self.parameters = parameters
        self.settings = settings
        firstMoments = parameters.map { Tensor.zeros($0.tensor.shape) }
        secondMoments = parameters.map { Tensor.zeros($0.tensor.shape) }
    }

    /// One update with learning rate `learningRate`, using each parameter's accumulated `grad`
    /// (parameters without a gradient are only decayed), then clears the gradients.
    public func update(learningRate: Double) {
        step += 1
        let (b1, b2) = (settings.beta1, settings.beta2)
        let correction1 = 1 - pow(b1, Double(step)), correction2 = 1 - pow(b2, Double(step))
        let decay = Float(1 - learningRate * settings.weightDecay)
        let stepSize = Float(learningRate / correction1)
        let (fb1, fb2, epsilon) = (Float(b1), Float(b2), Float(settings.epsilon))
        let rootCorrection2 = Float(correction2.squareRoot())
        for (index, parameter) in parameters.enumerated() {
            let p = parameter.tensor.storage.pointer, count = parameter.tensor.count
            let m = firstMoments[index].storage.pointer, v = secondMoments[index].storage.pointer
            guard let grad = parameter.tensor.grad else {
                Parallel.forRanges(count, costPerItem: 1) { start, end in
                    for i in start..<end { p[i] *= decay }
                }
                continue
            }
            // Element by element, so the split among threads never changes a bit.
            let g = grad.storage.pointer
            Parallel.forRanges(count, costPerItem: 12) { start, end in
                for i in start..<end {
                    m[i] = fb1 * m[i] + (1 - fb1) * g[i]
                    v[i] = fb2 * v[i] + (1 - fb2) * g[i] * g[i]
                    p[i] = p[i] * decay - stepSize * m[i] / (v[i].squareRoot() / rootCorrection2 + epsilon)
                }
            }
            parameter.tensor.zeroGrad()
        }
    }

    /// Restores the moments and step count (from a checkpoint).
    public func restore(step: Int, firstMoments: [Tensor], secondMoments: [Tensor]) throws {
        guard firstMoments.count == parameters.count, secondMoments.count == parameters.count,
              zip(parameters, zip(firstMoments, secondMoments)).allSatisfy({ $0.tensor.shape == $1.0.shape && $0.tensor.shape == $1.1.shape })
        else { throw TrainingError.incompatibleCheckpoint("optimizer state does not match the model's parameters") }
        self.step = step
        self.firstMoments = firstMoments.map { $0.copy() }
        self.secondMoments = secondMoments.map { $0.copy() }
    }
}
