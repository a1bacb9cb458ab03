import CKLKernels
import Foundation

/// Keeps freed large tensor buffers for reuse.
///
/// Training and attention allocate the same large buffers (activations, feature maps) on every step.
/// Blocks above glibc's largest mmap threshold (32 MiB) are mapped afresh and returned on every
/// free, and each new mapping is paid for in page faults and page zeroing: 15–20% of an attention
/// pass at L = 2048 in a profile. Blocks of at least 1 MiB are therefore rounded up to a multiple of
/// 2 MiB and, when freed, kept here (up to `limit` bytes in all) to serve the next request of the
/// same rounded size. Those blocks are 2 MiB-aligned and marked for transparent huge pages
/// (`kl_allocate_block`): the per-head products of linear attention read a 16 MiB feature map in
/// 256-byte pieces 1 KiB apart, and with 4 KiB pages such a read misses the TLB on most rows.
enum BlockCache {
    /// Blocks smaller than this go straight to the system allocator.
    static let minimumBytes = 1 << 20
    /// The fewest bytes the cache may keep.
    static let minimumLimit = 1 << 30
    /// The most bytes the cache may keep: half the machine's memory.
    static let maximumLimit = max(minimumLimit, Int(clamping: ProcessInfo.processInfo.physicalMemory / 2))

    /// Most bytes kept at once: twice the largest tensor working set alive so far, within
    /// `minimumLimit`…`maximumLimit`. Blocks are reused by exact size, so the blocks a step asks for
    /// over its course add up to more than its peak: the paper-config elu+1 step at L = 2000 holds
    /// 1.06 GB at its peak and 1.23 GB of blocks in all. A cap at the peak alone freed and mapped
    /// again two blocks every step (page faults and zeroing: that step 0.91–1.05 s against 0.85–0.92
    /// s with twice the peak, GMM-PRF 1.78–1.86 against 1.59–1.66); twice the peak frees none there
    /// and leaves the process's peak resident memory as it was (1.23 GB), since the blocks the
    /// smaller cap freed were mapped again later in the step. (A 1 GiB cap left a 6 GB GMM-RKS step
    /// a third of its time in page faults and zeroing.)
    static var limit: Int { min(max(minimumLimit, 2 * TensorMemory.largestLiveBytes), maximumLimit) }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var blocks: [Int: [UnsafeMutableRawPointer]] = [:]
    nonisolated(unsafe) private static var cachedBytes = 0

    /// The size actually allocated for a request of `bytes`.
    static func roundedSize(_ bytes: Int) -> Int {
        bytes < minimumBytes ? bytes : (bytes + (2 << 20) - 1) & ~((2 << 20) - 1)
    }

    /// A block of `roundedSize(bytes)` bytes, 64-byte aligned: a cached one when available.
    static func allocate(_ bytes: Int) -> UnsafeMutableRawPointer {
        let size = roundedSize(max(bytes, 1))
        if size >= minimumBytes {
            let reused: UnsafeMutableRawPointer? = lock.withLock {
                guard let block = blocks[size]?.popLast() else { return nil }
                cachedBytes -= size
                return block
            }
            if let reused { return reused }
            guard let block = kl_allocate_block(size) else { fatalError("KLTensor: out of memory for a block of \(size) bytes") }
            return block
        }
        return UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
    }

    /// Returns a block from `allocate(bytes)`: kept for reuse while the cache has room, freed otherwise.
    static func release(_ block: UnsafeMutableRawPointer, bytes: Int) {
        let size = roundedSize(max(bytes, 1))
        if size >= minimumBytes {
            let limit = self.limit
            let kept: Bool = lock.withLock {
                guard cachedBytes + size <= limit else { return false }
                blocks[size, default: []].append(block)
                cachedBytes += size
                return true
            }
            if kept { return }
            kl_free_block(block)
            return
        }
        block.deallocate()
    }

    /// Frees every cached block.
    static func empty() {
        let all: [UnsafeMutableRawPointer] = lock.withLock {
            defer { blocks = [:]; cachedBytes = 0 }
            return blocks.values.flatMap { $0 }
        }
        for block in all { kl_free_block(block) }
    }

    /// Bytes held for reuse now.
    static var bytesHeld: Int { lock.withLock { cachedBytes } }
}
