import Dispatch
import KLTestSupport
import Testing
@testable import KLTensor

/// `Parallel` on its worker pool: every index runs exactly once whatever the thread count, and loops
/// started inside a loop or from several threads at once (which the pool refuses, so they run on a
/// dispatch queue instead) complete just the same.
@Suite(.serialized) struct ParallelTests {
    /// How many times each index of `0..<count` was visited by `Parallel.forEach`.
    static func visits(_ count: Int, threads: Int) -> [Int] {
        let saved = Parallel.threadCount
        Parallel.threadCount = threads
        defer { Parallel.threadCount = saved }
        var visits = [Int](repeating: 0, count: count)
        visits.withUnsafeMutableBufferPointer { buffer in
            let pointer = buffer.baseAddress!
            Parallel.forEach(count, costPerItem: 1 << 16) { pointer[$0] += 1 }
        }
        return visits
    }

    @Test(arguments: [1, 2, 3, 4, 7])
    func everyIndexRunsOnce(threads: Int) {
        for count in [1, 2, 3, 1000, 100_003] {
            #expect(Self.visits(count, threads: threads) == [Int](repeating: 1, count: count), "\(count) items on \(threads) threads")
        }
    }

    @Test func nestedLoopsComplete() {
        let saved = Parallel.threadCount
        Parallel.threadCount = 2
        defer { Parallel.threadCount = saved }
        let outer = 6, inner = 500
        var visits = [Int](repeating: 0, count: outer * inner)
        visits.withUnsafeMutableBufferPointer { buffer in
            let pointer = buffer.baseAddress!
            Parallel.forEach(outer, costPerItem: 1 << 20) { o in
                Parallel.forEach(inner, costPerItem: 1 << 16) { i in pointer[o * inner + i] += 1 }
            }
        }
        #expect(visits == [Int](repeating: 1, count: outer * inner))
    }

    @Test func concurrentCallersComplete() {
        let saved = Parallel.threadCount
        Parallel.threadCount = 2
        defer { Parallel.threadCount = saved }
        let callers = 4, count = 2000, rounds = 50
        let results = UnsafeMutablePointer<Int>.allocate(capacity: callers * count)
        results.initialize(repeating: 0, count: callers * count)
        defer { results.deallocate() }
        let box = UnsafeSendableBox(results)
        DispatchQueue.concurrentPerform(iterations: callers) { caller in
            let row = box.value + caller * count
            for _ in 0..<rounds { Parallel.forEach(count, costPerItem: 1 << 16) { row[$0] += 1 } }
        }
        #expect(Array(UnsafeBufferPointer(start: results, count: callers * count)) == [Int](repeating: rounds, count: callers * count))
    }
}
