import CKLKernels
import Foundation

/// Where matrix products run.
///
/// OpenBLAS is loaded lazily at first use (see `kl_blas_load` in CKLKernels): on x86-64 CPUs
/// with AVX-512 its `SkylakeX` kernel is forced unless the user set `OPENBLAS_CORETYPE`, since
/// Debian's 0.3.21 misdetects newer Xeons as "Prescott" (5× slower). Without OpenBLAS (not
/// installed, or `KLT_DISABLE_BLAS=1`) the built-in GEMM runs instead (`kl_sgemm` in CKLKernels:
/// packed AVX-512 / AVX2 / portable micro-kernels chosen at run time, no build flags needed).
public enum ComputeBackend: Equatable, Sendable, CustomStringConvertible {
    /// OpenBLAS was found and loaded; `core` is the CPU kernel it runs ("SkylakeX", "Haswell", …).
    case openBLAS(core: String)
    /// The built-in C GEMM with run-time instruction-set dispatch.
    case builtIn

    /// The backend in use now. The first access loads OpenBLAS if it is present.
    public static var current: ComputeBackend { backend(prefersBuiltIn: prefersBuiltIn) }

    /// The backend `current` gives when `prefersBuiltIn` has the given value: a function of its
    /// argument, so tests check both answers without changing the setting under other threads.
    static func backend(prefersBuiltIn: Bool) -> ComputeBackend {
        if prefersBuiltIn { return .builtIn }
        return BLASLibrary.shared.map { .openBLAS(core: $0.core) } ?? .builtIn
    }

    /// Forces the built-in GEMM (`true`) or allows OpenBLAS (`false`, the default); for benchmarks
    /// and tests that compare the two.
    ///
    /// A plain global for speed and simplicity: set it before starting work, not while products run
    /// on other threads (a product that is already running finishes on the backend it started with).
    nonisolated(unsafe) public static var prefersBuiltIn = false

    /// A human-readable name, e.g. "OpenBLAS 0.3.21 (core SkylakeX)" or "built-in GEMM (AVX-512 12×32,
    /// 24×16 for n ≤ 16)": the register tiles the machine's instruction set gets.
    public var description: String {
        switch self {
        case .openBLAS(let core):
            return "\(BLASLibrary.shared?.version ?? "OpenBLAS") (core \(core))"
        case .builtIn:
            let level = Int32(kl_vmath_max_level())
            let wide = String(cString: kl_sgemm_shape(level, 1 << 20)), narrow = String(cString: kl_sgemm_shape(level, 1))
            let narrowWidth = narrow.split(separator: "×").last.map(String.init) ?? "?"
            return "built-in GEMM (\(wide), \(narrow.split(separator: " ").last ?? "") for n ≤ \(narrowWidth))"
        }
    }
}

/// The loaded OpenBLAS library: nil when it is unavailable.
struct BLASLibrary: Sendable {
    /// Kernel name reported by `openblas_get_corename`.
    let core: String
    /// "OpenBLAS 0.3.21", the first two words of `openblas_get_config`.
    let version: String

    /// Loaded once, thread-safely (Swift's lazy static initialisation plus the loader's pthread_once).
    static let shared: BLASLibrary? = {
        guard kl_blas_load() != 0 else { return nil }
        let config = String(cString: kl_blas_config())
        let words = config.split(separator: " ").prefix(2)
        let version = words.count == 2 ? words.joined(separator: " ") : "OpenBLAS"
        return BLASLibrary(core: String(cString: kl_blas_corename()), version: version)
    }()
}

/// Single-precision matrix products on row-major matrices, on OpenBLAS or the built-in GEMM
/// (`ComputeBackend`).
///
/// Threading: OpenBLAS is kept at one thread and large products are cut here into pieces, each
/// one single-threaded BLAS (or built-in) call, shared among `Parallel.threadCount` threads, so BLAS
/// threads never oversubscribe the cores when the caller itself runs in parallel (and
/// many small per-head products parallelise far better over the batch than inside BLAS).
///
/// Where a product is cut depends on its sizes and the machine's processor count only, never on
/// the thread count: OpenBLAS's kernels (Haswell's, for one) round a row differently depending on
/// which call it falls in, so cutting by threads would make `--threads 1` and `--threads 2` train
/// to different bits. With fixed pieces, every thread count gives the same bits on one machine.
public enum GEMM {
    /// Products below this many floating-point operations (2·m·n·k) run on the calling thread.
    /// 2^24 ≈ 17 MFLOP ≈ 160 µs on one core at 100 GFLOP/s. Measured (2-core KVM guest): waking
    /// the second thread costs tens of µs, so a 128³ product (4 MFLOP) split in two ran at 61
    /// GFLOP/s against 98 unsplit, 192³ broke even (110 vs 102), 256³ gained (156 vs 102).
    static let minimumParallelFlops = 1 << 24

    /// The deepest product taken to run as one block of depth: the built-in GEMM's kc is 384, and
    /// OpenBLAS blocks depth at several hundred on x86-64 (verified for its SkylakeX core at depth 64
    /// by `StabilizedExponentialTests`). Up to this depth, C + op(A)·op(B) with β = 1 rounds each
    /// element's sum over k once and then adds C — the bits of adding the finished product to C.
    /// Deeper, C would join the sum after the first block.
    public static let singleBlockDepth = 256

    /// Piece boundaries of a cut product fall on multiples of these: every register tile's rows
    /// (4, 6, 8, 12, 24) and columns (8, 16, 32) divide them, so no cut adds a ragged edge tile.
    static let rowQuantum = 24
    /// See `rowQuantum`.
    static let columnQuantum = 32

    /// The pieces a large product is cut into: the active processor count when the process starts.
    static let machinePieces = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Where and how a call runs, read once per call from the global settings. Tests pass their
    /// own, so they never flip globals that tests running in parallel with them depend on.
    struct Schedule: Sendable {
        /// OpenBLAS (true) or the built-in GEMM (false).
        var prefersBLAS: Bool
        /// Threads that share the pieces of a large product.
        var threads: Int
        /// Work below which a product is not cut.
        var minimumParallelFlops: Int
        /// The most pieces a large product is cut into: the machine's processor count, not
        /// `threads`, so the cuts (and hence the bits) are the same at every thread count.
        var pieces: Int = GEMM.machinePieces

        /// `ComputeBackend.prefersBuiltIn`, `Parallel.threadCount`, `GEMM.minimumParallelFlops`,
        /// `GEMM.machinePieces`.
        static var current: Schedule {
            Schedule(prefersBLAS: !ComputeBackend.prefersBuiltIn, threads: Parallel.threadCount,
                     minimumParallelFlops: GEMM.minimumParallelFlops)
        }

        /// OpenBLAS when preferred, loaded, and all sizes fit its 32-bit integers.
        func usesBLAS(m: Int, n: Int, k: Int, lda: Int, ldb: Int, ldc: Int) -> Bool {
            guard prefersBLAS, BLASLibrary.shared != nil else { return false }
            let limit = Int(Int32.max)
            return m <= limit && n <= limit && k <= limit && lda <= limit && ldb <= limit && ldc <= limit
        }
    }

    /// Row-major `C = alpha·op(A)·op(B) + beta·C`.
    ///
    /// `op(A)` is m×k (`A` is stored k×m when `transposeA`), `op(B)` is k×n (`B` is stored n×k when
    /// `transposeB`), `C` is m×n. `lda`, `ldb`, `ldc` are the distances between consecutive
    /// stored rows (at least the stored row widths), so sub-matrices of larger buffers work. With
    /// `beta == 0` the old contents of `C` are never read. `C` must not overlap `A` or `B`.
    ///
    /// Large products are split across `Parallel.threadCount` threads by blocks of rows of `C`
    /// (by blocks of columns when `m` is too small to split), each block one single-threaded
    /// BLAS/built-in call; small ones run on the calling thread.
    public static func multiply(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        multiply(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                 b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, schedule: .current)
    }

    /// `multiply` with an explicit schedule (backend, threads); tests call it directly.
    static func multiply(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int, schedule: Schedule
    ) {
        validate(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc)
        guard m > 0, n > 0 else { return }
        let useBLAS = schedule.usesBLAS(m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc)
        let keepsRows = !useBLAS && kl_sgemm_runs_transposed(kl_vmath_max_level(), transposeA ? 1 : 0, transposeB ? 1 : 0,
                                                              m, n, k, lda, ldb) != 0
        let split = parallelSplit(m: m, n: n, work: flops(m: m, n: n, k: k), schedule: schedule, keepingRows: keepsRows)
        guard split.pieces > 1 else {
            run(useBLAS: useBLAS, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        let pointers = UnsafeSendableBox((a, b, c))
        let runPiece = { (piece: Int) in
            let (a, b, c) = pointers.value
            let range = split.range(piece)
            guard !range.isEmpty else { return }
            if split.byRows {
                // Rows i of op(A): row i of A, or column i of A when transposed.
                let aPiece = transposeA ? a + range.lowerBound : a + range.lowerBound * lda
                run(useBLAS: useBLAS, transposeA: transposeA, transposeB: transposeB, m: range.count, n: n, k: k,
                    alpha: alpha, a: aPiece, lda: lda, b: b, ldb: ldb, beta: beta,
                    c: c + range.lowerBound * ldc, ldc: ldc)
            } else {
                // Columns j of op(B): column j of B, or row j of B when transposed.
                let bPiece = transposeB ? b + range.lowerBound * ldb : b + range.lowerBound
                run(useBLAS: useBLAS, transposeA: transposeA, transposeB: transposeB, m: m, n: range.count, k: k,
                    alpha: alpha, a: a, lda: lda, b: bPiece, ldb: ldb, beta: beta,
                    c: c + range.lowerBound, ldc: ldc)
            }
        }
        runShared(tasks: split.pieces, threads: schedule.threads, runPiece)
    }

    /// `batch` independent row-major products `C_i = alpha·op(A_i)·op(B_i) + beta·C_i`, where
    /// `A_i = a + i·strideA` (elements), likewise for `B` and `C`.
    ///
    /// A stride of 0 uses the same matrix for every item (e.g. a weight shared by all batch items);
    /// the `C_i` must not overlap each other (so `strideC == 0` needs `batch <= 1`). Items run in
    /// parallel when there are at least 2 and enough work, each as one single-threaded product;
    /// when the items do not divide evenly among the threads, items are also split by rows so the
    /// threads stay balanced. A single item goes through `multiply`.
    public static func batchedMultiply(
        batch: Int, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, strideA: Int, b: UnsafePointer<Float>, ldb: Int, strideB: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int, strideC: Int
    ) {
        batchedMultiply(batch: batch, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                        a: a, lda: lda, strideA: strideA, b: b, ldb: ldb, strideB: strideB, beta: beta,
                        c: c, ldc: ldc, strideC: strideC, schedule: .current)
    }

    /// `groups` × `batch` independent products in one parallel pass: item j of group g reads
    /// `a + g·groupStrides.a + j·strideA` (likewise B, C). Per-head products of a batch of
    /// sequences laid out (N, L, H, ·), where a sequence's heads are `strideA` apart and sequences
    /// `groupStrides.a` apart, so the N·H small products share one dispatch rather than N.
    public static func batchedMultiply(
        groups: Int, groupStrides: (a: Int, b: Int, c: Int),
        batch: Int, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, strideA: Int, b: UnsafePointer<Float>, ldb: Int, strideB: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int, strideC: Int
    ) {
        precondition(groups >= 0, "GEMM.batchedMultiply: negative group count \(groups)")
        batchedMultiply(batch: batch, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                        a: a, lda: lda, strideA: strideA, b: b, ldb: ldb, strideB: strideB, beta: beta,
                        c: c, ldc: ldc, strideC: strideC, schedule: .current, groups: groups, groupStrides: groupStrides)
    }

    /// `batchedMultiply` with an explicit schedule (backend, threads); tests call it directly.
    static func batchedMultiply(
        batch: Int, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, strideA: Int, b: UnsafePointer<Float>, ldb: Int, strideB: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, strideC: Int, schedule: Schedule,
        groups: Int = 1, groupStrides: (a: Int, b: Int, c: Int) = (0, 0, 0)
    ) {
        precondition(batch >= 0, "GEMM.batchedMultiply: negative batch \(batch)")
        precondition(batch <= 1 || strideC != 0, "GEMM.batchedMultiply: strideC == 0 would make the outputs overlap")
        validate(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc)
        guard batch > 0, groups > 0, m > 0, n > 0 else { return }
        if batch == 1 && groups == 1 {
            multiply(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                     a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, schedule: schedule)
            return
        }
        let useBLAS = schedule.usesBLAS(m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc)
        let itemFlops = flops(m: m, n: n, k: k)
        let pieces = schedule.pieces
        let minimumParallelFlops = schedule.minimumParallelFlops
        let items = groups * batch
        let total = itemFlops.multipliedReportingOverflow(by: items)
        let large = total.overflow || total.partialValue >= minimumParallelFlops

        // Pieces per item: 1, unless the items would leave cores idle at the end (e.g. 3 items
        // on 2 cores) and the items are big enough to cut by rows. Decided by the sizes and
        // `pieces` only, so every thread count computes the same calls.
        var piecesPerItem = 1
        if large && pieces > 1 && items % pieces != 0 && items < 4 * pieces {
            let wanted = (4 * pieces + items - 1) / items
            piecesPerItem = max(1, min(wanted, m / GEMM.rowQuantum, itemFlops / max(1, minimumParallelFlops / 4)))
        }
        let rowSplit = Split(pieces: piecesPerItem, byRows: true, extent: m, quantum: GEMM.rowQuantum)
        let pointers = UnsafeSendableBox((a, b, c))
        let runTask = { (task: Int) in
            let (a, b, c) = pointers.value
            let (group, item) = (task / piecesPerItem).quotientAndRemainder(dividingBy: batch)
            let rows = rowSplit.range(task % piecesPerItem)
            guard !rows.isEmpty else { return }
            let aItem = a + group * groupStrides.a + item * strideA
            let aPiece = transposeA ? aItem + rows.lowerBound : aItem + rows.lowerBound * lda
            run(useBLAS: useBLAS, transposeA: transposeA, transposeB: transposeB, m: rows.count, n: n, k: k,
                alpha: alpha, a: aPiece, lda: lda, b: b + group * groupStrides.b + item * strideB, ldb: ldb, beta: beta,
                c: c + group * groupStrides.c + item * strideC + rows.lowerBound * ldc, ldc: ldc)
        }
        runShared(tasks: items * piecesPerItem, threads: large ? schedule.threads : 1, runTask)
    }

    /// Runs `task(0..<tasks)`: on the calling thread when `threads` is 1, else spread over up to
    /// `threads` threads in contiguous ranges (which tasks run together never changes a result,
    /// since each task is one independent call on its own part of C).
    static func runShared(tasks: Int, threads: Int, _ task: (Int) -> Void) {
        let workers = min(threads, tasks)
        guard workers > 1 else {
            for index in 0..<tasks { task(index) }
            return
        }
        Parallel.runChunks(workers, threads: workers) { worker in
            for index in (tasks * worker / workers)..<(tasks * (worker + 1) / workers) { task(index) }
        }
    }

    // MARK: - Internals

    /// Checks the shapes and leading dimensions (row strides) against the stored matrix widths.
    static func validate(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, lda: Int, ldb: Int, ldc: Int) {
        precondition(m >= 0 && n >= 0 && k >= 0, "GEMM: negative size m=\(m) n=\(n) k=\(k)")
        precondition(lda >= (transposeA ? m : k), "GEMM: lda \(lda) < width of A (\(transposeA ? m : k))")
        precondition(ldb >= (transposeB ? k : n), "GEMM: ldb \(ldb) < width of B (\(transposeB ? k : n))")
        precondition(ldc >= n, "GEMM: ldc \(ldc) < width of C (\(n))")
    }

    /// 2·m·n·k, saturating instead of overflowing.
    static func flops(m: Int, n: Int, k: Int) -> Int {
        let mn = m.multipliedReportingOverflow(by: n)
        let mnk = mn.partialValue.multipliedReportingOverflow(by: max(k, 1))
        let total = mnk.partialValue.multipliedReportingOverflow(by: 2)
        return mn.overflow || mnk.overflow || total.overflow ? Int.max : total.partialValue
    }

    /// How `multiply` cuts C: `pieces` contiguous blocks of rows (or columns), boundaries on
    /// register-tile multiples (`rowQuantum` rows / `columnQuantum` columns) so no piece adds ragged
    /// edge tiles.
    struct Split: Sendable {
        /// Number of pieces (1 = run on the calling thread).
        var pieces: Int
        /// Cut rows of C (true) or columns (false).
        var byRows: Bool
        /// m when cutting rows, n when cutting columns.
        var extent: Int
        /// Piece boundaries fall on multiples of this.
        var quantum: Int

        /// The rows (or columns) of piece `piece` in `0..<pieces`; the pieces tile `0..<extent`.
        func range(_ piece: Int) -> Range<Int> {
            let units = (extent + quantum - 1) / quantum
            let start = min(extent, units * piece / pieces * quantum)
            let end = min(extent, units * (piece + 1) / pieces * quantum)
            return start..<end
        }

        /// The largest piece's share of the extent (1 for a single piece): the thread that runs it
        /// sets the product's time.
        var largestShare: Double {
            let largest = (0..<pieces).map { range($0).count }.max() ?? extent
            return extent > 0 ? Double(largest) / Double(extent) : 1
        }
    }

    /// The cut of an m×n product of `work` flops: none when small, else up to `schedule.pieces`
    /// pieces, by rows unless cutting by columns makes the largest piece clearly smaller (by at
    /// least `columnPreference` of the product). Never depends on `schedule.threads`.
    ///
    /// Rows are the default: each piece then reads only its part of A. But the weight-gradient
    /// products (Xᵀ·∂Y: m and n the layer widths, k the tokens) have few row blocks, and 64 rows
    /// cut on 24-row boundaries gave pieces of 24 and 40 rows, so one thread waited for the other
    /// a quarter of the product; 64 columns cut on 32-column boundaries are even.
    ///
    /// `keepingRows` cuts by columns whenever it can: for products the built-in GEMM runs as
    /// (Bᵀ·A)ᵀ (`kl_sgemm_runs_transposed`), whose m rows become the swapped product's columns,
    /// where 72 of 128 rows (32 + 32 + 8) would leave a panel three-quarters empty. Measured
    /// (`klt-bench gemm --shapes 128x384x64000tA --threads 2`, a 128-wide model's weight gradient
    /// over 64000 tokens): 147 GFLOP/s cut 72 + 56 rows and packing B, 196 cut 192 + 192 columns.
    static func parallelSplit(m: Int, n: Int, work: Int, schedule: Schedule, keepingRows: Bool = false) -> Split {
        let serial = Split(pieces: 1, byRows: true, extent: m, quantum: 1)
        let limit = schedule.pieces
        guard limit > 1, work >= schedule.minimumParallelFlops else { return serial }
        let rows = Split(pieces: min(limit, (m + GEMM.rowQuantum - 1) / GEMM.rowQuantum), byRows: true,
                         extent: m, quantum: GEMM.rowQuantum)
        let columns = Split(pieces: min(limit, (n + GEMM.columnQuantum - 1) / GEMM.columnQuantum), byRows: false,
                            extent: n, quantum: GEMM.columnQuantum)
        let best = keepingRows && columns.pieces > 1 || columns.largestShare + columnPreference <= rows.largestShare
            ? columns : rows
        return best.pieces > 1 ? best : serial
    }

    /// How much smaller (as a share of the product) the largest piece of a column cut must be than
    /// that of a row cut for `parallelSplit` to cut by columns. Measured on 2 threads (`klt-bench gemm
    /// --shapes … --threads 2`): 64×64×16384 Aᵀ·B ran at 159–165 GFLOP/s cut by rows (24 + 40) and
    /// 188–193 by columns (32 + 32); 128×64×16384 (rows 72 + 56, a 0.06 gap) gained nothing by
    /// columns, whose pieces each read all of A.
    static let columnPreference = 0.1

    /// One single-threaded product on the chosen backend (m, n > 0).
    @inline(__always)
    static func run(
        useBLAS: Bool, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if useBLAS && k > 0 && alpha != 0 {
            kl_blas_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha,
                          a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        } else {
            // Also when k == 0 or alpha == 0 (C = beta·C), which spares OpenBLAS's lda >= 1 checks.
            kl_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        }
    }
}
