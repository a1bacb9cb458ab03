import CKLKernels
import KLTestSupport
import Testing

@testable import KLTensor

/// The vectorised arithmetic of `kl_varith.c` gives, at every instruction-set level, the bits of the
/// scalar Swift expression it replaces in `mapBinary` and `mapUnary`, and the tensor ops that use it
/// give those of an elementwise loop, broadcast rows included.
struct ElementwiseArithmeticTests {
    /// Awkward values (infinities, NaN, signed zeros, denormals, extremes) among ordinary ones.
    static func operands(count: Int, seed: UInt64) -> [Float] {
        let specials: [Float] = [.infinity, -.infinity, .nan, 0, -0, .leastNonzeroMagnitude, -.leastNormalMagnitude,
                                 .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1, -1, .leastNormalMagnitude / 4]
        var data = TestData(seed: seed)
        return (0..<count).map { i in i % 7 == 3 ? specials[(i / 7) % specials.count] : Float(data.unit() * 8 - 4) }
    }

    /// Equal bits, or both NaN (the NaN an operation makes is the hardware's either way).
    static func same(_ a: Float, _ b: Float) -> Bool { a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN) }

    static var operations: [(op: kl_arith_op, apply: (Float, Float) -> Float)] {
        [
            (KL_ARITH_ADD, { $0 + $1 }), (KL_ARITH_SUB, { $0 - $1 }), (KL_ARITH_MUL, { $0 * $1 }), (KL_ARITH_DIV, { $0 / $1 }),
        ]
    }

    @Test(arguments: [Int32(0), 1, 2])
    func everyLevelGivesTheScalarBits(level: Int32) {
        for count in [0, 1, 15, 16, 17, 33, 100, 1000] {
            let a = Self.operands(count: count, seed: 1), b = Self.operands(count: count, seed: 2).reversed().map { $0 }
            for (op, apply) in Self.operations {
                var c = [Float](repeating: 7, count: count)
                let used = kl_varith_at_level(level, Int32(op.rawValue), a, b, &c, count)
                #expect(Int(used) == min(Int(level), VectorMath.maximumLevel))
                #expect(zip(c, zip(a, b)).allSatisfy { Self.same($0, apply($1.0, $1.1)) }, "op \(op.rawValue) level \(level) n \(count)")
                for scalarFirst in [Int32(0), 1] {
                    let scalar: Float = scalarFirst == 0 ? -2.5 : 0.375
                    _ = kl_varith_scalar_at_level(level, Int32(op.rawValue), a, scalar, scalarFirst, &c, count)
                    let expected = a.map { scalarFirst != 0 ? apply(scalar, $0) : apply($0, scalar) }
                    #expect(zip(c, expected).allSatisfy { Self.same($0, $1) }, "op \(op.rawValue) scalar level \(level) n \(count)")
                }
            }
            var y = [Float](repeating: 7, count: count)
            _ = kl_vaffine_at_level(level, a, 0.1, 0.7, &y, count)
            #expect(zip(y, a).allSatisfy { Self.same($0, $1 * 0.1 + 0.7) }, "affine level \(level) n \(count): rounded product, then sum")
            var accumulated = b
            _ = kl_vaxpy_at_level(level, 0.3, a, &accumulated, count)
            #expect(zip(accumulated, zip(a, b)).allSatisfy { Self.same($0, $1.1 + 0.3 * $1.0) }, "axpy level \(level) n \(count)")
        }
    }

    /// In place (the output is an input) gives the same bits.
    @Test func inPlace() {
        let a = Self.operands(count: 70, seed: 3), b = Self.operands(count: 70, seed: 4)
        var c = a
        kl_varith(Int32(KL_ARITH_MUL.rawValue), c, b, &c, c.count)
        #expect(zip(c, zip(a, b)).allSatisfy { Self.same($0, $1.0 * $1.1) })
    }

    /// The tensor ops: same shapes, a row broadcast along the last axis (a bias), a column
    /// broadcast (one value per row, either side), short rows that stay in Swift, and the affine map.
    @Test func tensorOpsMatchElementwiseLoops() {
        let values = Self.operands(count: 6 * 40, seed: 5)
        let x = Tensor(shape: [6, 40], scalars: values)
        let same = Tensor(shape: [6, 40], scalars: Self.operands(count: 6 * 40, seed: 6))
        let row = Tensor(shape: [40], scalars: Self.operands(count: 40, seed: 7))
        let column = Tensor(shape: [6, 1], scalars: Self.operands(count: 6, seed: 8))
        let short = Tensor(shape: [3], scalars: [0.5, -2, 3])
        func expectLoop(_ result: Tensor, _ reference: (Int, Int) -> Float, _ label: String) {
            let width = result.shape.last!
            #expect(result.scalars.enumerated().allSatisfy { Self.same($1, reference($0 / width, $0 % width)) }, "\(label)")
        }
        expectLoop(x + same, { values[$0 * 40 + $1] + same.scalars[$0 * 40 + $1] }, "same shape")
        expectLoop(x - row, { values[$0 * 40 + $1] - row.scalars[$1] }, "row broadcast")
        expectLoop(x * column, { values[$0 * 40 + $1] * column.scalars[$0] }, "column broadcast, right")
        expectLoop(column / x, { column.scalars[$0] / values[$0 * 40 + $1] }, "column broadcast, left")
        let narrow = Tensor(shape: [2, 3], scalars: Array(values.prefix(6)))
        expectLoop(narrow * short, { values[$0 * 3 + $1] * short.scalars[$1] }, "short rows")
        expectLoop(x * 0.3 + 1.25, { values[$0 * 40 + $1] * 0.3 + 1.25 }, "affine")
    }
}
