import CKLKernels

/// A scalar function of two floats, applied elementwise with broadcasting by `Tensor.mapBinary`.
/// Kernels are types (not closures) so that each loop is specialised and vectorised.
protocol BinaryKernel {
    static func apply(_ a: Float, _ b: Float) -> Float
    /// The `kl_varith` operation that computes `apply` bit for bit with AVX-512 or AVX2 where the CPU
    /// has them (Swift's own loops get the 4 lanes of baseline x86-64's SSE), or nil.
    static var arithmetic: Int32? { get }
}

extension BinaryKernel {
    static var arithmetic: Int32? { nil }
}

enum AddKernel: BinaryKernel {
    @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a + b }
    static var arithmetic: Int32? { Int32(KL_ARITH_ADD.rawValue) }
}
enum SubtractKernel: BinaryKernel {
    @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a - b }
    static var arithmetic: Int32? { Int32(KL_ARITH_SUB.rawValue) }
}
enum MultiplyKernel: BinaryKernel {
    @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a * b }
    static var arithmetic: Int32? { Int32(KL_ARITH_MUL.rawValue) }
}
enum DivideKernel: BinaryKernel {
    @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a / b }
    static var arithmetic: Int32? { Int32(KL_ARITH_DIV.rawValue) }
}
enum MaximumKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { Swift.max(a, b) } }
/// 1 where a > b, else 0 (used to route gradients of `maximum`).
enum GreaterKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a > b ? 1 : 0 } }
/// a where the mask b is non-zero, else 0.
enum SelectKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { b != 0 ? a : 0 } }

/// A scalar function of one float, with its constants, applied elementwise by `Tensor.mapUnary`.
protocol UnaryKernel {
    func apply(_ x: Float) -> Float
    /// `apply` on `count` floats from `x` into `y`: a loop over `apply` unless a kernel has a faster
    /// way to the same bits.
    func apply(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int)
}

extension UnaryKernel {
    @inline(__always)
    func apply(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = apply(x[i]) }
    }
}

/// scale·x + shift (the product rounded, then the sum).
struct Affine: UnaryKernel {
    var scale: Float = 1, shift: Float = 0
    @inline(__always) func apply(_ x: Float) -> Float { x * scale + shift }
    func apply(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        kl_vaffine(x, scale, shift, y, count)
    }
}
/// scale·x².
struct ScaledSquare: UnaryKernel {
    var scale: Float = 1
    @inline(__always) func apply(_ x: Float) -> Float { scale * x * x }
}
/// scale·x³.
struct ScaledCube: UnaryKernel {
    let scale: Float
    @inline(__always) func apply(_ x: Float) -> Float { scale * x * x * x }
}
/// min(upper, max(lower, x)).
struct Clamp: UnaryKernel {
    let lower: Float, upper: Float
    @inline(__always) func apply(_ x: Float) -> Float { Swift.max(lower, Swift.min(upper, x)) }
}
/// 1 where lower ≤ x ≤ upper, else 0.
struct Indicator: UnaryKernel {
    let lower: Float, upper: Float
    @inline(__always) func apply(_ x: Float) -> Float { x >= lower && x <= upper ? 1 : 0 }
}
/// √x.
struct SquareRoot: UnaryKernel { @inline(__always) func apply(_ x: Float) -> Float { x.squareRoot() } }
/// 1/√x.
struct ReciprocalSquareRoot: UnaryKernel { @inline(__always) func apply(_ x: Float) -> Float { 1 / x.squareRoot() } }
/// 1 − x² (tanh' from tanh).
struct OneMinusSquare: UnaryKernel { @inline(__always) func apply(_ x: Float) -> Float { 1 - x * x } }
/// 1/(1 + x) (the logistic function from e⁻ˣ).
struct ReciprocalOfOnePlus: UnaryKernel { @inline(__always) func apply(_ x: Float) -> Float { 1 / (1 + x) } }
/// x(1 − x) (σ' from σ).
struct LogisticSlope: UnaryKernel { @inline(__always) func apply(_ x: Float) -> Float { x * (1 - x) } }
/// x for x > 0, slope·x otherwise.
struct LeakyRelu: UnaryKernel {
    let slope: Float
    @inline(__always) func apply(_ x: Float) -> Float { x > 0 ? x : slope * x }
}
/// 1 for x > 0, slope otherwise (leaky ReLU's derivative).
struct LeakyReluSlope: UnaryKernel {
    let slope: Float
    @inline(__always) func apply(_ x: Float) -> Float { x > 0 ? 1 : slope }
}

extension Tensor {
    /// `K.apply` over `self` and `other` broadcast together; no gradient recorded.
    func mapBinary<K: BinaryKernel>(_ other: Tensor, _ kernel: K.Type, op: String) -> Tensor {
        let outputShape = shape == other.shape ? shape : Shape.broadcast(shape, other.shape, op: op)
        let result = Tensor(shape: outputShape, storage: TensorStorage(uninitializedCount: Shape.count(outputShape)))
        let a = storage.pointer, b = other.storage.pointer, c = result.storage.pointer
        if shape == other.shape {
            Parallel.forRanges(count, costPerItem: 1) { start, end in
                if let op = K.arithmetic {
                    kl_varith(op, a + start, b + start, c + start, end - start)
                } else {
                    for i in start..<end { c[i] = K.apply(a[i], b[i]) }
                }
            }
            return result
        }
        let loop = BroadcastLoop(output: outputShape, a: shape, b: other.shape)
        let n = loop.rowLength
        // A C call per row pays off from a vector's worth of elements.
        let op = n >= 16 ? K.arithmetic : nil
        Parallel.forRanges(loop.rowCount, costPerItem: n) { start, end in
            loop.forRows(start, end) { o, oa, ob in
                let pa = a + oa, pb = b + ob, pc = c + o
                switch (loop.rowStrideA, loop.rowStrideB, op) {
                case (1, 1, let op?): kl_varith(op, pa, pb, pc, n)
                case (1, 0, let op?): kl_varith_scalar_right(op, pa, pb[0], pc, n)
                case (0, 1, let op?): kl_varith_scalar_left(op, pa[0], pb, pc, n)
                case (1, 1, nil): for i in 0..<n { pc[i] = K.apply(pa[i], pb[i]) }
                case (1, 0, nil): let vb = pb[0]; for i in 0..<n { pc[i] = K.apply(pa[i], vb) }
                case (0, 1, nil): let va = pa[0]; for i in 0..<n { pc[i] = K.apply(va, pb[i]) }
                default: let v = K.apply(pa[0], pb[0]); for i in 0..<n { pc[i] = v }
                }
            }
        }
        return result
    }

    /// `kernel` applied to every element; no gradient recorded. Kernels are types so that each loop is
    /// specialised and vectorised (a closure here cost a call per element: 7% of an attention pass);
    /// transcendental functions go through `VectorMath` instead.
    func mapUnary<K: UnaryKernel>(_ kernel: K) -> Tensor {
        let result = Tensor(shape: shape, storage: TensorStorage(uninitializedCount: count))
        let a = storage.pointer, c = result.storage.pointer
        Parallel.forRanges(count, costPerItem: 1) { start, end in
            kernel.apply(a + start, c + start, count: end - start)
        }
        return result
    }

    /// `function` applied elementwise through the vectorised kernels; no gradient recorded.
    func mapVector(_ function: VectorFunction) -> Tensor {
        let result = Tensor(shape: shape, storage: TensorStorage(uninitializedCount: count))
        VectorMath.apply(function, storage.pointer, result.storage.pointer, count: count)
        return result
    }

    /// Elements per block of a fused elementwise pass: its temporaries stay in L1.
    static let vectorChunk = 1024

    /// Calls `body(start, end)` on the blocks `start..<end` of at most `vectorChunk` elements that
    /// cover `0..<count`, in parallel for large counts: fused elementwise passes, whose several steps
    /// over a block (some through `VectorMath`) then stay in L1. Blocks start at multiples of
    /// `vectorChunk`, so no element's value depends on the thread count.
    static func forVectorChunks(_ count: Int, costPerItem: Int = 24, _ body: (Int, Int) -> Void) {
        let chunks = (count + vectorChunk - 1) / vectorChunk
        Parallel.forRanges(chunks, costPerItem: costPerItem * vectorChunk) { first, end in
            for chunk in first..<end { body(chunk * vectorChunk, min((chunk + 1) * vectorChunk, count)) }
        }
    }

    /// Plain elementwise sum without recording (used inside backward).
    func adding(_ other: Tensor) -> Tensor { mapBinary(other, AddKernel.self, op: "add") }
}
