import CKLKernels
import Foundation
import KLTensor

/// `klt-bench gemm [--sizes 64,128,…] [--threads 1,2] [--trials 5] [--no-wait]`: square single-precision
/// products C = A·B (n×n×n), GFLOP/s = 2n³ / seconds, best of `trials` trials of ≥ 0.2 s each, for
///
/// - "OpenBLAS via GEMM.multiply": the library's default path (OpenBLAS single-threaded per call,
///   split across `Parallel.threadCount` threads by KLTensor);
/// - "built-in GEMM via GEMM.multiply": the same with `ComputeBackend.prefersBuiltIn = true`;
/// - "OpenBLAS direct": the reference, one `kl_blas_sgemm` call with OpenBLAS's own threads
///   (`openblas_set_num_threads(t)`), at the core KLTensor loaded it with.
///
/// Ends with default-path ÷ reference for n = 512 and 1024 on 2 threads.
func runGEMMBenchmark(arguments: [String]) {
    if let shapes = BenchmarkArguments.list("--shapes", in: arguments) {
        runGEMMShapeBenchmark(shapes: shapes, arguments: arguments)
        return
    }
    let sizes = BenchmarkArguments.list("--sizes", in: arguments)?.compactMap { Int($0) } ?? [64, 128, 256, 512, 1024, 2048]
    let threadCounts = BenchmarkArguments.list("--threads", in: arguments)?.compactMap { Int($0) } ?? [1, 2]
    let trials = BenchmarkArguments.integer("--trials", in: arguments) ?? 5
    let machineThreads = Parallel.threadCount
    let backend = ComputeBackend.current
    let blasLoaded: Bool
    if case .openBLAS = backend { blasLoaded = true } else { blasLoaded = false }

    print("GEMM benchmark: square n×n×n sgemm, row-major, GFLOP/s = 2n³/t, best of \(trials) trials (each ≥ 0.2 s)")
    print("ComputeBackend.current: \(backend)")
    if blasLoaded { print("OpenBLAS config: \(String(cString: kl_blas_config()))") }
    ComputeBackend.prefersBuiltIn = true
    print("Built-in path: \(ComputeBackend.current)")
    ComputeBackend.prefersBuiltIn = false
    // Read after loading: kl_blas_load sets it to SkylakeX on AVX-512 CPUs when the user had not.
    let coreType = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "(unset)"
    print("Machine threads (Parallel.threadCount default): \(machineThreads); OPENBLAS_CORETYPE as OpenBLAS saw it: \(coreType)")
    if !arguments.contains("--no-wait") { waitForIdleMachine() }

    struct Row { var name: String; var threads: Int; var rates: [Int: Double] = [:] }
    var rows: [Row] = []
    let maxSize = sizes.max() ?? 0
    let a = UnsafeMutablePointer<Float>.allocate(capacity: maxSize * maxSize)
    let b = UnsafeMutablePointer<Float>.allocate(capacity: maxSize * maxSize)
    let c = UnsafeMutablePointer<Float>.allocate(capacity: maxSize * maxSize)
    defer { a.deallocate(); b.deallocate(); c.deallocate() }
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    for i in 0..<(maxSize * maxSize) {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        a[i] = Float(Int(state >> 40) % 2001 - 1000) / 1000
        state = state &* 6364136223846793005 &+ 1442695040888963407
        b[i] = Float(Int(state >> 40) % 2001 - 1000) / 1000
    }

    for threads in threadCounts {
        var viaGEMM = Row(name: blasLoaded ? "OpenBLAS (core \(coreName(backend))) via GEMM.multiply" : "(no OpenBLAS) GEMM.multiply", threads: threads)
        var builtIn = Row(name: "built-in GEMM via GEMM.multiply", threads: threads)
        var direct = Row(name: "OpenBLAS (core \(coreName(backend))) direct, its own threads", threads: threads)
        for n in sizes {
            Parallel.threadCount = threads
            let product = {
                GEMM.multiply(transposeA: false, transposeB: false, m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, c: c, ldc: n)
            }
            if blasLoaded {
                ComputeBackend.prefersBuiltIn = false
                viaGEMM.rates[n] = rate(n: n, trials: trials, product)
            }
            ComputeBackend.prefersBuiltIn = true
            builtIn.rates[n] = rate(n: n, trials: trials, product)
            ComputeBackend.prefersBuiltIn = false
            Parallel.threadCount = machineThreads
            if blasLoaded {
                kl_blas_set_threads(Int32(threads))
                direct.rates[n] = rate(n: n, trials: trials) {
                    kl_blas_sgemm(0, 0, Int32(n), Int32(n), Int32(n), 1, a, Int32(n), b, Int32(n), 0, c, Int32(n))
                }
                kl_blas_set_threads(1)
            }
            let done = [viaGEMM, builtIn, direct].compactMap { $0.rates[n] }.map { format($0, decimals: 1) }
            FileHandle.standardError.write(Data("  n=\(n) threads=\(threads): \(done.joined(separator: " / "))\n".utf8))
        }
        rows += blasLoaded ? [viaGEMM, builtIn, direct] : [builtIn]
    }
    Parallel.threadCount = machineThreads
    ComputeBackend.prefersBuiltIn = false

    print("")
    print("| path | threads | " + sizes.map { "n=\($0)" }.joined(separator: " | ") + " |")
    print("|---|---|" + String(repeating: "---|", count: sizes.count))
    for row in rows {
        let cells = sizes.map { row.rates[$0].map { format($0, decimals: 1) } ?? "–" }
        print("| \(row.name) | \(row.threads) | " + cells.joined(separator: " | ") + " |")
    }
    if blasLoaded, let twoThreads = threadCounts.first(where: { $0 == 2 }) {
        print("")
        for n in [512, 1024] where sizes.contains(n) {
            let ours = rows.first { $0.threads == twoThreads && $0.name.hasPrefix("OpenBLAS") && $0.name.hasSuffix("via GEMM.multiply") }?.rates[n]
            let reference = rows.first { $0.threads == twoThreads && $0.name.hasSuffix("its own threads") }?.rates[n]
            let builtIn = rows.first { $0.threads == twoThreads && $0.name.hasPrefix("built-in") }?.rates[n]
            if let ours, let reference, let builtIn {
                print("n=\(n), 2 threads: default path ÷ reference = \(format(ours / reference))×; built-in GEMM ÷ reference = \(format(builtIn / reference))×")
            }
        }
    }
}

/// The core name inside `.openBLAS(core:)`, or "–".
private func coreName(_ backend: ComputeBackend) -> String {
    if case .openBLAS(let core) = backend { return core }
    return "–"
}

/// GEMM GFLOP/s of `product` (an n×n×n product): best of `trials` trials, each repeating the
/// product enough times to take about 0.2 s.
private func rate(n: Int, trials: Int, _ product: () -> Void) -> Double {
    rate(flops: 2 * Double(n) * Double(n) * Double(n), trials: trials, product)
}

/// GEMM GFLOP/s of `product`, a product of `flops` floating-point operations: best of `trials`
/// trials, each repeating the product enough times to take about 0.2 s.
func rate(flops: Double, trials: Int, _ product: () -> Void) -> Double {
    let single = BenchmarkTimer.best(of: 1, product)
    let repetitions = max(1, Int((0.2 / max(single, 1e-9)).rounded(.up)))
    let best = BenchmarkTimer.best(of: trials) {
        for _ in 0..<repetitions { product() }
    } / Double(repetitions)
    return flops / best / 1e9
}

/// Waits (at most 60 s) until the machine's CPUs are ≥ 90 % idle for 3 seconds in a row, since it
/// is shared; reads /proc/stat, so it does nothing where that file does not exist.
func waitForIdleMachine() {
    func sample() -> (idle: Double, total: Double)? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = text.split(separator: "\n").first, line.hasPrefix("cpu ") else { return nil }
        let fields = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard fields.count >= 5 else { return nil }
        return (fields[3] + fields[4], fields.reduce(0, +))
    }
    guard var previous = sample() else { return }
    var quietSeconds = 0
    for _ in 0..<60 {
        Thread.sleep(forTimeInterval: 1)
        guard let now = sample() else { return }
        let total = now.total - previous.total
        let idle = total > 0 ? (now.idle - previous.idle) / total : 1
        previous = now
        quietSeconds = idle >= 0.9 ? quietSeconds + 1 : 0
        if quietSeconds >= 3 { return }
    }
    print("(machine still busy after 60 s; timing anyway)")
}
