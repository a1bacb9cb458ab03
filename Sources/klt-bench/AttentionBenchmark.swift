import Foundation
import KLTensor
import KLTransformer

/// `klt-bench attention [--lengths 256,…] [--kernels GMM-PRF,…] [--features N] [--csv FILE] [--memory-budget GB]`:
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
    let (heads, d) = (8, 64)
    print("Attention forward+backward, batch 1, \(heads) heads × \(d); backend \(ComputeBackend.current), vector ISA \(VectorMath.instructionSet), \(Parallel.threadCount) threads")
    print("FAVOR+ variants use \(favorFeatures) features; other kernels use the official ListOps feature counts (spec §2.2).")
    var rows: [String] = ["kernel,length,features,seconds,peak_megabytes,status"]
    var table: [Kernel: [Int: (Double, Double)]] = [:]
    for length in lengths {
        for kernel in kernels {
            var generator = RandomGenerator(seed: 7)
            let featureMap: (any FeatureMap)?
            if kernel == .softmax {
                featureMap = nil
                // scores, probabilities, their gradients: about four (H, L, L) float tensors
                if 4.0 * Double(heads * length * length) * 4 > budget {
                    rows.append("softmax,\(length),,,,skipped: needs ~\(Int(16.0 * Double(heads * length * length) / 1e9)) GB")
                    print("softmax L=\(length): skipped (its L×L matrices need ~\(Int(16.0 * Double(heads * length * length) / 1e9)) GB)")
                    fflush(nil)
                    continue
                }
            } else {
                let favorLike = kernel == .favor || kernel == .favorExp || kernel == .gaussianPRF
                let config = KernelConfiguration(kernel: kernel, headDimension: d, heads: heads, maxLength: length + 1,
                                                 dimensionsArgument: favorLike ? (kernel == .favorExp ? 2 * favorFeatures : favorFeatures) : nil,
                                                 seed: 11)
                featureMap = config.makeFeatureMap(generator: &generator)
                // φ(Q), φ(K), their gradients and the feature map's intermediates: about eight (L, H, C·m) tensors.
                let width = (featureMap?.featureCount ?? d) * (featureMap?.mixtureComponents ?? 1)
                let estimate = 8.0 * Double(length * heads * width) * 4
                if estimate > budget {
                    let note = "skipped: needs ~\(Int(estimate / 1e9)) GB"
                    rows.append("\(kernel.rawValue),\(length),\(width),,,\(note)")
                    print("\(kernel.rawValue) L=\(length): \(note) (\(width) features per head)")
                    fflush(nil)
                    continue
                }
            }
            let q = Tensor.randomNormal([1, length, heads, d], standardDeviation: 0.5, generator: &generator, requiresGrad: true)
            let k = Tensor.randomNormal([1, length, heads, d], standardDeviation: 0.5, generator: &generator, requiresGrad: true)
            let v = Tensor.randomNormal([1, length, heads, d], generator: &generator, requiresGrad: true)
            let projection = Tensor.randomNormal([1, length, heads, d], generator: &generator)
            var context = ForwardContext(training: true, seed: 3)
            let pass = {
                let out: Tensor
                if let featureMap {
                    featureMap.prepareForward(training: true)
                    out = LinearAttention.attend(queries: featureMap.features(q, isQuery: true, training: true),
                                                 keys: featureMap.features(k, isQuery: false, training: true), values: v)
                } else {
                    out = SoftmaxAttention.attend(queries: q, keys: k, values: v, context: &context)
                }
                try! (out * projection).sum().backward()
                for tensor in [q, k, v] + (featureMap?.parameters.map(\.tensor) ?? []) { tensor.zeroGrad() }
            }
            let baseline = TensorMemory.currentBytes
            TensorMemory.resetPeak()
            pass()
            let peak = Double(TensorMemory.peakBytes - baseline) / 1e6
            let trials = length >= 8192 ? 2 : 3
            let seconds = (0..<trials).map { _ in BenchmarkTimer.seconds(pass) }.min()!
            let features = featureMap.map { $0.featureCount * $0.mixtureComponents } ?? length
            rows.append("\(kernel.rawValue),\(length),\(features),\(seconds),\(peak),ok")
            table[kernel, default: [:]][length] = (seconds, peak)
            print("\(kernel.rawValue) L=\(length): \(format(seconds * 1000, decimals: 1)) ms, peak \(format(peak, decimals: 1)) MB")
            fflush(nil)
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
