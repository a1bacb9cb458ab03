import CKLKernels
import Foundation
import KLTestSupport
import Testing

@testable import KLTensor

/// Test-input helpers on the shared deterministic generator.
private extension TestData {
    /// Uniform in [-1, 1).
    mutating func float() -> Float { Float(Double(next() >> 11) * 0x1p-52 - 1) }
}

/// One GEMM problem with its stored operands, built deterministically from `seed`.
///
/// Stored shapes: A is m×k (k×m when transposed) with row stride `lda = width + padA`; likewise
/// B (k×n or n×k) and C (m×n). Padding elements of C hold a sentinel that must survive.
private struct GEMMProblem {
    static let sentinel: Float = 12345

    var transposeA: Bool, transposeB: Bool
    var m: Int, n: Int, k: Int
    var alpha: Float = 1, beta: Float = 0
    var padA = 0, padB = 0, padC = 0

    var lda: Int { (transposeA ? m : k) + padA }
    var ldb: Int { (transposeB ? k : n) + padB }
    var ldc: Int { n + padC }
    var aCount: Int { (transposeA ? k : m) * lda }
    var bCount: Int { (transposeB ? n : k) * ldb }
    var cCount: Int { m * ldc }

    func aValue(_ a: [Float], _ i: Int, _ p: Int) -> Double {
        Double(transposeA ? a[p * lda + i] : a[i * lda + p])
    }

    func bValue(_ b: [Float], _ p: Int, _ j: Int) -> Double {
        Double(transposeB ? b[j * ldb + p] : b[p * ldb + j])
    }

    /// Random A and B, and C with random values in its m×n part and the sentinel in its padding.
    func operands(seed: UInt64) -> (a: [Float], b: [Float], c: [Float]) {
        var random = TestData(seed: seed)
        let a = (0..<max(aCount, 1)).map { _ in random.float() }
        let b = (0..<max(bCount, 1)).map { _ in random.float() }
        var c = [Float](repeating: GEMMProblem.sentinel, count: max(cCount, 1))
        for i in 0..<m { for j in 0..<n { c[i * ldc + j] = random.float() } }
        return (a, b, c)
    }

    /// Largest |error| / bound over C (≤ 1 passes), where the bound is the classic γ_k worst case
    /// (k+2)·u·(|alpha|·Σ|a||b| + |beta·c|) computed in Double; also checks C's padding is intact.
    func normalizedError(a: [Float], b: [Float], before: [Float], after: [Float]) -> Double {
        let unitRoundoff = Double(Float.ulpOfOne) / 2
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0, magnitude = 0.0
                for p in 0..<k {
                    let product = aValue(a, i, p) * bValue(b, p, j)
                    sum += product
                    magnitude += abs(product)
                }
                let old = beta == 0 ? 0 : Double(beta) * Double(before[i * ldc + j])
                let expected = Double(alpha) * sum + old
                let bound = Double(k + 2) * unitRoundoff * (abs(Double(alpha)) * magnitude + abs(old)) + 1e-30
                let got = Double(after[i * ldc + j])
                worst = max(worst, got.isFinite ? abs(got - expected) / bound : .infinity)
            }
            for j in n..<ldc where after[i * ldc + j] != GEMMProblem.sentinel { return .infinity }
        }
        return worst
    }

    /// Runs the problem through `GEMM.multiply` on the given backend, cut into `threads` pieces
    /// on as many threads, and returns the normalised error.
    func run(seed: UInt64, builtIn: Bool, threads: Int = 2, minimumParallelFlops: Int = GEMM.minimumParallelFlops) -> Double {
        let schedule = GEMM.Schedule(prefersBLAS: !builtIn, threads: threads, minimumParallelFlops: minimumParallelFlops, pieces: threads)
        let (a, b, before) = operands(seed: seed)
        return normalizedError(a: a, b: b, before: before, after: product(seed: seed, schedule: schedule))
    }

    /// C after `GEMM.multiply` of the problem's operands for `seed` under `schedule`.
    func product(seed: UInt64, schedule: GEMM.Schedule) -> [Float] {
        var (a, b, c) = operands(seed: seed)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    GEMM.multiply(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                                  a: a.baseAddress!, lda: lda, b: b.baseAddress!, ldb: ldb, beta: beta,
                                  c: c.baseAddress!, ldc: ldc, schedule: schedule)
                }
            }
        }
        return c
    }

    /// Runs the problem through the built-in GEMM at instruction-set `level` (`kl_sgemm_at_level`);
    /// returns the normalised error and the level that ran.
    func runBuiltIn(level: Int32, seed: UInt64) -> (error: Double, level: Int32) {
        var (a, b, c) = operands(seed: seed)
        let before = c
        let used = c.withUnsafeMutableBufferPointer { c in
            kl_sgemm_at_level(level, transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta,
                              c.baseAddress!, ldc)
        }
        return (normalizedError(a: a, b: b, before: before, after: c), used)
    }
}

private let transposeCombos: [(Bool, Bool)] = [(false, false), (false, true), (true, false), (true, true)]

/// Both backends against a Double triple loop.
///
/// The tests pass the backend and thread count explicitly (`GEMM.Schedule`) instead of flipping
/// `ComputeBackend.prefersBuiltIn` / `Parallel.threadCount`, so tests of other suites running in
/// parallel never see the settings change; no test flips `prefersBuiltIn`.
struct GEMMTests {
    /// Every combination of the odd sizes 1, 3, 17, 33 plus larger odd shapes up to 130, all
    /// four transpose combinations, default alpha/beta, on the calling thread and on 2 threads.
    @Test(arguments: [false, true])
    func oddSizesAllTransposes(builtIn: Bool) {
        let small = [1, 3, 17, 33]
        var shapes: [(Int, Int, Int)] = []
        for m in small { for n in small { for k in small { shapes.append((m, n, k)) } } }
        shapes += [(65, 130, 33), (130, 65, 17), (130, 130, 130), (33, 65, 130), (1, 130, 65), (130, 1, 65), (65, 17, 130)]
        for (index, (ta, tb)) in transposeCombos.enumerated() {
            for (m, n, k) in shapes {
                let problem = GEMMProblem(transposeA: ta, transposeB: tb, m: m, n: n, k: k)
                let error = problem.run(seed: UInt64(index * 1_000_000 + m * 10_000 + n * 100 + k), builtIn: builtIn)
                #expect(error <= 1, "builtIn=\(builtIn) transA=\(ta) transB=\(tb) m=\(m) n=\(n) k=\(k): error \(error)× bound")
            }
        }
    }

    /// alpha and beta away from their defaults, including beta = 0 over a C full of NaN (must
    /// not be read) and beta = 1 (accumulate).
    @Test(arguments: [false, true])
    func alphaBeta(builtIn: Bool) {
        for (ta, tb) in transposeCombos {
            for (alpha, beta) in [(Float(-1.5), Float(0.75)), (2, 1), (0.5, 0), (1, -2)] {
                let problem = GEMMProblem(transposeA: ta, transposeB: tb, m: 33, n: 17, k: 65, alpha: alpha, beta: beta)
                let error = problem.run(seed: 42, builtIn: builtIn)
                #expect(error <= 1, "builtIn=\(builtIn) transA=\(ta) transB=\(tb) alpha=\(alpha) beta=\(beta): error \(error)")
            }
            // beta = 0 must ignore C's old contents, NaN included.
            let problem = GEMMProblem(transposeA: ta, transposeB: tb, m: 9, n: 21, k: 5, alpha: 3)
            var (a, b, c) = problem.operands(seed: 7)
            for i in 0..<problem.m { for j in 0..<problem.n { c[i * problem.ldc + j] = .nan } }
            GEMM.multiply(transposeA: ta, transposeB: tb, m: 9, n: 21, k: 5, alpha: 3, a: a, lda: problem.lda,
                          b: b, ldb: problem.ldb, beta: 0, c: &c, ldc: problem.ldc,
                          schedule: GEMM.Schedule(prefersBLAS: !builtIn, threads: 1, minimumParallelFlops: 0))
            #expect(problem.normalizedError(a: a, b: b, before: c, after: c) <= 1, "builtIn=\(builtIn): beta = 0 read NaNs from C")
        }
    }

    /// Row strides larger than the rows (sub-matrices of bigger buffers); C's padding must stay intact.
    @Test(arguments: [false, true])
    func paddedLeadingDimensions(builtIn: Bool) {
        for (ta, tb) in transposeCombos {
            for (m, n, k) in [(17, 33, 3), (65, 17, 33), (3, 130, 17)] {
                let problem = GEMMProblem(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 1.25, beta: 0.5,
                                          padA: 3, padB: 16, padC: 5)
                let error = problem.run(seed: UInt64(m * n + k), builtIn: builtIn)
                #expect(error <= 1, "builtIn=\(builtIn) transA=\(ta) transB=\(tb) m=\(m) n=\(n) k=\(k): error \(error)")
            }
        }
    }

    /// Zero-size dimensions: m or n = 0 leaves C alone; k = 0 or alpha = 0 gives C = beta·C.
    @Test(arguments: [false, true])
    func zeroSizes(builtIn: Bool) {
        for (ta, tb) in transposeCombos {
            for (m, n, k) in [(0, 5, 3), (4, 0, 3), (0, 0, 0), (4, 5, 0), (1, 1, 0)] {
                for beta in [Float(0), 1, 0.5] {
                    let problem = GEMMProblem(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 2, beta: beta, padC: 2)
                    let error = problem.run(seed: 3, builtIn: builtIn)
                    #expect(error <= 1, "builtIn=\(builtIn) transA=\(ta) transB=\(tb) m=\(m) n=\(n) k=\(k) beta=\(beta): error \(error)")
                }
            }
            let alphaZero = GEMMProblem(transposeA: ta, transposeB: tb, m: 5, n: 7, k: 3, alpha: 0, beta: 0.25)
            #expect(alphaZero.run(seed: 4, builtIn: builtIn) <= 1)
        }
    }

    /// Shapes that cross the built-in GEMM's blocking: k > kc = 384 and n > nc = 3072 (several
    /// packed B blocks, beta applied only by the first k-block), m > mc = 480, and k > kc with
    /// n ≤ 16 (the narrow kernel reading A unpacked, one depth block after another).
    @Test(arguments: [false, true])
    func blockedProducts(builtIn: Bool) {
        for (ta, tb) in transposeCombos {
            for (m, n, k) in [(3, 3080, 385), (490, 17, 20), (30, 16, 400)] {
                let problem = GEMMProblem(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 0.5, beta: 2,
                                          padA: 1, padB: 2, padC: 3)
                let error = problem.run(seed: UInt64(m + n + k), builtIn: builtIn, threads: 1)
                #expect(error <= 1, "builtIn=\(builtIn) transA=\(ta) transB=\(tb) m=\(m) n=\(n) k=\(k): error \(error)")
            }
        }
    }

    /// Products split across 2 and 3 threads (threshold 0 so small shapes split): by rows,
    /// including a transposed A whose row blocks are column blocks of A; by columns when there
    /// are fewer row blocks (of `GEMM.rowQuantum`) than threads or columns cut more evenly (64×64);
    /// not at all when both are too small.
    @Test(arguments: [false, true])
    func splitProducts(builtIn: Bool) {
        for threads in [2, 3] {
            for (ta, tb) in transposeCombos {
                for (m, n, k) in [(50, 17, 13), (73, 3, 5), (5, 70, 7), (64, 64, 9), (3, 3, 3)] {
                    let problem = GEMMProblem(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 0.5, beta: 2,
                                              padA: 1, padB: 2, padC: 3)
                    let error = problem.run(seed: UInt64(m + n + k + threads), builtIn: builtIn, threads: threads, minimumParallelFlops: 0)
                    #expect(error <= 1, "builtIn=\(builtIn) threads=\(threads) transA=\(ta) transB=\(tb) m=\(m) n=\(n) k=\(k): error \(error)")
                }
            }
        }
    }

    /// Where `multiply` cuts: 24-row / 32-column boundaries, nothing below the work threshold.
    @Test func splitPoints() {
        let eager = GEMM.Schedule(prefersBLAS: false, threads: 2, minimumParallelFlops: 0, pieces: 2)
        let rows = GEMM.parallelSplit(m: 50, n: 17, work: 1, schedule: eager)
        #expect(rows.byRows && rows.pieces == 2 && rows.range(0) == 0..<24 && rows.range(1) == 24..<50)
        let columns = GEMM.parallelSplit(m: 5, n: 40, work: 1, schedule: eager)
        #expect(!columns.byRows && columns.pieces == 2 && columns.range(0) == 0..<32 && columns.range(1) == 32..<40)
        #expect(GEMM.parallelSplit(m: 3, n: 3, work: 1, schedule: eager).pieces == 1)
        // A weight gradient's 64 rows would cut 24 + 40; its 64 columns cut evenly.
        let weightGradient = GEMM.parallelSplit(m: 64, n: 64, work: 1, schedule: eager)
        #expect(!weightGradient.byRows && weightGradient.range(0) == 0..<32 && weightGradient.range(1) == 32..<64)
        // Rows stay the cut when columns would be only a little more even (72 + 56 rows against 32 + 32
        // columns), and for tall products.
        #expect(GEMM.parallelSplit(m: 128, n: 64, work: 1, schedule: eager).byRows)
        // A product the built-in GEMM runs as (Bᵀ·A)ᵀ keeps its rows whole: the QKV weight gradient
        // of a 128-wide model, 128 × 384 over 64000 tokens.
        #expect(kl_sgemm_runs_transposed(kl_vmath_max_level(), 1, 0, 128, 384, 64000, 128, 384) != 0)
        #expect(kl_sgemm_runs_transposed(kl_vmath_max_level(), 1, 0, 128, 384, 100, 128, 384) == 0)
        #expect(kl_sgemm_runs_transposed(kl_vmath_max_level(), 0, 0, 128, 384, 64000, 64000, 384) == 0)
        #expect(GEMM.parallelSplit(m: 128, n: 384, work: 1, schedule: eager).byRows)
        let keptRows = GEMM.parallelSplit(m: 128, n: 384, work: 1, schedule: eager, keepingRows: true)
        #expect(!keptRows.byRows && keptRows.range(0) == 0..<192 && keptRows.range(1) == 192..<384)
        let tall = GEMM.parallelSplit(m: 16384, n: 64, work: 1, schedule: eager)
        #expect(tall.byRows && tall.range(0) == 0..<8184 && tall.range(1) == 8184..<16384)
        let normal = GEMM.Schedule(prefersBLAS: false, threads: 2, minimumParallelFlops: GEMM.minimumParallelFlops, pieces: 2)
        #expect(GEMM.parallelSplit(m: 64, n: 64, work: 2 * 64 * 64 * 64, schedule: normal).pieces == 1)
        #expect(GEMM.parallelSplit(m: 256, n: 256, work: 2 * 256 * 256 * 256, schedule: normal).pieces == 2)
        // The thread count never moves a cut; the piece limit does.
        for threads in [1, 4, 16] {
            var schedule = normal
            schedule.threads = threads
            #expect(GEMM.parallelSplit(m: 256, n: 256, work: 2 * 256 * 256 * 256, schedule: schedule).pieces == 2)
        }
        #expect(GEMM.Schedule.current.pieces == GEMM.machinePieces)
    }

    /// The bits of a product do not depend on the thread count, on either backend, single and
    /// batched: the pieces are fixed by the sizes and `pieces`, and threads only share them out.
    /// (OpenBLAS's Haswell kernel gives different last bits when a product is cut differently,
    /// so cutting by threads failed this on it.)
    @Test(arguments: [false, true])
    func bitsDoNotDependOnTheThreadCount(builtIn: Bool) {
        for (ta, tb) in transposeCombos {
            for (m, n, k) in [(128, 64, 64), (97, 256, 64), (16, 1552, 64), (1552, 16, 64)] {
                let problem = GEMMProblem(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 1, beta: 0)
                let products = [1, 2, 3, 4].map { threads in
                    problem.product(seed: UInt64(m * n), schedule: GEMM.Schedule(prefersBLAS: !builtIn, threads: threads,
                                                                                  minimumParallelFlops: 0, pieces: 4))
                }
                #expect(Set(products.map { $0.map(\.bitPattern) }).count == 1, "builtIn=\(builtIn) transA=\(ta) transB=\(tb) m=\(m) n=\(n) k=\(k)")
            }
        }
        let batch = 3, m = 40, n = 30, k = 20
        let a = (0..<(batch * m * k)).map { Float(($0 * 37) % 101) / 50 - 1 }
        let b = (0..<(batch * k * n)).map { Float(($0 * 53) % 97) / 48 - 1 }
        let products = [1, 2, 3, 4].map { threads in
            var c = [Float](repeating: 0, count: batch * m * n)
            GEMM.batchedMultiply(batch: batch, transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: k,
                                 strideA: m * k, b: b, ldb: n, strideB: k * n, beta: 0, c: &c, ldc: n, strideC: m * n,
                                 schedule: GEMM.Schedule(prefersBLAS: !builtIn, threads: threads, minimumParallelFlops: 1 << 10, pieces: 2))
            return c.map(\.bitPattern)
        }
        #expect(Set(products).count == 1, "builtIn=\(builtIn): batched products differ across thread counts")
    }

    /// Every instruction-set level of the built-in GEMM this CPU has (portable, AVX2, AVX-512), on
    /// shapes at and around its tiles: full and partial tiles of the wide and narrow shapes, A read
    /// packed and unpacked, a depth beyond one block, B packed (padded rows) and read in place
    /// (contiguous rows of at most four panels, with a packed partial last panel), and A packed over
    /// several depth blocks (40 × 129 × 800); Aᵀ·B with B's rows too long to read in place, run as
    /// (Bᵀ·A)ᵀ (40 × 160 × 800).
    @Test(arguments: [Int32(0), 1, 2])
    func builtInLevels(level: Int32) {
        let available = kl_vmath_max_level()
        for (ta, tb) in transposeCombos {
            for (m, n, k) in [(1, 1, 1), (12, 32, 5), (13, 33, 3), (24, 16, 7), (25, 15, 31), (7, 8, 390), (50, 40, 20), (40, 129, 800), (40, 160, 800)] {
                for padB in [1, 0] {
                    let problem = GEMMProblem(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: -0.5, beta: 0.25,
                                              padA: 2, padB: padB, padC: 1)
                    let (error, used) = problem.runBuiltIn(level: level, seed: UInt64(m * 31 + n * 7 + k))
                    #expect(used == min(level, available))
                    #expect(error <= 1, "level=\(level) transA=\(ta) transB=\(tb) m=\(m) n=\(n) k=\(k) padB=\(padB): error \(error)")
                }
            }
        }
    }

    /// Batched products with a shared B (strideB = 0) and gaps between the A and C items: serial
    /// (little work), parallel (3 items on 2 threads, so the items are also cut by rows; 8 items),
    /// one item, no items. The parallel threshold is lowered to 2^16 so small shapes go parallel.
    @Test(arguments: [false, true])
    func batchedSharedB(builtIn: Bool) {
        let cases: [(batch: Int, m: Int, n: Int, k: Int)] = [(4, 17, 33, 9), (3, 40, 30, 20), (8, 9, 20, 30), (1, 20, 20, 20), (0, 3, 3, 3)]
        let schedule = GEMM.Schedule(prefersBLAS: !builtIn, threads: 2, minimumParallelFlops: 1 << 16, pieces: 2)
        for (ta, tb) in transposeCombos {
            for item in cases {
                let problem = GEMMProblem(transposeA: ta, transposeB: tb, m: item.m, n: item.n, k: item.k,
                                          alpha: 1.5, beta: 0.5, padA: 1, padC: 2)
                let strideA = problem.aCount + 7, strideC = problem.cCount + 3
                var random = TestData(seed: UInt64(item.batch * 1000 + item.m))
                let a = (0..<max(1, item.batch * strideA)).map { _ in random.float() }
                let (_, b, c0) = problem.operands(seed: 11)
                var c = [Float](repeating: GEMMProblem.sentinel, count: max(1, item.batch * strideC))
                for index in 0..<item.batch {
                    for i in 0..<problem.cCount { c[index * strideC + i] = c0[i] }
                }
                let before = c
                GEMM.batchedMultiply(batch: item.batch, transposeA: ta, transposeB: tb, m: item.m, n: item.n, k: item.k,
                                     alpha: 1.5, a: a, lda: problem.lda, strideA: strideA, b: b, ldb: problem.ldb,
                                     strideB: 0, beta: 0.5, c: &c, ldc: problem.ldc, strideC: strideC, schedule: schedule)
                for index in 0..<item.batch {
                    let aItem = Array(a[(index * strideA)..<(index * strideA + problem.aCount)])
                    let range = (index * strideC)..<(index * strideC + problem.cCount)
                    let error = problem.normalizedError(a: aItem, b: b, before: Array(before[range]), after: Array(c[range]))
                    #expect(error <= 1, "builtIn=\(builtIn) transA=\(ta) transB=\(tb) batch item \(index) of \(item): error \(error)")
                    // The gap after each C item stays untouched.
                    for gap in (index * strideC + problem.cCount)..<((index + 1) * strideC) {
                        #expect(c[gap] == GEMMProblem.sentinel)
                    }
                }
            }
        }
    }

    /// Grouped products — per-head products of a batch of sequences laid out (N, L, H, d), as linear
    /// attention runs them — give exactly the bits of one batched call per group, at 1, 2 and 3
    /// threads, and leave the rest of C alone.
    @Test(arguments: [false, true])
    func groupedProductsMatchOneCallPerGroup(builtIn: Bool) {
        let (groups, heads, length, d, dv) = (3, 4, 37, 8, 5)
        var random = TestData(seed: 29)
        let a = (0..<(groups * length * heads * d)).map { _ in random.float() }
        let b = (0..<(groups * length * heads * dv)).map { _ in random.float() }
        let cCount = groups * heads * d * dv + 1
        for threads in [1, 2, 3] {
            let schedule = GEMM.Schedule(prefersBLAS: !builtIn, threads: threads, minimumParallelFlops: 1 << 10, pieces: 2)
            var grouped = [Float](repeating: GEMMProblem.sentinel, count: cCount)
            var looped = grouped
            // Σ_l a_l b_lᵀ per sequence and head: (d × L)·(L × dv), A transposed.
            GEMM.batchedMultiply(batch: heads, transposeA: true, transposeB: false, m: d, n: dv, k: length, alpha: 1,
                                 a: a, lda: heads * d, strideA: d, b: b, ldb: heads * dv, strideB: dv, beta: 0,
                                 c: &grouped, ldc: dv, strideC: d * dv, schedule: schedule,
                                 groups: groups, groupStrides: (length * heads * d, length * heads * dv, heads * d * dv))
            for group in 0..<groups {
                a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        looped.withUnsafeMutableBufferPointer { c in
                            GEMM.batchedMultiply(batch: heads, transposeA: true, transposeB: false, m: d, n: dv, k: length, alpha: 1,
                                                 a: a.baseAddress! + group * length * heads * d, lda: heads * d, strideA: d,
                                                 b: b.baseAddress! + group * length * heads * dv, ldb: heads * dv, strideB: dv, beta: 0,
                                                 c: c.baseAddress! + group * heads * d * dv, ldc: dv, strideC: d * dv, schedule: schedule)
                        }
                    }
                }
            }
            #expect(grouped.map(\.bitPattern) == looped.map(\.bitPattern), "builtIn=\(builtIn) threads=\(threads)")
            #expect(grouped.last == GEMMProblem.sentinel)
        }
    }

    /// The backend `prefersBuiltIn` selects, and the public entry points with the global settings.
    /// Nothing here changes `prefersBuiltIn`: other suites compute meanwhile and must keep their bits.
    @Test func backendSelection() {
        #expect(ComputeBackend.backend(prefersBuiltIn: true) == .builtIn)
        #expect(ComputeBackend.backend(prefersBuiltIn: true).description.hasPrefix("built-in GEMM ("))
        let allowed = ComputeBackend.backend(prefersBuiltIn: false)
        switch allowed {
        case .openBLAS(let core):
            #expect(!core.isEmpty)
            #expect(allowed.description.hasPrefix("OpenBLAS"))
            #expect(allowed.description.contains("(core \(core))"))
        case .builtIn:
            // OpenBLAS absent or KLT_DISABLE_BLAS=1: the built-in path is the only one.
            #expect(BLASLibrary.shared == nil)
        }
        #expect(ComputeBackend.current == ComputeBackend.backend(prefersBuiltIn: ComputeBackend.prefersBuiltIn))
        // The public functions (global settings) on a small product.
        var c = [Float](repeating: 0, count: 4)
        GEMM.multiply(transposeA: false, transposeB: false, m: 2, n: 2, k: 2, a: [1, 2, 3, 4], lda: 2, b: [5, 6, 7, 8], ldb: 2,
                      c: &c, ldc: 2)
        #expect(c == [19, 22, 43, 50])
        GEMM.batchedMultiply(batch: 2, transposeA: true, transposeB: false, m: 1, n: 1, k: 2, a: [1, 2, 3, 4], lda: 1,
                             strideA: 2, b: [10, 100], ldb: 1, strideB: 0, c: &c, ldc: 1, strideC: 1)
        #expect(Array(c.prefix(2)) == [210, 430])
    }
}
