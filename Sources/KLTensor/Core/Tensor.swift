/// An n-dimensional array of `Float32` on contiguous row-major storage, with reverse-mode gradients.
///
/// **Semantics.** `Tensor` is a reference type, like a PyTorch tensor: copying a `Tensor` variable
/// copies the reference, and every op returns a *new* tensor without touching its inputs. A tensor's
/// values are therefore immutable through the op API; the only mutations are explicit
/// (`withUnsafeMutableBufferPointer`, used by optimizers on parameters, and gradient accumulation into
/// `grad`). `reshaped(_:)` returns a view that shares storage.
///
/// **Gradients.** A tensor created with `requiresGrad: true` is a *leaf* (a parameter). An op applied
/// while gradient recording is enabled (see `withoutGradients`) to any input that requires gradients
/// records how to propagate gradients back; `backward()` then fills `grad` on the leaves.
public final class Tensor: @unchecked Sendable {
    /// Size of each axis; `[]` is a scalar.
    public let shape: [Int]
    /// The memory holding the values (possibly shared with views).
    public let storage: TensorStorage
    /// Whether gradients flow to (for leaves: accumulate in) this tensor.
    public internal(set) var requiresGrad: Bool
    /// Accumulated gradient of the last `backward()` calls (leaves only); `nil` until the first one.
    public internal(set) var grad: Tensor?
    /// How this tensor was computed, for backward; `nil` for leaves and for untracked results.
    var gradNode: GradNode?

    /// Wraps existing storage. `storage.count` must equal the shape's element count.
    public init(shape: [Int], storage: TensorStorage, requiresGrad: Bool = false) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative size in shape \(shape)")
        precondition(Shape.count(shape) == storage.count,
                     "Tensor: shape \(shape) needs \(Shape.count(shape)) elements, storage has \(storage.count)")
        self.shape = shape
        self.storage = storage
        self.requiresGrad = requiresGrad
    }

    /// A tensor of the given shape holding `scalars` in row-major order.
    public convenience init(shape: [Int], scalars: [Float], requiresGrad: Bool = false) {
        precondition(Shape.count(shape) == scalars.count,
                     "Tensor: shape \(shape) needs \(Shape.count(shape)) scalars, got \(scalars.count)")
        let storage = TensorStorage(uninitializedCount: scalars.count)
        scalars.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { storage.pointer.initialize(from: base, count: scalars.count) }
        }
        self.init(shape: shape, storage: storage, requiresGrad: requiresGrad)
    }

    /// A rank-0 tensor holding `value`.
    public convenience init(_ value: Float, requiresGrad: Bool = false) {
        self.init(shape: [], scalars: [value], requiresGrad: requiresGrad)
    }

    /// A tensor filled with `value`.
    public convenience init(repeating value: Float, shape: [Int], requiresGrad: Bool = false) {
        self.init(shape: shape, storage: TensorStorage(repeating: value, count: Shape.count(shape)),
                  requiresGrad: requiresGrad)
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        Tensor(repeating: 0, shape: shape, requiresGrad: requiresGrad)
    }

    /// A tensor whose elements the caller writes before anything reads them (an op's output, which
    /// a kernel overwrites): no pass of zeros that the next write would replace.
    public static func uninitialized(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, storage: TensorStorage(uninitializedCount: Shape.count(shape)))
    }

    /// A tensor of ones.
    public static func ones(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        Tensor(repeating: 1, shape: shape, requiresGrad: requiresGrad)
    }

    /// A tensor whose storage the caller fills through `body` (which receives all elements).
    public static func filled(shape: [Int], _ body: (UnsafeMutableBufferPointer<Float>) -> Void) -> Tensor {
        let storage = TensorStorage(uninitializedCount: Shape.count(shape))
        body(storage.buffer)
        return Tensor(shape: shape, storage: storage)
    }

    /// Number of axes.
    public var rank: Int { shape.count }
    /// Number of elements.
    public var count: Int { storage.count }
    /// The values in row-major order (a copy).
    public var scalars: [Float] { Array(storage.buffer) }
    /// The single value of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "item: tensor of shape \(shape) has \(count) elements, not 1")
        return storage.pointer[0]
    }

    /// Read access to the values without copying.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(storage.buffer))
    }

    /// Write access to the values, for in-place updates such as an optimizer step. Writing into a
    /// tensor that a recorded graph still needs for `backward()` makes those gradients wrong.
    public func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(storage.buffer)
    }

    /// A leaf tensor with the same values (shared storage) that records no history.
    public func detached() -> Tensor { Tensor(shape: shape, storage: storage) }

    /// Marks this tensor as a leaf that accumulates gradients, or stops doing so.
    /// Only leaves (tensors not produced by a recorded op) can change this.
    public func setRequiresGrad(_ value: Bool) {
        precondition(gradNode == nil, "setRequiresGrad: only leaf tensors can change requiresGrad")
        requiresGrad = value
    }

    /// Forgets the accumulated gradient (gradients otherwise add up across `backward()` calls).
    public func zeroGrad() { grad = nil }

    /// Replaces the accumulated gradient by `gradient` (same shape, no history): how data-parallel
    /// training gives a parameter the gradient summed over every process's share of a batch.
    public func setGrad(_ gradient: Tensor) {
        precondition(gradient.shape == shape, "setGrad: gradient shape \(gradient.shape) differs from \(shape)")
        grad = gradient
    }

    /// A copy of the values in fresh storage, with no history.
    public func copy() -> Tensor {
        let result = Tensor(shape: shape, storage: TensorStorage(uninitializedCount: count))
        result.storage.pointer.update(from: storage.pointer, count: count)
        return result
    }

    /// Overwrites this tensor's values in place with `source`'s, which must have the same shape:
    /// for restoring parameters and buffers (checkpoints, evaluation), outside autodiff — the
    /// tensor's identity, and every reference to it, stays.
    public func assign(_ source: Tensor) {
        precondition(source.shape == shape, "assign: shape \(source.shape) differs from \(shape)")
        storage.pointer.update(from: source.storage.pointer, count: count)
    }
}

extension Tensor: CustomStringConvertible {
    /// Shape and the first few values, e.g. `Tensor[2, 3](0.1, 0.2, …)`.
    public var description: String {
        let shown = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor\(shape)(\(shown)\(count > 8 ? ", …" : ""))"
    }
}
