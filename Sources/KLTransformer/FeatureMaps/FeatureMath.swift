import Foundation
import KLTensor

/// Building blocks shared by the random-feature maps: input scaling, trigonometric (RKS) and
/// positive (PRF) features, the smoothing constant.
enum FeatureMath {
    /// x̃ = x·d^{-1/4}: the softmax temperature 1/√d split evenly between queries and keys, so that
    /// x̃_q·x̃_k = q·k/√d.
    static func scaled(_ x: Tensor) -> Tensor {
        x * Float(pow(Double(x.shape[x.rank - 1]), -0.25))
    }

    /// ‖x̃‖² over the last axis, kept as a size-1 axis for broadcasting.
    static func squaredNorm(_ x: Tensor) -> Tensor {
        x.squared().sum(alongAxes: [-1], keepingDimensions: true)
    }

    /// `scale·[cos u, sin u]` along the last axis (random kitchen sinks).
    static func trigonometric(_ u: Tensor, scale: Float) -> Tensor {
        Tensor.concatenate([u.cos(), u.sin()], alongAxis: -1) * scale
    }

    /// exp(u − offset), offset broadcast over the last axis (positive random features).
    static func positive(_ u: Tensor, offset: Tensor) -> Tensor {
        (u - offset).exp()
    }

    /// φ with a constant feature `s` appended, so that φ_s(q)·φ_s(k) = φ(q)·φ(k) + s².
    static func appendingConstant(_ phi: Tensor, _ s: Float) -> Tensor {
        Tensor.concatenate([phi, Tensor(repeating: s, shape: Array(phi.shape.dropLast()) + [1])], alongAxis: -1)
    }

    /// Random-feature count rounding of the official code (`pow2cast`): x rounded to a power of two,
    /// up when x is at least 1.5 times the power of two below it, down otherwise.
    /// pow2cast(64·ln 64 = 266.2) = 256, pow2cast(32·ln 32 = 110.9) = 128.
    static func powerOfTwoCast(_ x: Double) -> Int {
        let lower = pow(2, floor(log2(x)))
        return Int(x >= 1.5 * lower ? 2 * lower : lower)
    }
}
