import CKLKernels
import Dispatch
import Foundation

/// Splits loops over the machine's cores.
///
/// Every multi-threaded kernel in KLTensor goes through this one type, so the thread count is
/// set in one place and never multiplied: OpenBLAS itself is kept single-threaded
/// (see `GEMM`) and parallelism comes from splitting work here.
public enum Parallel {
    /// Number of worker threads used by large ops; defaults to `KLT_THREADS` or the active processor
    /// count (`ThreadCount.initial`). Set it to 1 to make every op run on the calling thread.
    nonisolated(unsafe) public static var threadCount: Int = ThreadCount.initial

    /// Calls `body(start, end)` on disjoint sub-ranges covering `0..<count`, in parallel when the
    /// total work (`count * costPerItem`, in rough "flops") is large enough to pay for a thread hop
    /// (about 100 µs of work per chunk).
    ///
    /// The split points depend only on `count` and `threadCount`, never on timing, so results that
    /// depend on the split (none should) are reproducible.
    @inlinable
    public static func forRanges(_ count: Int, costPerItem: Int = 1, _ body: (Int, Int) -> Void) {
        let chunks = chunkCount(count: count, costPerItem: costPerItem)
        if chunks <= 1 {
            if count > 0 { body(0, count) }
            return
        }
        runChunks(chunks, threads: chunks) { chunk in
            let start = count * chunk / chunks
            let end = count * (chunk + 1) / chunks
            if start < end { body(start, end) }
        }
    }

    /// Calls `runChunk(c)` for every `c` in `0..<chunks`, spread over up to `threads` threads: the
    /// pooled workers of `kl_pool_run`, whose threads spin briefly between loops so the next loop
    /// starts without a wake-up, or a dispatch queue's when the pool is busy with another loop (a
    /// nested or concurrent call).
    @usableFromInline
    static func runChunks(_ chunks: Int, threads: Int, _ runChunk: (Int) -> Void) {
        withoutActuallyEscaping(runChunk) { runChunk in
            let ranOnPool = withUnsafePointer(to: runChunk) { pointer in
                kl_pool_run(chunks, threads, { context, chunk in
                    context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(chunk)
                }, UnsafeMutableRawPointer(mutating: pointer)) != 0
            }
            if ranOnPool { return }
            let box = UnsafeSendableBox(runChunk)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in box.value(chunk) }
        }
    }

    /// Calls `body(i)` for every `i` in `0..<count`, in parallel when the work is large enough.
    @inlinable
    public static func forEach(_ count: Int, costPerItem: Int = 1, _ body: (Int) -> Void) {
        forRanges(count, costPerItem: costPerItem) { start, end in
            for i in start..<end { body(i) }
        }
    }

    /// The number of chunks `forRanges` uses: one per thread when the work exceeds the threshold.
    @usableFromInline
    static func chunkCount(count: Int, costPerItem: Int) -> Int {
        let threads = threadCount
        guard threads > 1, count > 1 else { return 1 }
        let work = count.multipliedReportingOverflow(by: max(1, costPerItem))
        if !work.overflow && work.partialValue < minimumParallelWork { return 1 }
        return min(threads, count)
    }

    /// Work (in elementary operations) below which splitting across threads costs more than it saves.
    @usableFromInline
    static let minimumParallelWork = 1 << 16
}

/// Carries a non-Sendable value into `concurrentPerform`'s `@Sendable` closure. Only used where the
/// callers guarantee the chunks touch disjoint memory.
@usableFromInline
struct UnsafeSendableBox<Value>: @unchecked Sendable {
    @usableFromInline let value: Value
    @usableFromInline init(_ value: Value) { self.value = value }
}
