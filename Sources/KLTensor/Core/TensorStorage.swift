import CKLKernels

/// A fixed-size, 64-byte aligned buffer of `Float`s: the memory behind one or more tensors.
///
/// Storage is a reference type so that views (`reshaped`) share memory without copying. Ops never
/// write into the storage of their inputs; the only writers are the op that creates a tensor,
/// gradient accumulation into `Tensor.grad`, and explicit in-place updates such as an optimizer step
/// (`Tensor.withUnsafeMutableBufferPointer`).
public final class TensorStorage: @unchecked Sendable {
    /// The first element. Valid for `count` elements while the storage is alive.
    public let pointer: UnsafeMutablePointer<Float>
    /// Number of elements.
    public let count: Int

    /// Allocates uninitialised storage for `count` elements.
    public init(uninitializedCount count: Int) {
        precondition(count >= 0, "TensorStorage: negative element count \(count)")
        _ = TensorStorage.allocatorTuning
        self.count = count
        let raw = BlockCache.allocate(count * MemoryLayout<Float>.stride)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        TensorMemory.allocated(count * MemoryLayout<Float>.stride)
    }

    /// Allocates storage filled with `value`.
    public convenience init(repeating value: Float, count: Int) {
        self.init(uninitializedCount: count)
        pointer.initialize(repeating: value, count: count)
    }

    deinit {
        BlockCache.release(UnsafeMutableRawPointer(pointer), bytes: count * MemoryLayout<Float>.stride)
        TensorMemory.released(count * MemoryLayout<Float>.stride)
    }

    /// Training allocates and frees the same large activation buffers every step. glibc serves blocks
    /// above 128 KiB with fresh `mmap`s and returns them on free, so every step paid for page faults
    /// and zeroing of new pages (about 5% of a training step in a profile). Keeping such blocks in
    /// the heap lets them be reused.
    private static let allocatorTuning: Void = kl_tune_allocator()

    /// The contents as a buffer pointer.
    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }
}
