import CKLKernels

/// The elementwise functions that have vectorised C kernels (`kl_vexp`, ... in CKLKernels).
///
/// An enum rather than six methods so that ops, tests and benchmarks can loop over the set and
/// name each function in their output (`rawValue`).
public enum VectorFunction: String, CaseIterable, Sendable {
    /// e^x. Relative error ≤ 2e-6; +inf above ~88.72, 0 below ~-103.97 (denormals in between).
    case exp
    /// Natural logarithm. Relative error ≤ 2e-6; log(0) = -inf, log(x < 0) = nan, log(inf) = inf.
    case log
    /// Sine. Relative error ≤ 2e-6 for |x| ≤ 1e4; larger arguments are handed to libm.
    case sin
    /// Cosine. Relative error ≤ 2e-6 for |x| ≤ 1e4; larger arguments are handed to libm.
    case cos
    /// Hyperbolic tangent. Absolute error ≤ 2e-6; saturates to ±1.
    case tanh
    /// Error function. Absolute error ≤ 2e-6; saturates to ±1.
    case erf
}

/// Elementwise math over `Float` arrays, vectorised in C with run-time instruction-set dispatch.
///
/// Swift's own `exp`/`sin`/... call libm one element at a time, which is several times slower
/// than these kernels and keeps activations (GELU, softmax, rotary embeddings) from streaming at
/// memory speed. The package is built without `-march` flags, so the C target compiles AVX-512,
/// AVX2+FMA and portable versions of every kernel and picks the best one the CPU supports, once.
/// All three follow the same algorithms and constants, so results differ between machines only by
/// fused-multiply-add rounding (a few units in the last place).
public enum VectorMath {
    /// The instruction set the kernels run with: `"avx512"`, `"avx2"` or `"portable"`.
    ///
    /// Reported by benchmarks and logs so that a throughput number can be tied to the code path
    /// that produced it.
    public static var instructionSet: String { String(cString: kl_vmath_isa()) }

    /// Writes `y[i] = f(x[i])` for `i` in `0..<count`, split across threads for large counts.
    ///
    /// `x` and `y` may be the same buffer (in-place); otherwise they must not overlap. The split
    /// goes through `Parallel.forRanges` at a cost of 8 per element, and every chunk starts at a
    /// multiple of 16 elements so the vector loops of different threads never share a vector.
    /// The result does not depend on the split.
    public static func apply(
        _ function: VectorFunction, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int
    ) {
        precondition(count >= 0, "VectorMath.apply: negative count")
        let blocks = (count + blockSize - 1) / blockSize
        Parallel.forRanges(blocks, costPerItem: 8 * blockSize) { firstBlock, endBlock in
            let start = firstBlock * blockSize
            let end = min(endBlock * blockSize, count)
            run(function, x + start, y + start, count: end - start)
        }
    }

    /// Same as `apply(_:_:_:count:)` but always on the calling thread.
    ///
    /// For benchmarks that measure single-core throughput, and for callers that already run
    /// inside a parallel loop of their own (so threads are never multiplied).
    public static func applySerially(
        _ function: VectorFunction, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int
    ) {
        precondition(count >= 0, "VectorMath.applySerially: negative count")
        run(function, x, y, count: count)
    }

    /// Parallel chunks start at multiples of this many elements (one AVX-512 vector).
    static let blockSize = 16

    /// Calls the C kernel for `function`.
    @inline(__always)
    static func run(_ function: VectorFunction, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        guard count > 0 else { return }
        switch function {
        case .exp: kl_vexp(x, y, count)
        case .log: kl_vlog(x, y, count)
        case .sin: kl_vsin(x, y, count)
        case .cos: kl_vcos(x, y, count)
        case .tanh: kl_vtanh(x, y, count)
        case .erf: kl_verf(x, y, count)
        }
    }

    // MARK: - Choosing an instruction set (tests and benchmarks)

    /// The highest instruction-set level this CPU supports (0 portable, 1 AVX2+FMA, 2 AVX-512),
    /// which `apply` and `applySerially` always use.
    static let maximumLevel = Int(kl_vmath_max_level())

    /// Same as `applySerially(_:_:_:count:)` at instruction-set level `level` (capped at
    /// `maximumLevel`), for tests that compare the levels; returns the level used.
    ///
    /// The level is an argument, not a process-wide setting, so work on other threads never runs
    /// at a level it did not choose.
    @discardableResult
    static func applySerially(
        _ function: VectorFunction, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int, level: Int
    ) -> Int {
        precondition(count >= 0, "VectorMath.applySerially: negative count")
        return Int(kl_vmath_apply_at_level(function.kernelIndex, Int32(clamping: level), x, y, count))
    }
}

private extension VectorFunction {
    /// The function's index in `kl_vmath_apply_at_level`.
    var kernelIndex: Int32 {
        let function: kl_vmath_function
        switch self {
        case .exp: function = KL_VMATH_EXP
        case .log: function = KL_VMATH_LOG
        case .sin: function = KL_VMATH_SIN
        case .cos: function = KL_VMATH_COS
        case .tanh: function = KL_VMATH_TANH
        case .erf: function = KL_VMATH_ERF
        }
        return Int32(function.rawValue)
    }
}

extension VectorMath {
    /// The largest of `count` values (−∞ for none; NaNs skipped), by the C kernel `kl_row_max`.
    @inline(__always)
    public static func maximum(_ x: UnsafePointer<Float>, count: Int) -> Float { kl_row_max(x, count) }

    /// The sum of `count` values in a fixed order (the same bits on every call), by `kl_row_sum`.
    @inline(__always)
    public static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float { kl_row_sum(x, count) }

    /// x ← exp(x − shift) for `count` values in place, in one pass that also returns the sum of the
    /// results (`kl_exp_shifted_sum`): a row of the online softmax.
    @inline(__always)
    @discardableResult
    static func exponentiateShifted(_ x: UnsafeMutablePointer<Float>, count: Int, by shift: Float) -> Float {
        kl_exp_shifted_sum(x, count, shift)
    }

    /// The dot product of two rows of `count` values in a fixed order (the same bits on every call),
    /// by `kl_row_dot`.
    @inline(__always)
    public static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float { kl_row_dot(x, y, count) }

    /// GELU y = x·Φ(x) (exact erf form) of `count` values on the calling thread, in one vectorised
    /// pass (`kl_vgelu`); x and y may be the same buffer.
    @inline(__always)
    static func gelu(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        if count > 0 { kl_vgelu(x, y, count) }
    }

    /// GELU's input gradient dx = g·(Φ(x) + x·φ(x)) of `count` values on the calling thread, in one
    /// vectorised pass that recomputes Φ and φ (`kl_vgelu_backward`).
    @inline(__always)
    static func geluGradient(_ x: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count: Int) {
        if count > 0 { kl_vgelu_backward(x, g, dx, count) }
    }

    /// The score gradient of one softmax-attention row, in place: g ← p ⊙ (g ⊙ m − dot), with m the
    /// dropout multipliers or nil for none (`kl_softmax_row_gradient`).
    @inline(__always)
    static func softmaxRowGradient(probabilities p: UnsafePointer<Float>, multipliers m: UnsafePointer<Float>?,
                                   gradient g: UnsafeMutablePointer<Float>, dot: Float, count: Int) {
        kl_softmax_row_gradient(p, m, g, dot, count)
    }

    /// Dropout multipliers of one attention row (`kl_dropout_multipliers`): `scale` where the hashed
    /// decision for key `firstKey + c` keeps the weight, 0 where it drops it.
    @inline(__always)
    static func dropoutMultipliers(rowKey: UInt64, firstKey: Int, count: Int, threshold: UInt32, scale: Float,
                                   into out: UnsafeMutablePointer<Float>) {
        kl_dropout_multipliers(rowKey, UInt32(truncatingIfNeeded: firstKey), count, threshold, scale, out)
    }
}
