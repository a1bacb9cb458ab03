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
        let constant = countConstant(frequencies: m, hyperbolic: hyperbolic)
        guard let a else { return withNormOffset(u, x, constant: constant, hyperbolic: hyperbolic) }
        let norm = x.squared().sum(alongAxes: [-1], keepingDimensions: true) * -0.5         // (N, L, H, 1)
        let (b, logD) = withoutGradients { () -> (Tensor, Tensor) in
            let shrink = 1 - 4 * a                                                           // 1 − 4A > 0 for A < 1/4
            return (shrink.sqrt(), shrink.log() * Float(d) / 4)
        }
        let lengths = omega.squared().sum(alongAxes: [0], keepingDimensions: true).reshaped(to: [1, 1, 1, m])
        return u * b + a * lengths + (logD + norm + constant)
    }

    /// exp(ℓ − c) for the log-features `logFeatures(x, omega: omega, a: nil, hyperbolic:)` and the
    /// stabiliser `shift`, without writing ℓ (`StabilizedExponential.apply(projections:…)`): the
    /// same features as exponentiating those log-features with that shift, bit for bit. A
    /// `normWeight` of 1 rather than ½ gives the features of the Gaussian-kernel version's
    /// log-features ωᵀx − ‖x‖² + c (`GaussianKernelVersion`), to float rounding (its unfused path sums
    /// the norm in another order). Fixed frequencies (no gradient) take the op that also fuses the
    /// projection's backward.
    static func stabilizedFeatures(_ x: Tensor, omega: Tensor, hyperbolic: Bool, normWeight: Float = 0.5,
                                   shift: StabilizedExponential.Shift) -> Tensor {
        let constant = countConstant(frequencies: omega.shape[1], hyperbolic: hyperbolic)
        if !omega.requiresGrad && omega.shape[1] <= GEMM.singleBlockDepth {
            return StabilizedExponential.apply(inputs: x, frequencies: omega, constant: constant, hyperbolic: hyperbolic,
                                               normWeight: normWeight, shift: shift).features
        }
        let u = Tensor.matmul(x, omega)                                                      // (N, L, H, M)
        return StabilizedExponential.apply(projections: u, offsetOf: x, constant: constant, hyperbolic: hyperbolic,
                                           normWeight: normWeight, shift: shift).features
    }

    /// −½ log m' for the m' = M (or 2M hyperbolic) features of M frequencies: the 1/√m' of the estimate.
    static func countConstant(frequencies m: Int, hyperbolic: Bool) -> Float {
        -0.5 * Float(Foundation.log(Double(hyperbolic ? 2 * m : m)))
    }

    /// [u, −u] (`hyperbolic`) or u, plus the row offset −½‖x‖² + `constant` of each row x of `x`
    /// (…, d), as one fused op: it replaces a square, a row sum, a scaling, a concatenation and a
    /// broadcast sum forward (and their backwards) by one pass each way.
    /// ∂/∂u = g₁ − g₂ (or g), ∂/∂x = −x·Σ_j g_j.
    private static func withNormOffset(_ u: Tensor, _ x: Tensor, constant: Float, hyperbolic: Bool) -> Tensor {
        let rows = NormOffsetRows(u, x, constant: constant, hyperbolic: hyperbolic)
        let output = Tensor.uninitialized(Array(u.shape.dropLast()) + [rows.width])
        let out = output.storage.pointer
        Parallel.forRanges(rows.count, costPerItem: rows.cost) { start, end in
            for row in start..<end { rows.write(row, into: out + row * rows.width) }
        }
        return Tensor.record("normOffsetLogFeatures", output, inputs: [u, x]) { g in
            let gradU = Tensor.uninitialized(u.shape), gradX = Tensor.uninitialized(x.shape)
            let gp = g.storage.pointer, du = gradU.storage.pointer, dx = gradX.storage.pointer
            Parallel.forRanges(rows.count, costPerItem: rows.cost) { start, end in
                for row in start..<end { rows.backward(row, gradient: gp + row * rows.width, du: du, dx: dx) }
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

/// The rows of the log-features ℓ = [u, −u] (`hyperbolic`) or u, plus the offset r = −½‖x‖² + `constant`
/// of each row x of the inputs: what `ExponentialFeatures`' norm offset and the fused exponential
/// of `StabilizedExponential` both compute, row by row, with the same float operations in the same
/// order (so the two paths agree bit for bit).
struct NormOffsetRows: @unchecked Sendable {
    /// The rows of u (…, M) and of x (…, d), one row of x per row of u.
    let projections: UnsafePointer<Float>, inputs: UnsafePointer<Float>
    /// Rows, M, d, and the width of a row of ℓ (2M when `hyperbolic`).
    let count: Int, m: Int, d: Int, width: Int
    let constant: Float, hyperbolic: Bool
    /// The weight w of the norm in the offset −w‖x‖²: ½ for PosRF, 1 for its Gaussian-kernel version.
    let normWeight: Float

    /// The rows of `u` and `x`; they must stay alive while these rows are used.
    init(_ u: Tensor, _ x: Tensor, constant: Float, hyperbolic: Bool, normWeight: Float = 0.5) {
        m = u.shape[u.rank - 1]
        count = u.count / max(m, 1)
        d = x.shape[x.rank - 1]
        precondition(x.count == count * d, "ExponentialFeatures: inputs \(x.shape) must hold one row per row of \(u.shape)")
        width = hyperbolic ? 2 * m : m
        projections = UnsafePointer(u.storage.pointer)
        inputs = UnsafePointer(x.storage.pointer)
        self.constant = constant
        self.hyperbolic = hyperbolic
        self.normWeight = normWeight
    }

    /// `count` rows of M projections and of d inputs, each row contiguous; they must stay alive
    /// while these rows are used.
    init(projections: UnsafePointer<Float>, inputs: UnsafePointer<Float>, count: Int, m: Int, d: Int, constant: Float,
         hyperbolic: Bool, normWeight: Float) {
        (self.projections, self.inputs, self.count, self.m, self.d) = (projections, inputs, count, m, d)
        width = hyperbolic ? 2 * m : m
        (self.constant, self.hyperbolic, self.normWeight) = (constant, hyperbolic, normWeight)
    }

    /// Work per row for `Parallel.forRanges`.
    var cost: Int { 2 * width + 2 * d }

    /// r = −w‖x‖² + constant of row `row` (w = `normWeight`).
    @inline(__always)
    func offset(_ row: Int) -> Float {
        let x = inputs + row * d
        return -normWeight * VectorMath.dot(x, x, count: d) + constant
    }

    /// Writes row `row` of ℓ (`width` values) to `y`.
    @inline(__always)
    func write(_ row: Int, into y: UnsafeMutablePointer<Float>) {
        let u = projections + row * m, r = offset(row)
        for j in 0..<m { y[j] = u[j] + r }
        if hyperbolic { for j in 0..<m { y[m + j] = -u[j] + r } }
    }

    /// The largest value of row `row` of ℓ, without writing it: rounding is monotonic, so it is
    /// max(u) + r (or max(max u, −min u) + r), exactly the maximum of the written row.
    @inline(__always)
    func maximum(_ row: Int) -> Float {
        let u = projections + row * m
        var largest = VectorMath.maximum(u, count: m)
        if hyperbolic {
            var smallest = Float.infinity
            for j in 0..<m { smallest = min(smallest, u[j]) }
            largest = max(largest, -smallest)
        }
        return largest + offset(row)
    }

    /// Row `row` of the gradients from ∂/∂ℓ of that row (`gradient`, `width` values): ∂/∂u = g₁ − g₂
    /// (or g) into `du`, ∂/∂x = −2w·x·Σ_j g_j into `dx` (both whole tensors, indexed by `row`).
    @inline(__always)
    func backward(_ row: Int, gradient g: UnsafePointer<Float>, du: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>) {
        let dr = du + row * m
        if hyperbolic {
            for j in 0..<m { dr[j] = g[j] - g[m + j] }
        } else if UnsafePointer(dr) != g {
            dr.update(from: g, count: m)
        }
        let scale = -(2 * normWeight) * VectorMath.sum(g, count: width), x = inputs + row * d, dxr = dx + row * d
        for i in 0..<d { dxr[i] = x[i] * scale }
    }
}
