/// A scalar function of two floats, applied elementwise with broadcasting by `Tensor.mapBinary`.
/// Kernels are types (not closures) so that each loop is specialised and vectorised.
protocol BinaryKernel { static func apply(_ a: Float, _ b: Float) -> Float }

enum AddKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a + b } }
enum SubtractKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a - b } }
enum MultiplyKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a * b } }
enum DivideKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a / b } }
enum MaximumKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { Swift.max(a, b) } }
/// 1 where a > b, else 0 (used to route gradients of `maximum`).
enum GreaterKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a > b ? 1 : 0 } }
/// a where the mask b is non-zero, else 0.
enum SelectKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { b != 0 ? a : 0 } }

extension Tensor {
    /// `K.apply` over `self` and `other` broadcast together; no gradient recorded.
    func mapBinary<K: BinaryKernel>(_ other: Tensor, _ kernel: K.Type, op: String) -> Tensor {
        let outputShape = shape == other.shape ? shape : Shape.broadcast(shape, other.shape, op: op)
        let result = Tensor(shape: outputShape, storage: TensorStorage(uninitializedCount: Shape.count(outputShape)))
        let a = storage.pointer, b = other.storage.pointer, c = result.storage.pointer
        if shape == other.shape {
            Parallel.forRanges(count, costPerItem: 1) { start, end in
                for i in start..<end { c[i] = K.apply(a[i], b[i]) }
            }
            return result
        }
        let loop = BroadcastLoop(output: outputShape, a: shape, b: other.shape)
        let n = loop.rowLength
        Parallel.forRanges(loop.rowCount, costPerItem: n) { start, end in
            loop.forRows(start, end) { o, oa, ob in
                let pa = a + oa, pb = b + ob, pc = c + o
                switch (loop.rowStrideA, loop.rowStrideB) {
                case (1, 1): for i in 0..<n { pc[i] = K.apply(pa[i], pb[i]) }
                case (1, 0): let vb = pb[0]; for i in 0..<n { pc[i] = K.apply(pa[i], vb) }
                case (0, 1): let va = pa[0]; for i in 0..<n { pc[i] = K.apply(va, pb[i]) }
                default: let v = K.apply(pa[0], pb[0]); for i in 0..<n { pc[i] = v }
                }
            }
        }
        return result
    }

    /// `transform` applied to every element; no gradient recorded. For cheap arithmetic closures that
    /// the compiler inlines; transcendental functions go through `VectorMath` instead.
    @inline(__always)
    func mapUnary(_ transform: (Float) -> Float) -> Tensor {
        let result = Tensor(shape: shape, storage: TensorStorage(uninitializedCount: count))
        let a = storage.pointer, c = result.storage.pointer
        Parallel.forRanges(count, costPerItem: 1) { start, end in
            for i in start..<end { c[i] = transform(a[i]) }
        }
        return result
    }

    /// `function` applied elementwise through the vectorised kernels; no gradient recorded.
    func mapVector(_ function: VectorFunction) -> Tensor {
        let result = Tensor(shape: shape, storage: TensorStorage(uninitializedCount: count))
        VectorMath.apply(function, storage.pointer, result.storage.pointer, count: count)
        return result
    }

    /// Plain elementwise sum without recording (used inside backward).
    func adding(_ other: Tensor) -> Tensor { mapBinary(other, AddKernel.self, op: "add") }
}
