import Foundation
import KLTensor

/// The log-features shared by every exponential component (PosRF, GERF, OPRF, SADERF), the GERF
/// family with s = +1 and real A (spec §2.3, softmax version):
///
///     ℓ_l(x) = log D + A‖ω_l‖² + B·ω_lᵀx − ½‖x‖² − ½ log m,   B = √(1 − 4A),  D = (1 − 4A)^{d/4}
///
/// so that E[exp(ℓ(x))ᵀexp(ℓ(y))] = exp(xᵀy) for ω_l ~ N(0, I_d) and A < 1/8. A may be one number
/// or one per batch element and head (N, 1, H, 1); it carries no gradient.
enum ExponentialFeatures {
    /// ℓ(x) for x (N, L, H, d), ω (d, M) and A, with `features` = M features (or 2M for
    /// `hyperbolic`, the ±ω pair of spec §2.2, which is unbiased for A = 0).
    static func logFeatures(_ x: Tensor, omega: Tensor, a: Tensor?, hyperbolic: Bool = false) -> Tensor {
        let d = omega.shape[0], m = omega.shape[1]
        let u = Tensor.matmul(x, omega)                                                      // (N, L, H, M)
        let count = Float(hyperbolic ? 2 * m : m)
        let constant = -0.5 * Float(Foundation.log(Double(count)))
        guard let a else { return withNormOffset(u, x, constant: constant, hyperbolic: hyperbolic) }
        let norm = x.squared().sum(alongAxes: [-1], keepingDimensions: true) * -0.5         // (N, L, H, 1)
        let (b, logD) = withoutGradients { () -> (Tensor, Tensor) in
            let shrink = 1 - 4 * a                                                           // 1 − 4A > 0 for A < 1/4
            return (shrink.sqrt(), shrink.log() * Float(d) / 4)
        }
        let lengths = omega.squared().sum(alongAxes: [0], keepingDimensions: true).reshaped(to: [1, 1, 1, m])
        return u * b + a * lengths + (logD + norm + constant)
    }

    /// [u, −u] (`hyperbolic`) or u, plus the row offset −½‖x‖² + `constant` of each row x of `x`
    /// (…, d), as one fused op: it replaces a square, a row sum, a scaling, a concatenation and a
    /// broadcast sum forward (and their backwards) by one pass each way.
    /// ∂/∂u = g₁ − g₂ (or g), ∂/∂x = −x·Σ_j g_j.
    private static func withNormOffset(_ u: Tensor, _ x: Tensor, constant: Float, hyperbolic: Bool) -> Tensor {
        let m = u.shape[u.rank - 1], rows = u.count / max(m, 1), width = hyperbolic ? 2 * m : m
        let d = x.shape[x.rank - 1]
        precondition(x.count == rows * d, "ExponentialFeatures: inputs \(x.shape) must hold one row per row of \(u.shape)")
        let output = Tensor.uninitialized(Array(u.shape.dropLast()) + [width])
        let source = u.storage.pointer, inputs = x.storage.pointer, out = output.storage.pointer
        Parallel.forRanges(rows, costPerItem: 2 * width + 2 * d) { start, end in
            for row in start..<end {
                let ur = source + row * m, y = out + row * width, xr = inputs + row * d
                let c = -0.5 * VectorMath.dot(xr, xr, count: d) + constant
                for j in 0..<m { y[j] = ur[j] + c }
                if hyperbolic { for j in 0..<m { y[m + j] = -ur[j] + c } }
            }
        }
        let uShape = u.shape
        return Tensor.record("normOffsetLogFeatures", output, inputs: [u, x]) { g in
            let gradU = Tensor.uninitialized(uShape), gradX = Tensor.uninitialized(x.shape)
            let gp = g.storage.pointer, du = gradU.storage.pointer, dx = gradX.storage.pointer, inputs = x.storage.pointer
            Parallel.forRanges(rows, costPerItem: 2 * width + 2 * d) { start, end in
                for row in start..<end {
                    let gr = gp + row * width, dr = du + row * m
                    if hyperbolic {
                        for j in 0..<m { dr[j] = gr[j] - gr[m + j] }
                    } else {
                        dr.update(from: gr, count: m)
                    }
                    let scale = -VectorMath.sum(gr, count: width), xr = inputs + row * d, dxr = dx + row * d
                    for i in 0..<d { dxr[i] = xr[i] * scale }
                }
            }
            return [gradU, gradX]
        }
    }

    /// OPRF's optimal A* (spec §2.4) for mean ‖x + y‖² = `spread` over the pairs of a sequence:
    /// ρ* = 2d / (√((2φ̄ + d)² + 8dφ̄) + 2φ̄ + d) (the stable form of the paper's root), A* = (1 − 1/ρ*)/8 ≤ 0.
    static func optimalA(spread: Tensor, dimension d: Int) -> Tensor {
        withoutGradients {
            let phi = spread.clamped(min: 0)
            let dimension = Float(d)
            let root = ((phi * 2 + dimension).squared() + phi * (8 * dimension)).sqrt()
            let rho = Tensor(2 * dimension) / (root + phi * 2 + dimension)
            return (1 - Tensor(1) / rho) * 0.125
        }
    }

    /// φ̄ = mean_i ‖x_i‖² + mean_j ‖y_j‖² + 2 x̄ᵀȳ over the real tokens, (N, 1, H, 1).
    static func spread(_ x: Tensor, _ y: Tensor, statistics: SequenceStatistics) -> Tensor {
        withoutGradients {
            let queries = statistics.queryMeanSquares(x).sum(alongAxes: [-1], keepingDimensions: true)
            let keys = statistics.keyMeanSquares(y).sum(alongAxes: [-1], keepingDimensions: true)
            let cross = (statistics.queryMean(x) * statistics.keyMean(y)).sum(alongAxes: [-1], keepingDimensions: true)
            return queries + keys + cross * 2
        }
    }
}
