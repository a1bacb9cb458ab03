import Foundation
import KLExperiments
import KLTensor
import KLTransformer

/// `klt-bench attention [--lengths 256,…] [--kernels GMM-PRF,…] [--features N] [--csv FILE] [--memory-budget GB] [--plot F.svg]`:
/// forward + backward time and peak tensor memory of one attention call (batch 1, 8 heads × 64)
/// against sequence length, for softmax and every kernel, in one run. Softmax is skipped (and marked
/// so) where its L×L matrices would not fit in the memory budget.
///
/// What is timed: φ(Q), φ(K) (with the kernel's learned parameters) and the attention itself, then
/// `backward()` from Σ out ⊙ R to Q, K, V and the kernel parameters. The Q/K/V projections are left
/// out: they are the same for every kernel.
func runAttentionBenchmark(arguments: [String]) {
    let lengths = BenchmarkArguments.list("--lengths", in: arguments)?.compactMap { Int($0) }
        ?? [256, 512, 1024, 2048, 4096, 8192, 16384]
    let kernelNames = BenchmarkArguments.list("--kernels", in: arguments) ?? Kernel.allCases.map(\.rawValue)
    let kernels: [Kernel] = kernelNames.map { name in
        guard let kernel = Kernel(named: name) else {
            FileHandle.standardError.write(Data("klt-bench: unknown kernel '\(name)'; see `klt kernels`\n".utf8))
            exit(2)
        }
        return kernel
    }
    let favorFeatures = BenchmarkArguments.integer("--features", in: arguments) ?? 256
    let budget = Double(BenchmarkArguments.integer("--memory-budget", in: arguments) ?? 12) * 1e9
    let csvPath = BenchmarkArguments.value("--csv", in: arguments) ?? "attention-benchmark.csv"
    let plotPath = BenchmarkArguments.value("--plot", in: arguments)
    print("Attention forward+backward, batch 1, 8 heads × 64; backend \(ComputeBackend.current), vector ISA \(VectorMath.instructionSet), \(Parallel.threadCount) threads")
    print("FAVOR+ variants use \(favorFeatures) features; other kernels use the official ListOps counts (spec §2.2).")
    var rows: [String] = ["kernel,length,features,seconds,peak_megabytes,status"]
    var table: [Kernel: [Int: (Double, Double)]] = [:]
    var costs: [AttentionCost] = []
    for length in lengths {
        for kernel in kernels {
            let cost = AttentionCost.measure(kernel, length: length, favorFeatures: favorFeatures, memoryBudget: budget,
                                             trials: length >= 8192 ? 2 : 3)
            costs.append(cost)
            guard let seconds = cost.seconds, let peakBytes = cost.peakBytes else {
                rows.append("\(kernel.rawValue),\(length),\(cost.features),,,skipped: \(cost.skipped ?? "")")
                print("\(kernel.rawValue) L=\(length): skipped (\(cost.skipped ?? ""))")
                fflush(nil)
                continue
            }
            let peak = peakBytes / 1e6
            rows.append("\(kernel.rawValue),\(length),\(cost.features),\(seconds),\(peak),ok")
            table[kernel, default: [:]][length] = (seconds, peak)
            print("\(kernel.rawValue) L=\(length): \(format(seconds * 1000, decimals: 1)) ms, peak \(format(peak, decimals: 1)) MB")
            fflush(nil)
        }
    }
    if let plotPath {
        do {
            try EfficiencyFigure.svg(costs, title: "Attention forward + backward against length (\(ComputeBackend.current), \(Parallel.threadCount) threads)")
                .write(toFile: plotPath, atomically: true, encoding: .utf8)
            print("wrote \(plotPath)")
        } catch {
            FileHandle.standardError.write(Data("klt-bench: cannot write \(plotPath): \(error)\n".utf8))
        }
        print("\nFitted slopes (exponent of L over the \(EfficiencyFigure.fittedLengths) longest lengths): time, memory")
        for (kernel, time, memory) in EfficiencyFigure.slopes(costs) {
            print("\(kernel): \(time.map { format($0) } ?? "—"), \(memory.map { format($0) } ?? "—")")
        }
    }
    do {
        try rows.joined(separator: "\n").appending("\n").write(toFile: csvPath, atomically: true, encoding: .utf8)
        print("wrote \(csvPath)")
    } catch {
        FileHandle.standardError.write(Data("klt-bench: cannot write \(csvPath): \(error)\n".utf8))
    }
    printAttentionSummary(table, lengths: lengths)
}

/// Markdown tables of time and memory, and the ratios against softmax at each length.
private func printAttentionSummary(_ table: [Kernel: [Int: (Double, Double)]], lengths: [Int]) {
    let kernels = Kernel.allCases.filter { table[$0] != nil }
    print("\n| kernel | " + lengths.map { "L=\($0) ms (MB)" }.joined(separator: " | ") + " |")
    print("|---|" + lengths.map { _ in "---" }.joined(separator: "|") + "|")
    for kernel in kernels {
        let cells = lengths.map { length in
            table[kernel]?[length].map { "\(format($0.0 * 1000, decimals: 1)) (\(format($0.1, decimals: 0)))" } ?? "skipped"
        }
        print("| \(kernel.rawValue) | " + cells.joined(separator: " | ") + " |")
    }
    guard let softmax = table[.softmax] else { return }
    print("\nSpeed-up and memory ratio against softmax (same run):")
    print("| kernel | " + lengths.filter { softmax[$0] != nil }.map { "L=\($0) speed-up, memory ÷" }.joined(separator: " | ") + " |")
    print("|---|" + lengths.filter { softmax[$0] != nil }.map { _ in "---" }.joined(separator: "|") + "|")
    for kernel in kernels where kernel != .softmax {
        let cells = lengths.filter { softmax[$0] != nil }.map { length -> String in
            guard let s = softmax[length], let k = table[kernel]?[length] else { return "–" }
            return "\(format(s.0 / k.0, decimals: 1))×, \(format(s.1 / max(k.1, 1e-9), decimals: 1))×"
        }
        print("| \(kernel.rawValue) | " + cells.joined(separator: " | ") + " |")
    }
    for kernel in kernels where kernel != .softmax {
        if let small = table[kernel]?[4096]?.1, let large = table[kernel]?[16384]?.1 {
            print("\(kernel.rawValue): memory at L=16384 ÷ memory at L=4096 = \(format(large / small, decimals: 2))")
        }
    }
}
