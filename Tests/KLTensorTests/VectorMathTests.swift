import CKLKernels
import Foundation
import KLTestSupport
import Testing

@testable import KLTensor

/// Test-input helpers on the shared deterministic generator.
private extension TestData {
    /// Uniform in [lo, hi).
    mutating func uniformDouble(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * unit() }

    mutating func sign() -> Float { next() & 1 == 0 ? 1 : -1 }
}

/// Inputs, references and error bounds for the elementwise kernels.
private enum VectorMathCheck {
    /// The special values every function must handle.
    static let specials: [Float] = [
        .infinity, -.infinity, .nan, 0, -0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
        .leastNormalMagnitude, -.leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1, -1,
    ]

    /// About a million deterministic inputs for `function`: dense in [-10, 10], log-spaced
    /// magnitudes over the whole float range, tiny values (denormals included), a range that
    /// matters for the function in particular, and the special values.
    static func inputs(for function: VectorFunction) -> [Float] {
        var rng = TestData(seed: 0x5EED_0000 + UInt64(VectorFunction.allCases.firstIndex(of: function)!))
        let positiveOnly = function == .log
        var xs: [Float] = []
        xs.reserveCapacity(1_050_000)
        func signed(_ v: Float) -> Float { positiveOnly ? v : v * rng.sign() }
        // Dense in [-10, 10] ((0, 10] for log).
        for _ in 0..<600_000 {
            xs.append(positiveOnly ? Float(rng.uniformDouble(0, 10)) : Float(rng.uniformDouble(-10, 10)))
        }
        // Log-spaced magnitudes, 2^-126 ... 2^127.
        for _ in 0..<200_000 { xs.append(signed(Float(exp2(rng.uniformDouble(-126, 127.99))))) }
        // Tiny values, denormals included.
        for _ in 0..<50_000 { xs.append(signed(Float(exp2(rng.uniformDouble(-149, -100))))) }
        // Function-specific ranges.
        switch function {
        case .exp:
            // The whole finite-to-finite range plus both overflow edges.
            for _ in 0..<200_000 { xs.append(Float(rng.uniformDouble(-106, 90))) }
        case .log:
            // Around 1 (where log is small and relative error is hardest) and huge / tiny.
            for _ in 0..<200_000 { xs.append(Float(rng.uniformDouble(0.5, 2))) }
        case .sin, .cos:
            // The vector range |x| <= 1e4, values next to multiples of pi/2 (zeros of sin or cos),
            // and just past the libm hand-over.
            for _ in 0..<100_000 { xs.append(Float(rng.uniformDouble(-1e4, 1e4))) }
            for _ in 0..<25_000 {
                let k = Double(rng.next() % 6367)
                let v = Float(k * Double.pi / 2)
                xs.append(contentsOf: [v, v.nextUp, v.nextDown, -v.nextUp])
            }
            for _ in 0..<1_000 { xs.append(Float(rng.uniformDouble(9_990, 10_010)) * rng.sign()) }
        case .tanh, .erf:
            for _ in 0..<200_000 { xs.append(Float(rng.uniformDouble(-6, 6))) }
        }
        xs.append(contentsOf: specials)
        return xs
    }

    /// The double-precision reference from Foundation (libm).
    static func reference(_ function: VectorFunction, _ x: Float) -> Double {
        let d = Double(x)
        switch function {
        case .exp: return Foundation.exp(d)
        case .log: return Foundation.log(d)
        case .sin: return Foundation.sin(d)
        case .cos: return Foundation.cos(d)
        case .tanh: return Foundation.tanh(d)
        case .erf: return Foundation.erf(d)
        }
    }

    /// Whether the contract bounds the relative error (exp, log, sin, cos) or the absolute
    /// error (tanh, erf).
    static func isRelative(_ function: VectorFunction) -> Bool {
        switch function {
        case .exp, .log, .sin, .cos: return true
        case .tanh, .erf: return false
        }
    }

    /// The contract's bound (kl_kernels.h): 2e-6 relative or absolute.
    static let bound = 2e-6

    struct Result {
        /// Largest error found, relative or absolute per `isRelative`, over finite references.
        var maxError = 0.0
        var worstInput: Float = 0
        /// Inputs whose output is wrong in kind: nan vs. number, wrong infinity, overflow or
        /// underflow where the reference is comfortably in range, wrong sign.
        var mismatches: [(Float, Float, Double)] = []
    }

    /// Compares `ys = f(xs)` against `references` (`reference(function, xs[i])`, computed once
    /// per function and shared by the levels).
    static func check(_ function: VectorFunction, _ xs: [Float], _ ys: [Float], _ references: [Double]) -> Result {
        var result = Result()
        let relative = isRelative(function)
        let maxFinite = Double(Float.greatestFiniteMagnitude)
        let minNormal = Double(Float.leastNormalMagnitude)
        for i in xs.indices {
            let x = xs[i], y = ys[i], r = references[i]
            let yd = Double(y)
            func mismatch() { if result.mismatches.count < 20 { result.mismatches.append((x, y, r)) } }
            if r.isNaN {
                if !y.isNaN { mismatch() }
                continue
            }
            if y.isNaN {
                mismatch()
                continue
            }
            if abs(r) > maxFinite * (1 - 4e-6) {
                // Overflow: infinity of the right sign (or the largest floats, right at the edge).
                if !(y.sign == FloatingPointSign(r) && (y.isInfinite || abs(r) <= maxFinite)) { mismatch() }
                continue
            }
            if y.isInfinite {
                mismatch()
                continue
            }
            let error = abs(yd - r)
            if relative && abs(r) < minNormal {
                // Results in the denormal range may lose precision or flush to zero.
                if error > minNormal { mismatch() }
                continue
            }
            if y != 0 && r != 0 && y.sign != FloatingPointSign(r) { mismatch() }
            let measured = relative ? (r == 0 ? (y == 0 ? 0 : .infinity) : error / abs(r)) : error
            if measured > result.maxError {
                result.maxError = measured
                result.worstInput = x
            }
        }
        return result
    }

    /// Whether `b[i] == -a[i]` bit for bit (both NaN counts as equal).
    static func isNegation(_ a: [Float], _ b: [Float]) -> Bool {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                guard a.count == b.count else { return false }
                var i = 0
                while i < a.count {
                    if !(a[i].isNaN && b[i].isNaN) && a[i].bitPattern != (-b[i]).bitPattern { return false }
                    i += 1
                }
                return true
            }
        }
    }

    /// The largest `|a - b| / max(|a|, |b|)` over elements that are finite and not tiny in both.
    static func maxRelativeDifference(_ a: [Float], _ b: [Float]) -> Double {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                var worst = 0.0
                var i = 0
                while i < min(a.count, b.count) {
                    let x = a[i], y = b[i]
                    if x.isFinite && y.isFinite && abs(x) >= 1e-30 {
                        worst = max(worst, Double(abs(x - y)) / Double(max(abs(x), abs(y))))
                    }
                    i += 1
                }
                return worst
            }
        }
    }

    /// `f(x)` out of place, at instruction-set `level` (default: the CPU's best, as the public
    /// entry points run).
    static func evaluate(_ function: VectorFunction, _ xs: [Float], level: Int = VectorMath.maximumLevel) -> [Float] {
        [Float](unsafeUninitializedCapacity: xs.count) { ys, initialized in
            xs.withUnsafeBufferPointer { x in
                if let xBase = x.baseAddress, let yBase = ys.baseAddress {
                    VectorMath.applySerially(function, xBase, yBase, count: xs.count, level: level)
                }
            }
            initialized = xs.count
        }
    }

    /// The name of instruction-set level `level`.
    static func isa(_ level: Int) -> String { ["portable", "avx2", "avx512"][level] }
}

private extension FloatingPointSign {
    init(_ value: Double) { self = value.sign }
}

/// Every instruction-set level the CPU supports, each called with its level as an argument (nothing
/// process-wide changes, so these run beside every other test).
struct VectorMathLevelTests {
    /// Every function at every level this CPU supports meets the accuracy contract on ~1M points,
    /// handles inf/nan/±0/denormals, and treats tails and in-place calls exactly like the body.
    @Test func accuracyAtEveryLevel() {
        let maxLevel = VectorMath.maximumLevel
        for function in VectorFunction.allCases {
            let xs = VectorMathCheck.inputs(for: function)
            let references = xs.map { VectorMathCheck.reference(function, $0) }
            var byLevel: [[Float]] = []
            for level in 0...maxLevel {
                do {
                    var probe: Float = 0
                    #expect(VectorMath.applySerially(function, [Float(1)], &probe, count: 1, level: level) == level)
                    let ys = VectorMathCheck.evaluate(function, xs, level: level)
                    byLevel.append(ys)
                    let result = VectorMathCheck.check(function, xs, ys, references)
                    let isa = VectorMathCheck.isa(level)
                    #expect(
                        result.maxError <= VectorMathCheck.bound,
                        "\(function) [\(isa)]: max error \(result.maxError) at x = \(result.worstInput)")
                    #expect(
                        result.mismatches.isEmpty,
                        "\(function) [\(isa)]: wrong kind of result (x, y, reference): \(result.mismatches)")
                    print("VectorMath \(function) [\(isa)]: max \(VectorMathCheck.isRelative(function) ? "rel" : "abs") error \(result.maxError) at x = \(result.worstInput)")

                    // Odd functions: f(-x) = -f(x) exactly (they are evaluated on |x|), so -0 -> -0.
                    if [.sin, .tanh, .erf].contains(function) {
                        let negated = VectorMathCheck.evaluate(function, xs.map { -$0 }, level: level)
                        #expect(VectorMathCheck.isNegation(ys, negated), "\(function) [\(isa)]: f(-x) != -f(x)")
                    }

                    // Tails: short and odd lengths give bit-identical results to the long call.
                    for length in [0, 1, 2, 7, 15, 16, 17, 31, 33, 100] {
                        let prefix = Array(xs[600_000..<(600_000 + length)])
                        let tail = VectorMathCheck.evaluate(function, prefix, level: level)
                        #expect(
                            tail.map(\.bitPattern) == ys[600_000..<(600_000 + length)].map(\.bitPattern),
                            "\(function) [\(isa)]: length \(length) differs from the long call")
                    }

                    // In place.
                    var inPlace = Array(xs[0..<1_001])
                    inPlace.withUnsafeMutableBufferPointer { buffer in
                        _ = VectorMath.applySerially(function, buffer.baseAddress!, buffer.baseAddress!, count: buffer.count, level: level)
                    }
                    #expect(inPlace.map(\.bitPattern) == ys[0..<1_001].map(\.bitPattern), "\(function) [\(isa)]: in-place differs")
                }
            }
            // The levels share algorithm and constants: they differ by FMA rounding at most.
            if let first = byLevel.first {
                for other in byLevel.dropFirst() {
                    let worst = VectorMathCheck.maxRelativeDifference(first, other)
                    #expect(worst <= 1e-6, "\(function): levels disagree by \(worst) relative")
                }
            }
        }
    }

    /// Spot values with exact expectations, at every level.
    @Test func specialValues() {
        for level in 0...VectorMath.maximumLevel {
            do {
                func f(_ function: VectorFunction, _ x: Float) -> Float { VectorMathCheck.evaluate(function, [x], level: level)[0] }
                let isa = VectorMathCheck.isa(level)
                #expect(f(.exp, .infinity) == .infinity, "\(isa)")
                #expect(f(.exp, -.infinity) == 0, "\(isa)")
                #expect(f(.exp, 0) == 1, "\(isa)")
                #expect(f(.exp, 88.73) == .infinity, "\(isa)")
                #expect(f(.exp, 1e30) == .infinity, "\(isa)")
                #expect(f(.exp, -104) == 0, "\(isa)")
                #expect(f(.exp, -1e30) == 0, "\(isa)")
                #expect(f(.exp, .nan).isNaN, "\(isa)")
                #expect(f(.log, 0) == -.infinity, "\(isa)")
                #expect(f(.log, -0.0) == -.infinity, "\(isa)")
                #expect(f(.log, -1).isNaN, "\(isa)")
                #expect(f(.log, -.infinity).isNaN, "\(isa)")
                #expect(f(.log, .infinity) == .infinity, "\(isa)")
                #expect(f(.log, 1) == 0, "\(isa)")
                #expect(f(.log, .nan).isNaN, "\(isa)")
                #expect(abs(f(.log, .leastNonzeroMagnitude) - Float(Foundation.log(Double(Float.leastNonzeroMagnitude)))) < 1e-4, "\(isa)")
                for function in [VectorFunction.sin, .cos] {
                    #expect(f(function, .infinity).isNaN, "\(isa)")
                    #expect(f(function, -.infinity).isNaN, "\(isa)")
                    #expect(f(function, .nan).isNaN, "\(isa)")
                }
                #expect(f(.sin, -0.0).bitPattern == (-0.0 as Float).bitPattern, "\(isa)")
                #expect(f(.cos, 0) == 1, "\(isa)")
                #expect(abs(Double(f(.sin, 1e6)) - Foundation.sin(1e6)) < 1e-6, "\(isa)")
                for function in [VectorFunction.tanh, .erf] {
                    #expect(f(function, .infinity) == 1, "\(isa)")
                    #expect(f(function, -.infinity) == -1, "\(isa)")
                    #expect(f(function, 20) == 1, "\(isa)")
                    #expect(f(function, -20) == -1, "\(isa)")
                    #expect(f(function, .nan).isNaN, "\(isa)")
                    #expect(f(function, -0.0).bitPattern == (-0.0 as Float).bitPattern, "\(isa)")
                }
                #expect(f(.tanh, 1e-30) == 1e-30, "\(isa)")
            }
        }
    }
}

/// The public entry points, which run at the CPU's best level.
struct VectorMathTests {
    @Test func instructionSetIsOneOfTheKnownNames() {
        #expect(["avx512", "avx2", "portable"].contains(VectorMath.instructionSet))
        #expect(VectorMath.instructionSet == VectorMathCheck.isa(VectorMath.maximumLevel))
        #if arch(x86_64)
        #expect(VectorMath.maximumLevel >= 0)
        #else
        #expect(VectorMath.maximumLevel == 0)
        #endif
    }

    /// The threaded `apply` gives bit-identical results to `applySerially`, in and out of place,
    /// for counts that do and don't divide into the 16-element blocks.
    /// `VectorMath.dot` (`kl_row_dot`) against the Double dot product, on lengths below, at and
    /// across its sixteen lanes.
    @Test(arguments: [0, 1, 15, 16, 17, 64, 1001])
    func dotMatchesDouble(count: Int) {
        var rng = TestData(seed: 7)
        let x = (0..<count).map { _ in rng.uniform(-2, 2) }, y = (0..<count).map { _ in rng.uniform(-2, 2) }
        let expected = zip(x, y).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let magnitude = zip(x, y).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
        let dot = x.withUnsafeBufferPointer { xs in
            y.withUnsafeBufferPointer { ys in count == 0 ? 0 : VectorMath.dot(xs.baseAddress!, ys.baseAddress!, count: count) }
        }
        #expect(abs(Double(dot) - expected) <= 1e-6 * max(1, magnitude), "count \(count)")
    }

    /// `kl_row_sum`, `kl_row_dot` and `kl_row_max` keep the one order the fused ops' bits rely on (four
    /// 4-lane SSE accumulators): sixteen partial sums over the elements 16k + t, combined (a + b) + (c + d)
    /// lane by lane, then (l0 + l1) + (l2 + l3), then the tail in order; the maximum skips NaNs.
    @Test func rowReductionsKeepTheirOrder() {
        var rng = TestData(seed: 8)
        for count in [0, 1, 15, 16, 31, 32, 33, 47, 64, 100, 257] {
            let x: [Float] = (0..<count).map { i in
                let value = Float(rng.uniformDouble(-3, 3)), scale: Float = i % 7 == 0 ? 1e4 : 1
                return i % 29 == 5 ? .nan : value * scale
            }
            let y = (0..<count).map { _ in Float(rng.uniformDouble(-3, 3)) }
            func ordered(_ term: (Int) -> Float) -> Float {
                var partial = [Float](repeating: 0, count: 16)
                let full = count / 16 * 16
                for i in 0..<full { partial[i % 16] = partial[i % 16] + term(i) }
                let lanes: [Float] = (0..<4).map { t in
                    let ab = partial[t] + partial[4 + t], cd = partial[8 + t] + partial[12 + t]
                    return ab + cd
                }
                var result = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
                for i in full..<count { result += term(i) }
                return result
            }
            let finite = x.map { $0.isNaN ? 0 : $0 }
            let (sum, dot, largest) = finite.withUnsafeBufferPointer { xs in
                y.withUnsafeBufferPointer { ys in
                    (kl_row_sum(xs.baseAddress, count), kl_row_dot(xs.baseAddress, ys.baseAddress, count),
                     x.withUnsafeBufferPointer { kl_row_max($0.baseAddress, count) })
                }
            }
            #expect(sum.bitPattern == ordered { finite[$0] }.bitPattern, "sum, count \(count)")
            #expect(dot.bitPattern == ordered { finite[$0] * y[$0] }.bitPattern, "dot, count \(count)")
            #expect(largest == x.filter { !$0.isNaN }.max() ?? -.infinity, "max, count \(count)")
        }
    }

    @Test(arguments: [0, 1, 17, 100_003, 1 << 20])
    func parallelMatchesSerial(count: Int) {
        var rng = TestData(seed: 42)
        let xs = (0..<count).map { _ in Float(rng.uniformDouble(-20, 20)) }
        for function in VectorFunction.allCases {
            let input = function == .log ? xs.map { abs($0) } : xs
            let serial = VectorMathCheck.evaluate(function, input)
            let parallel = [Float](unsafeUninitializedCapacity: count) { ys, initialized in
                input.withUnsafeBufferPointer { x in
                    if count > 0 { VectorMath.apply(function, x.baseAddress!, ys.baseAddress!, count: count) }
                }
                initialized = count
            }
            var inPlace = input
            inPlace.withUnsafeMutableBufferPointer { buffer in
                if count > 0 { VectorMath.apply(function, buffer.baseAddress!, buffer.baseAddress!, count: count) }
            }
            #expect(parallel.map(\.bitPattern) == serial.map(\.bitPattern), "\(function) count \(count)")
            #expect(inPlace.map(\.bitPattern) == serial.map(\.bitPattern), "\(function) count \(count) in place")
        }
    }
}

/// The fused GELU kernels at every instruction-set level this CPU has: against the Double formulas
/// (absolute error ≤ 1e-5·max(1, |x|), the erf and exp bounds carried through), and every level
/// giving the portable level's bits up to the vector exp/erf's own differences (1e-6).
struct GELUKernelTests {
    @Test(arguments: [Int32(0), 1, 2])
    func forwardAndGradientAtEveryLevel(level: Int32) {
        var rng = TestData(seed: 77)
        let count = 10_003
        let xs = (0..<count).map { i in i < 20 ? [0, -0.0, 1e-30, -1e-30, 30, -30, 1e4, -1e4, 88, -88, 0.5, -0.5, 3, -3, 6, -6, 9.5, -9.5, 1, -1][i]
                                              : Float(rng.uniformDouble(-12, 12)) }
        let gs = (0..<count).map { _ in Float(rng.uniformDouble(-2, 2)) }
        var ys = [Float](repeating: .nan, count: count), dxs = ys
        let used = kl_vmath_apply_at_level(Int32(KL_VMATH_GELU.rawValue), level, xs, &ys, count)
        #expect(Int(used) == min(Int(level), VectorMath.maximumLevel))
        #expect(kl_vgelu_backward_at_level(level, xs, gs, &dxs, count) == used)
        for i in 0..<count {
            let x = Double(xs[i]), cdf = 0.5 * (1 + Foundation.erf(x / 2.0.squareRoot()))
            let density = Foundation.exp(-x * x / 2) / (2 * Double.pi).squareRoot()
            let bound = 1e-5 * max(1, abs(x))
            #expect(abs(Double(ys[i]) - x * cdf) <= bound, "level \(level): gelu(\(xs[i])) = \(ys[i])")
            #expect(abs(Double(dxs[i]) - Double(gs[i]) * (cdf + x * density)) <= bound * 2,
                    "level \(level): gelu'(\(xs[i]))·\(gs[i]) = \(dxs[i])")
        }
        #expect(kl_vmath_apply_at_level(7, level, xs, &ys, count) == -1)
    }
}

/// `kl_exp_shifted_sum`, the online softmax's row pass, at every instruction-set level this CPU has:
/// each value the level's own exp of x − shift, bit for bit, and the sum that of the values to float
/// rounding, for lengths below, at and across the vector width.
struct ShiftedExponentialKernelTests {
    @Test(arguments: [Int32(0), 1, 2])
    func valuesAreTheShiftedExponentialAndTheSumTheirSum(level: Int32) {
        var rng = TestData(seed: 78)
        for count in [0, 1, 7, 15, 16, 17, 33, 128, 257] {
            let shift = Float(rng.uniformDouble(-5, 5))
            let xs = (0..<count).map { i in i == 3 ? -Float.infinity : shift + Float(rng.uniformDouble(-30, 0.5)) }
            var expected = [Float](repeating: .nan, count: count)
            let used = kl_vmath_apply_at_level(Int32(KL_VMATH_EXP.rawValue), level, xs.map { $0 - shift }, &expected, count)
            var values = xs, sum: Float = .nan
            #expect(kl_exp_shifted_sum_at_level(level, &values, count, shift, &sum) == used)
            #expect(values.map(\.bitPattern) == expected.map(\.bitPattern), "level \(level) count \(count)")
            let total = expected.reduce(0.0) { $0 + Double($1) }
            #expect(abs(Double(sum) - total) <= 1e-6 * max(1, total), "level \(level) count \(count): sum \(sum), expected \(total)")
        }
    }
}
