import Foundation
import KLTensor

/// `klt-bench gemm --shapes 2048x16x64,64x16x2048tA,… [--threads 1] [--trials 5] [--no-wait]`: GFLOP/s
/// of the built-in GEMM against OpenBLAS (both through `GEMM.multiply`, on one thread unless
/// `--threads` says more, where `GEMM` cuts each product into pieces for them) on the given
/// m×n×k products, `tA`/`tB` marking a transposed A/B, trials alternating between the two, and
/// their ratio (> 1: the built-in GEMM is faster). These are the shapes a training step runs
/// (token×d×d projections, d×M feature projections, per-head M×d products), where the packing
/// that suits square products costs most.
func runGEMMShapeBenchmark(shapes: [String], arguments: [String]) {
    let trials = BenchmarkArguments.integer("--trials", in: arguments) ?? 5
    let productThreads = BenchmarkArguments.integer("--threads", in: arguments) ?? 1
    guard productThreads >= 1 else {
        FileHandle.standardError.write(Data("klt-bench gemm: --threads must be at least 1, got \(productThreads)\n".utf8))
        exit(2)
    }
    let parsed = shapes.map { text -> (m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool) in
        let transposeA = text.contains("tA"), transposeB = text.contains("tB")
        let sizes = text.replacingOccurrences(of: "tA", with: "").replacingOccurrences(of: "tB", with: "")
            .split(separator: "x").compactMap { Int($0) }
        guard sizes.count == 3, sizes.allSatisfy({ $0 > 0 }) else {
            FileHandle.standardError.write(Data("klt-bench gemm: --shapes: '\(text)' is not MxNxK[tA][tB] with positive sizes\n".utf8))
            exit(2)
        }
        return (sizes[0], sizes[1], sizes[2], transposeA, transposeB)
    }
    let backend = ComputeBackend.current
    guard case .openBLAS = backend else {
        print("klt-bench gemm --shapes compares against OpenBLAS, which is not loaded (\(backend))")
        return
    }
    ComputeBackend.prefersBuiltIn = true
    print("GEMM shapes: \(ComputeBackend.current) against \(backend), \(productThreads) thread\(productThreads == 1 ? "" : "s"), best of \(trials) alternated trials (each ≥ 0.2 s)")
    ComputeBackend.prefersBuiltIn = false
    if !arguments.contains("--no-wait") { waitForIdleMachine() }
    let threads = Parallel.threadCount
    Parallel.threadCount = productThreads
    defer { Parallel.threadCount = threads; ComputeBackend.prefersBuiltIn = false }

    print("")
    print("| m×n×k | op | built-in GFLOP/s | OpenBLAS GFLOP/s | built-in ÷ OpenBLAS |")
    print("|---|---|---|---|---|")
    for shape in parsed {
        let a = [Float](repeating: 0.5, count: shape.m * shape.k), b = [Float](repeating: 0.25, count: shape.k * shape.n)
        var c = [Float](repeating: 0, count: shape.m * shape.n)
        let flops = 2 * Double(shape.m) * Double(shape.n) * Double(shape.k)
        var best = (builtIn: 0.0, openBLAS: 0.0)
        for _ in 0..<trials {
            for builtIn in [true, false] {
                ComputeBackend.prefersBuiltIn = builtIn
                let measured = rate(flops: flops, trials: 1) {
                    GEMM.multiply(transposeA: shape.transposeA, transposeB: shape.transposeB, m: shape.m, n: shape.n, k: shape.k,
                                  a: a, lda: shape.transposeA ? shape.m : shape.k, b: b, ldb: shape.transposeB ? shape.k : shape.n,
                                  c: &c, ldc: shape.n)
                }
                if builtIn { best.builtIn = max(best.builtIn, measured) } else { best.openBLAS = max(best.openBLAS, measured) }
            }
        }
        let op = (shape.transposeA ? "Aᵀ" : "A") + "·" + (shape.transposeB ? "Bᵀ" : "B")
        print("| \(shape.m)×\(shape.n)×\(shape.k) | \(op) | \(format(best.builtIn, decimals: 1)) | \(format(best.openBLAS, decimals: 1)) | \(format(best.builtIn / best.openBLAS))× |")
    }
}
