import Foundation
import KLTensor
import KLTraining
import KLTransformer

/// `klt-bench training [--length 2000] [--batch 32] [--steps 3] [--preset cpu] [--kernels …]
/// [--width W] [--heads H] [--head-dim D] [--ff F] [--layers N] [--classifier C] [--features M] [--dropout P]`:
/// training throughput (tokens per second through forward, backward and the AdamW update) of a
/// ListOps-shaped classifier, for softmax and every named kernel (or the given ones, which may be
/// `COMPONENT+SOURCE` pairs of the grid, or `grid` for all of them), measured in one run. The size
/// options override the preset's, so any peer's configuration can be measured (`bench/peers.sh`);
/// `--features` is the kernel's feature-count argument (`klt train --features`); `--dropout` sets
/// both the residual and the attention dropout (the peers' models have none).
func runTrainingBenchmark(arguments: [String]) {
    let length = BenchmarkArguments.integer("--length", in: arguments) ?? 2000
    let batch = BenchmarkArguments.integer("--batch", in: arguments) ?? 32
    let steps = BenchmarkArguments.integer("--steps", in: arguments) ?? 3
    let presetName = BenchmarkArguments.value("--preset", in: arguments) ?? "cpu"
    guard let preset = EncoderConfiguration.Preset(rawValue: presetName) else {
        FileHandle.standardError.write(Data("klt-bench: unknown --preset '\(presetName)'\n".utf8))
        exit(2)
    }
    let names = (BenchmarkArguments.list("--kernels", in: arguments) ?? Kernel.allCases.map(\.rawValue)).flatMap { name in
        name == "grid" ? ["softmax"] + RandomFeatureKernel.all.map(\.name) : [name]
    }
    let kernels = names.map { name -> AttentionKernel in
        guard let kernel = AttentionKernel(named: name) else {
            FileHandle.standardError.write(Data("klt-bench: \(AttentionKernel.refusal(forName: name))\n".utf8))
            exit(2)
        }
        return kernel
    }
    let sizes: [(option: String, keyPath: WritableKeyPath<EncoderConfiguration, Int>)] = [
        ("--width", \.modelDimension), ("--heads", \.heads), ("--head-dim", \.headDimension), ("--ff", \.feedForwardDimension),
        ("--layers", \.layers), ("--classifier", \.classifierDimension),
    ]
    let overrides = sizes.compactMap { size in BenchmarkArguments.integer(size.option, in: arguments).map { (size.keyPath, $0) } }
    let features = BenchmarkArguments.integer("--features", in: arguments)
    let dropout = BenchmarkArguments.value("--dropout", in: arguments).map { text -> Float in
        guard let p = Float(text), p >= 0, p < 1 else {
            FileHandle.standardError.write(Data("klt-bench: --dropout expects a probability in [0, 1), got '\(text)'\n".utf8))
            exit(2)
        }
        return p
    }
    print("Training throughput: \(presetName) preset, batch \(batch) × \(length) tokens, best of \(steps) steps after one warm-up; \(ComputeBackend.current), vector ISA \(VectorMath.instructionSet), \(Parallel.threadCount) threads")
    func configuration(kernel: String) -> EncoderConfiguration {
        var c = EncoderConfiguration.preset(preset, vocabularySize: 17, maxLength: length, classes: 10, kernel: kernel)
        for (keyPath, value) in overrides { c[keyPath: keyPath] = value }
        c.featureDimensionsArgument = features
        if let dropout { (c.dropout, c.attentionDropout) = (dropout, dropout) }
        return c
    }
    let c = configuration(kernel: "softmax")
    print("Model: width \(c.modelDimension), \(c.heads) heads × \(c.headDimension), FFN \(c.feedForwardDimension), \(c.layers) layers, classifier \(c.classifierDimension), dropout \(c.dropout), attention dropout \(c.attentionDropout)\(features.map { ", --features \($0)" } ?? "")")
    print("| kernel | features/head | s/step | tokens/s | peak tensor MB | × softmax speed |")
    print("|---|---|---|---|---|---|")
    var generator = RandomGenerator(seed: 1)
    let tokens = (0..<(batch * length)).map { _ in 1 + generator.nextInt(below: 16) }
    let labels = (0..<batch).map { _ in generator.nextInt(below: 10) }
    var softmaxSeconds: Double?
    for kernel in kernels {
        let configuration = configuration(kernel: kernel.name)
        let model: SequenceClassifier
        do {
            try configuration.validate()
            model = try SequenceClassifier(configuration: configuration, seed: 2)
        } catch {
            print("| \(kernel.name) | skipped: \(error) | | | | |")
            continue
        }
        let optimizer = AdamW(parameters: model.parameters)
        var context = ForwardContext(training: true, seed: 3)
        let step = {
            let logits = model(tokens: tokens, batch: batch, length: length, lengths: Array(repeating: length, count: batch),
                               context: &context)
            try! Tensor.crossEntropy(logits: logits, labels: labels).backward()
            optimizer.update(learningRate: 1e-4)
        }
        let baseline = TensorMemory.currentBytes
        TensorMemory.resetPeak()
        step()
        let peak = Double(TensorMemory.peakBytes - baseline) / 1e6
        let seconds = (0..<steps).map { _ in BenchmarkTimer.seconds(step) }.min()!
        if kernel == .named(.softmax) { softmaxSeconds = seconds }
        let features = model.featureMaps.first.map { "\($0.featureCount * $0.mixtureComponents)" } ?? "–"
        let ratio = softmaxSeconds.map { format($0 / seconds, decimals: 1) + "×" } ?? "–"
        defer { fflush(nil) }
        print("| \(kernel.name) | \(features) | \(format(seconds, decimals: 3)) | \(Int(Double(batch * length) / seconds)) | \(format(peak, decimals: 0)) | \(ratio) |")
    }
}
