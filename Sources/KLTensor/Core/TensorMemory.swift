import Foundation

/// Bytes held by tensor storage right now and at the peak: the memory figure the attention
/// benchmarks report (process RSS also counts the allocator's caches and the binary itself).
public enum TensorMemory {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var current = 0
    nonisolated(unsafe) private static var peak = 0
    nonisolated(unsafe) private static var largestLive = 0

    /// Bytes of tensor storage alive now.
    public static var currentBytes: Int { lock.withLock { current } }

    /// The most bytes of tensor storage alive at once since the last `resetPeak()`.
    public static var peakBytes: Int { lock.withLock { peak } }

    /// The most bytes of tensor storage ever alive at once in this process (not reset by
    /// `resetPeak()`): the working set of the largest step so far, which `BlockCache` sizes itself by.
    static var largestLiveBytes: Int { lock.withLock { largestLive } }

    /// Bytes of freed large buffers kept for reuse by later tensors (not counted in `currentBytes`).
    public static var cachedBytes: Int { BlockCache.bytesHeld }

    /// Returns the cached buffers to the system, e.g. after a large evaluation.
    public static func releaseCachedBlocks() { BlockCache.empty() }

    /// Starts a new peak measurement from the current level.
    public static func resetPeak() { lock.withLock { peak = current } }

    static func allocated(_ bytes: Int) {
        lock.withLock {
            current += bytes
            if current > peak { peak = current }
            if current > largestLive { largestLive = current }
        }
    }

    static func released(_ bytes: Int) { lock.withLock { current -= bytes } }
}
