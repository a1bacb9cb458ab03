import Foundation
import KLExperiments
import KLTensor
import KLTransformer

/// `klt-bench generation [--positions 128,…,16384] [--kernels softmax,…] [--preset cpu] [--vocabulary 2000] [--window 64] [--csv FILE] [--plot F.svg]`:
/// time per generated token and decoding-state memory against position for softmax and every
/// kernel, in one run: linear kernels decode from a constant recurrent state, softmax from a
/// key-value cache that grows.
func runGenerationBenchmark(arguments: [String]) {
    let positions = BenchmarkArguments.list("--positions", in: arguments)?.compactMap { Int($0) }
        ?? [128, 256, 512, 1024, 2048, 4096, 8192, 16384]
    let kernels = BenchmarkArguments.list("--kernels", in: arguments)
        ?? Kernel.allCases.map(\.rawValue)
    let presetName = BenchmarkArguments.value("--preset", in: arguments) ?? EncoderConfiguration.Preset.cpu.rawValue
    guard let preset = EncoderConfiguration.Preset(rawValue: presetName), let last = positions.max(), last >= 1 else {
        FileHandle.standardError.write(Data("klt-bench generation: unknown --preset '\(presetName)' or no --positions\n".utf8))
        exit(2)
    }
    let vocabulary = BenchmarkArguments.integer("--vocabulary", in: arguments) ?? 2000
    let window = BenchmarkArguments.integer("--window", in: arguments) ?? 64
    let csvPath = BenchmarkArguments.value("--csv", in: arguments) ?? "generation-benchmark.csv"
    var configuration = EncoderConfiguration.preset(preset, vocabularySize: vocabulary, maxLength: last, classes: 2)
    configuration.kernelPreset = .text
    print("Generation, one sequence, \(presetName) preset (\(configuration.layers) layers × width \(configuration.modelDimension), \(configuration.heads) heads × \(configuration.headDimension)), vocabulary \(vocabulary); backend \(ComputeBackend.current), \(Parallel.threadCount) threads")
    print(GenerationCost.method)
    var costs: [GenerationCost] = []
    for kernel in kernels {
        do {
            let measured = try GenerationCost.measure(kernel, configuration: configuration, positions: positions, window: window)
            costs += measured
            print("\(measured.first?.kernel ?? kernel): " + measured.map { "\($0.position): \(format($0.secondsPerToken * 1000, decimals: 3)) ms, \(format($0.stateBytes / 1024, decimals: 0)) KB" }.joined(separator: "; "))
        } catch {
            print("\(kernel): skipped (\(error))")
        }
        fflush(nil)
    }
    let rows = ["kernel,position,seconds_per_token,state_bytes"] + costs.map { "\($0.kernel),\($0.position),\($0.secondsPerToken),\($0.stateBytes)" }
    do {
        try rows.joined(separator: "\n").appending("\n").write(toFile: csvPath, atomically: true, encoding: .utf8)
        print("wrote \(csvPath)")
        if let plotPath = BenchmarkArguments.value("--plot", in: arguments) {
            try GenerationFigure.svg(costs, title: "Generating one token against position (\(ComputeBackend.current), \(Parallel.threadCount) threads)")
                .write(toFile: plotPath, atomically: true, encoding: .utf8)
            print("wrote \(plotPath)")
        }
    } catch {
        FileHandle.standardError.write(Data("klt-bench generation: cannot write: \(error)\n".utf8))
    }
    print("\n| kernel | " + positions.map { "\($0) ms/token (KB)" }.joined(separator: " | ") + " | slope time, memory |")
    print("|---|" + positions.map { _ in "---" }.joined(separator: "|") + "|---|")
    for (kernel, time, memory) in GenerationFigure.slopes(costs) {
        let cells = positions.map { position in
            costs.first { $0.kernel == kernel && $0.position == position }
                .map { "\(format($0.secondsPerToken * 1000, decimals: 3)) (\(format($0.stateBytes / 1024, decimals: 0)))" } ?? "–"
        }
        print("| \(kernel) | " + cells.joined(separator: " | ") + " | \(time.map { format($0) } ?? "–"), \(memory.map { format($0) } ?? "–") |")
    }
}
