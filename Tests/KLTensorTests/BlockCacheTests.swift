import Testing
@testable import KLTensor

/// The cache of freed large buffers sizes itself by twice the largest working set alive so far, so a
/// step larger than its 1 GiB floor finds all its blocks again on the next step, even though blocks are
/// reused by exact size and a step's blocks add up to more than its peak (storage is never touched
/// here: uninitialised buffers cost only address space).
@Suite struct BlockCacheTests {
    @Test func limitFollowsTheLargestWorkingSet() {
        #expect(BlockCache.minimumLimit == 1 << 30 && BlockCache.maximumLimit >= BlockCache.minimumLimit)
        // Five blocks of 307 MiB, 1.5 GiB in all, alive at once.
        let count = (307 << 20) / MemoryLayout<Float>.stride
        var storages = (0..<5).map { _ in TensorStorage(uninitializedCount: count) }
        // `TensorMemory` counts the bytes asked for, not the 2 MiB-rounded blocks that hold them.
        let workingSet = 5 * count * MemoryLayout<Float>.stride
        #expect(TensorMemory.largestLiveBytes >= workingSet)
        storages.removeAll()
        let largest = TensorMemory.largestLiveBytes   // only grows, also under tests running beside this one
        let limit = BlockCache.limit
        #expect(limit >= min(2 * workingSet, BlockCache.maximumLimit) && limit <= BlockCache.maximumLimit)
        #expect(limit >= min(max(BlockCache.minimumLimit, 2 * largest), BlockCache.maximumLimit))
    }

    /// Blocks of 1 MiB and more start on a 2 MiB boundary (where a transparent huge page can back
    /// them) whether fresh or reused; smaller ones keep the 64-byte alignment of the vector kernels.
    @Test func largeBlocksStartOnHugePageBoundaries() {
        let hugePage = UInt(2 << 20)
        for bytes in [1 << 20, 3 << 20, 17 << 20] {
            for _ in 0..<2 {   // the second one is the first one's block, from the cache
                let storage = TensorStorage(uninitializedCount: bytes / MemoryLayout<Float>.stride)
                #expect(UInt(bitPattern: storage.pointer) % hugePage == 0, "\(bytes) bytes")
            }
        }
        let small = TensorStorage(uninitializedCount: 1000)
        #expect(UInt(bitPattern: small.pointer) % 64 == 0)
    }
}
