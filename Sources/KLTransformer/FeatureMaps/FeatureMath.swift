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

    /// `scale·[cos u, sin u]` along the last axis (random kitchen sinks), as one fused op that keeps only
    /// its output for backward: with φ = [s·cos u, s·sin u], ∂/∂u_j = −g_j·φ_{M+j} + g_{M+j}·φ_j.
    static func trigonometric(_ u: Tensor, scale: Float) -> Tensor {
        let m = u.shape.last ?? 0
        let rows = m == 0 ? 0 : u.count / m
        let output = Tensor(shape: Array(u.shape.dropLast()) + [2 * m], storage: TensorStorage(uninitializedCount: 2 * u.count))
        let source = u.storage.pointer, phi = output.storage.pointer
        Parallel.forRanges(rows, costPerItem: 16 * m) { start, end in
            for row in start..<end {
                let x = source + row * m, out = phi + row * 2 * m
                VectorMath.applySerially(.cos, x, out, count: m)
                VectorMath.applySerially(.sin, x, out + m, count: m)
                for j in 0..<(2 * m) { out[j] *= scale }
            }
        }
        let inputShape = u.shape                          // capture u's shape only: u itself can be freed
        return Tensor.record("trigonometricFeatures", output, inputs: [u]) { g in
            let phi = output.storage.pointer              // keeps φ alive until backward
            let grad = Tensor(shape: inputShape, storage: TensorStorage(uninitializedCount: rows * m))
            let gp = g.storage.pointer, du = grad.storage.pointer
            Parallel.forRanges(rows, costPerItem: 4 * m) { start, end in
                for row in start..<end {
                    let gr = gp + row * 2 * m, fr = phi + row * 2 * m, dr = du + row * m
                    for j in 0..<m { dr[j] = gr[m + j] * fr[j] - gr[j] * fr[m + j] }
                }
            }
            return [grad]
        }
    }

    /// Positive random features exp(u − offset) — or, `hyperbolic`, the pair [exp(u − offset),
    /// exp(−u − offset)] — with `offset` (…, 1) broadcast over the last axis. One fused op that keeps only
    /// φ for backward: ∂/∂u_j = g_j·φ_j (− g_{M+j}·φ_{M+j}), ∂/∂offset = −Σ_j g_j·φ_j.
    static func positive(_ u: Tensor, offset: Tensor, hyperbolic: Bool = false) -> Tensor {
        let m = u.shape.last ?? 0
        let rows = m == 0 ? 0 : u.count / m
        precondition(offset.count == rows && offset.shape.last == 1,
                     "positive features: offset \(offset.shape) must hold one value per row of \(u.shape)")
        let width = hyperbolic ? 2 * m : m
        let output = Tensor(shape: Array(u.shape.dropLast()) + [width], storage: TensorStorage(uninitializedCount: rows * width))
        let source = u.storage.pointer, shift = offset.storage.pointer, phi = output.storage.pointer
        Parallel.forRanges(rows, costPerItem: 8 * width) { start, end in
            for row in start..<end {
                let x = source + row * m, out = phi + row * width, c = shift[row]
                for j in 0..<m { out[j] = x[j] - c }
                if hyperbolic { for j in 0..<m { out[m + j] = -x[j] - c } }
                VectorMath.applySerially(.exp, out, out, count: width)
            }
        }
        let (inputShape, offsetShape) = (u.shape, offset.shape)   // shapes only: u and the offset can be freed
        return Tensor.record("positiveFeatures", output, inputs: [u, offset]) { g in
            let phi = output.storage.pointer              // keeps φ alive until backward
            let gradU = Tensor(shape: inputShape, storage: TensorStorage(uninitializedCount: rows * m))
            let gradOffset = Tensor(shape: offsetShape, storage: TensorStorage(uninitializedCount: rows))
            let gp = g.storage.pointer, du = gradU.storage.pointer, doff = gradOffset.storage.pointer
            Parallel.forRanges(rows, costPerItem: 4 * width) { start, end in
                for row in start..<end {
                    let gr = gp + row * width, fr = phi + row * width, dr = du + row * m
                    var total: Float = 0
                    for j in 0..<m { dr[j] = gr[j] * fr[j] }
                    for j in 0..<width { total += gr[j] * fr[j] }
                    if hyperbolic { for j in 0..<m { dr[j] -= gr[m + j] * fr[m + j] } }
                    doff[row] = -total
                }
            }
            return [gradU, gradOffset]
        }
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
