import CKLKernels
import Foundation

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

    // MARK: - Forcing an instruction set (tests and benchmarks)

    /// The level in force: 0 portable, 1 AVX2+FMA, 2 AVX-512.
    static var level: Int {
        switch instructionSet {
        case "avx512": return 2
        case "avx2": return 1
        default: return 0
        }
    }

    /// The highest level this CPU supports (what the kernels use unless forced lower).
    static let maximumLevel: Int = withLevel(Int(Int32.max)) { $0 }

    /// Serialises `withLevel` so two callers never interleave force / restore; recursive so a
    /// `withLevel` body may nest another one (or read `maximumLevel` for the first time).
    private static let levelLock = NSRecursiveLock()

    /// Runs `body` with the kernels forced to instruction-set level `level` (0 portable, 1 AVX2,
    /// 2 AVX-512, capped at what the CPU supports) and restores the previous level afterwards.
    ///
    /// `body` receives the level actually in force. The setting is process-wide: kernels called
    /// from other threads meanwhile also run at that level, which is harmless since every level
    /// meets the same accuracy contract. Calls from different threads are serialised by a lock.
    static func withLevel<R>(_ level: Int, _ body: (Int) throws -> R) rethrows -> R {
        levelLock.lock()
        defer { levelLock.unlock() }
        let previous = self.level
        let inForce = Int(kl_vmath_force_level(Int32(clamping: level)))
        defer { kl_vmath_force_level(Int32(previous)) }
        return try body(inForce)
    }
}
