import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import KLTasks
import KLTensor
import KLTestSupport
@testable import KLTraining
import KLCharts
import KLTransformer
import Testing
@testable import KLExperiments

/// `klt inspect`'s library on a tiny GMM-PRF model trained here for a few dozen steps: the initial
/// distribution rebuilt from the seed, the approximation error against the number of frequencies,
/// the learned kernel's closed form, the captured queries and keys, the charts, and refusals.
@Suite struct KernelInspectionTests {
    /// `count` random sequences of 4…12 tokens whose label is their first token mod 3.
    static func examples(_ count: Int, seed: UInt64) -> [ClassificationExample] {
        var data = TestData(seed: seed)
        return (0..<count).map { _ in
            let length = 4 + Int(data.nextUInt64() % 9)
            let tokens = (0..<length).map { _ in 1 + Int(data.nextUInt64() % 9) }
            return ClassificationExample(tokens: tokens, label: tokens[0] % 3)
        }
    }

    static let heads = 4

    /// A tiny GMM-PRF model whose projections widen (width 4 → 4 heads × 8, Xavier variance 2/(4 + 32)), so
    /// that ‖q̃ + k̃‖ stays small and positive random features reach their 1/√M regime by M ≈ 100.
    static func configuration(kernel: Kernel = .gmmPRF) -> EncoderConfiguration {
        EncoderConfiguration(vocabularySize: 10, maxLength: 12, modelDimension: 4, heads: heads, headDimension: 8, feedForwardDimension: 16,
                             layers: 2, classifierDimension: 8, classes: 3, dropout: 0, attentionDropout: 0, kernel: kernel.rawValue)
    }

    static let modelSeed: UInt64 = 2

    /// A trained run: its folder, best checkpoint, the kernel parameters before training, and data.
    struct Run {
        let directory: URL
        let checkpoint: URL
        let untrainedKernelParameters: [[Float]]
        let validation: [ClassificationExample]

        func batches(_ size: Int = 8) -> [ClassificationBatch] { Array(Batcher(examples: validation, batchSize: size).sequentialBatches()) }
        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    /// Trains the tiny model for 40 steps and writes its checkpoints and run.json.
    static func trainedRun() throws -> Run {
        let train = examples(48, seed: 1), validation = examples(16, seed: 2)
        let model = try SequenceClassifier(configuration: configuration(), seed: modelSeed)
        let untrained = model.featureMaps.flatMap { $0.parameters.map(\.tensor.scalars) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("klt-inspect-\(UUID().uuidString)")
        let settings = TrainingSettings(steps: 40, batchSize: 8, schedule: .constant(3e-3), clipNorm: 1, evaluationInterval: 20, seed: 5)
        let trainer = try Trainer(model: model, train: train, validation: validation, test: nil, settings: settings, runDirectory: directory,
                                  progress: ProgressReporter(enabled: false))
        try trainer.run()
        try RunRecord(arguments: ["train"], task: "listops", kernel: Kernel.gmmPRF.rawValue, seed: modelSeed, preset: "test", threads: 1,
                      backend: "test", configuration: configuration(), settings: settings).write(to: directory)
        return Run(directory: directory, checkpoint: trainer.bestCheckpointURL, untrainedKernelParameters: untrained, validation: validation)
    }

    static func settings(redraws: Int = 6) -> InspectionSettings {
        InspectionSettings(frequencies: [8, 16, 32, 64, 128, 256, 512, 1024], redraws: redraws, tokenBudget: 64,
                           monteCarloFrequencies: 4096, generatorSamples: 256, profilePoints: 21, seed: 3)
    }

    @Test func initialDistributionRebuiltFromTheSeedEqualsTheUntrainedModel() throws {
        let run = try Self.trainedRun()
        defer { run.remove() }
        let checkpoint = try InspectedCheckpoint(url: run.checkpoint)
        #expect(checkpoint.seed == Self.modelSeed && checkpoint.seedSource == "run.json")
        let rebuilt = checkpoint.initialMaps.flatMap { $0.parameters.map(\.tensor.scalars) }
        #expect(rebuilt == run.untrainedKernelParameters)
        let trained = checkpoint.trainedMaps.flatMap { $0.parameters.map(\.tensor.scalars) }
        #expect(trained != run.untrainedKernelParameters, "training moved the spectral parameters")
        // The snapshot the charts and summary use holds exactly those numbers.
        let inspection = KernelInspection(checkpoint: checkpoint, batches: [], settings: Self.settings())
        guard case .gaussian(let spectrum) = inspection.layers[0].initial else { Issue.record("not a Gaussian spectrum"); return }
        let map = try #require((checkpoint.initialMaps[0] as? RandomFeatureMap)?.spectrum as? LearnedGaussianSpectrum)
        #expect(spectrum.components.flatMap(\.mean) == map.mean.scalars.map(Double.init))
        #expect(spectrum.components.flatMap(\.variance) == map.logVariance.scalars.map { exp(Double($0)) })
        // Without run.json the checkpoint's training seed (5) is tried and refused: it does not rebuild the model.
        try FileManager.default.removeItem(at: run.directory.appendingPathComponent(RunRecord.fileName))
        #expect { try InspectedCheckpoint(url: run.checkpoint) } throws: { error in
            guard case KernelInspectionError.seedMismatch = error else { return false }
            return "\(error)".contains(run.checkpoint.path) && "\(error)".contains("--seed")
        }
        #expect(try InspectedCheckpoint(url: run.checkpoint, seed: Self.modelSeed).seedSource == "--seed")
    }

    @Test func approximationErrorFallsLikeOneOverRootM() throws {
        let run = try Self.trainedRun()
        defer { run.remove() }
        let inspection = KernelInspection(checkpoint: try InspectedCheckpoint(url: run.checkpoint), batches: run.batches(),
                                          settings: Self.settings(redraws: 12))
        #expect(inspection.capturedTokens == 64)
        #expect(inspection.modelFrequencies == 13)   // min(maxLength + 1, pow2cast(8 ln 8)) = min(13, 16)
        for layer in inspection.layers {
            let error = try #require(layer.approximation)
            #expect(error.frequencies.contains(13) && error.frequencies.first == 8 && error.frequencies.last == 1024)
            let factors = try #require(error.varianceFactor)
            for head in 0..<Self.heads {
                let at16 = try #require(error.error(head: head, frequencies: 16)), at1024 = try #require(error.error(head: head, frequencies: 1024))
                #expect(at1024 < at16, "layer \(layer.index) head \(head): \(at1024) at M = 1024, \(at16) at M = 16")
                // One frequency's relative variance, weighted by κ², is F: the RMS error is √(F/M), and 1/√M holds once
                // M ≫ F (below that the error is heavy-tailed and its mean lies under the RMS). This model keeps F small.
                let factor = factors[head]
                #expect(factor > 0 && factor < 64, "layer \(layer.index) head \(head): F = \(factor)")
                let settled = error.frequencies.indices.filter { Double(error.frequencies[$0]) >= 4 * factor }
                let slope = try #require(LogLogFit.slope(x: settled.map { Double(error.frequencies[$0]) }, y: settled.map { error.errors[head][$0] }))
                #expect(slope > -0.75 && slope < -0.3,
                        "layer \(layer.index) head \(head): log-log slope \(slope) for M ≥ 4F, expected about −0.5; errors \(error.errors[head]), F \(factor)")
                let predicted = (factor / 1024).squareRoot()
                #expect(at1024 > 0.4 * predicted && at1024 < 2 * predicted, "layer \(layer.index) head \(head): error \(at1024), theory √(F/M) = \(predicted); errors \(error.errors[head]), sd \(error.spread[head]), F \(factor)")
            }
        }
    }

    @Test func learnedKernelAtQEqualsKMatchesTheClosedForm() throws {
        let run = try Self.trainedRun()
        defer { run.remove() }
        let checkpoint = try InspectedCheckpoint(url: run.checkpoint)
        let map = checkpoint.trainedMaps[1], spectrum = try #require((map as? RandomFeatureMap)?.spectrum as? LearnedGaussianSpectrum)
        let closedForm = try #require(ClosedFormKernel(map: map, kernel: .gmmPRF))
        let estimator = FeatureKernelEstimator(family: checkpoint.family, trainedMap: map, configuration: checkpoint.configuration)
        let d = 8
        let q: [Double] = (0..<d).map { 0.5 * sin(Double($0) + 1) }
        let frequencies = 16384
        let tensor = Tensor(shape: [1, Self.heads, d], scalars: Array(repeating: q, count: Self.heads).flatMap { $0 }.map(Float.init))
        let monteCarlo = estimator.estimate(frequencies: frequencies, seed: 11, queries: tensor, keys: tensor)   // (H, 1, 1)
        for head in 0..<Self.heads {
            // the spec's formula at q = k: z = 2q̃, exp(μᵀz + ½zᵀdiag(e^σ)z − 2‖q̃‖²)
            let mu = spectrum.mean.scalars[(head * d)..<((head + 1) * d)].map(Double.init)
            let variance = spectrum.logVariance.scalars[(head * d)..<((head + 1) * d)].map { exp(Double($0)) }
            let scaled = q.map { $0 * pow(Double(d), -0.25) }
            let z = scaled.map { 2 * $0 }
            let exponent = zip(mu, z).reduce(0) { $0 + $1.0 * $1.1 } + 0.5 * zip(variance, z).reduce(0) { $0 + $1.0 * $1.1 * $1.1 }
                - 2 * scaled.reduce(0) { $0 + $1 * $1 }
            let exact = exp(exponent)
            let value = closedForm.value(q, q, head: head)
            #expect(abs(value - exact) <= 1e-12 * exact, "closed form \(value), spec formula \(exact)")
            // Monte Carlo: relative standard deviation √((exp(zᵀVz) − 1)/M)
            let tolerance = 5 * (expm1(zip(variance, z).reduce(0) { $0 + $1.0 * $1.1 * $1.1 }) / Double(frequencies)).squareRoot()
            #expect(abs(monteCarlo[head] - exact) <= tolerance * exact, "Monte Carlo \(monteCarlo[head]), exact \(exact), tolerance \(tolerance)")
        }
    }

    @Test func capturedQueriesAndKeysAreTheEncodersOwn() throws {
        let run = try Self.trainedRun()
        defer { run.remove() }
        let model = try InspectedCheckpoint(url: run.checkpoint).trained
        let batch = run.batches(4)[0]
        let capture = AttentionCapture.capture(model: model, batches: [batch], tokenBudget: 1000)
        #expect(capture.sequenceLengths == batch.lengths.map { $0 + 1 })
        #expect(capture.layers.count == 2 && capture.layers[0].queries[0].shape == [batch.lengths[0] + 1, Self.heads, 8])
        // the layer-by-layer pass ends where the encoder does (same evaluation draws)
        let direct = model.evaluating {
            withoutGradients {
                var context = ForwardContext(training: false)
                return model.encoder(tokens: batch.tokens, batch: batch.batchSize, length: batch.sequenceLength, lengths: batch.lengths,
                                     context: &context)
            }
        }
        let output = try #require(capture.encoderOutput)
        let cls = output.slice(alongAxis: 1, from: 0, count: 1).reshaped(to: [batch.batchSize, 4])
        expectClose(cls.scalars, direct.scalars, tolerance: 1e-5)
        // and the captured queries are the first layer's projection of its normalised input
        let layer = model.encoder.layers[0]
        let embedded = model.encoder.embedding.gathering(Array(batch.tokens.prefix(batch.sequenceLength)), alongAxis: 0)
        let x = Tensor.concatenate([model.encoder.classToken.reshaped(to: [1, 4]), embedded], alongAxis: 0)
            + model.encoder.positions.slice(alongAxis: 0, from: 0, count: batch.sequenceLength + 1)
        let q = layer.attention.query(layer.firstNorm(x)).slice(alongAxis: 0, from: 0, count: batch.lengths[0] + 1)
        expectClose(capture.layers[0].queries[0].scalars, q.scalars, tolerance: 1e-5)
    }

    @Test func writesChartsThatParseAsXMLAndADeterministicSummary() throws {
        let run = try Self.trainedRun()
        defer { run.remove() }
        let checkpoint = try InspectedCheckpoint(url: run.checkpoint)
        let inspection = KernelInspection(checkpoint: checkpoint, batches: run.batches(), settings: Self.settings(redraws: 2))
        let output = run.directory.appendingPathComponent("inspect")
        let written = try inspection.write(to: output)
        let names = Set(written.map(\.lastPathComponent))
        #expect(names == ["spectrum-layer0.svg", "spectrum-layer1.svg", "kernel-layer0.svg", "kernel-layer1.svg", "approximation.svg",
                          "summary.txt", "index.html"])
        for url in written where url.pathExtension == "svg" {
            let data = try Data(contentsOf: url)
            #expect(XMLParser(data: data).parse(), "\(url.lastPathComponent) is not well-formed XML")
            #expect(String(decoding: data, as: UTF8.self).contains("<svg"))
        }
        let summary = try String(contentsOf: output.appendingPathComponent("summary.txt"), encoding: .utf8)
        for expected in ["kernel: GMM-PRF", "2 layers, 4 heads, d = 8, M = 13", "seed 2 (run.json)", "closed form", "layer 1", "error at M = 13",
                         "error at M = 1024"] {
            #expect(summary.contains(expected), "summary lacks '\(expected)'")
        }
        let again = KernelInspection(checkpoint: try InspectedCheckpoint(url: run.checkpoint), batches: run.batches(),
                                     settings: Self.settings(redraws: 2))
        #expect(again.summary == summary)
        #expect(again.files().map(\.contents) == inspection.files().map(\.contents))
    }

    @Test func everyKernelWithRandomFeaturesIsInspected() throws {
        for kernel in Kernel.allCases where KernelFamily(kernel) != nil {
            let model = try SequenceClassifier(configuration: Self.configuration(kernel: kernel), seed: 4)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("klt-inspect-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let url = directory.appendingPathComponent("model.safetensors")
            let state = TrainingState(step: 0, bestValidationAccuracy: 0, bestStep: -1, dropoutGenerator: RandomGenerator(seed: 1),
                                      featureRandomness: model.featureMaps.map(\.randomness),
                                      settings: TrainingSettings(steps: 1, batchSize: 8, schedule: .constant(1e-3), evaluationInterval: 1, seed: 4))
            try Checkpoint.save(model: model, optimizer: nil, state: state, to: url)
            let settings = InspectionSettings(frequencies: [8, 16, 32], redraws: 1, tokenBudget: 24, monteCarloFrequencies: 256,
                                              generatorSamples: 64, profilePoints: 5, seed: 1)
            let batches = Array(Batcher(examples: Self.examples(4, seed: 9), batchSize: 4).sequentialBatches())
            let inspection = KernelInspection(checkpoint: try InspectedCheckpoint(url: url), batches: batches, settings: settings)
            let files = inspection.files()
            for file in files where file.name.hasSuffix(".svg") {
                #expect(XMLParser(data: Data(file.contents.utf8)).parse(), "\(kernel.rawValue) \(file.name)")
            }
            for layer in inspection.layers {
                #expect(layer.profile.learned.values.allSatisfy { $0.allSatisfy { $0.allSatisfy(\.isFinite) } }, "\(kernel.rawValue) profile")
            }
            guard kernel != .favorExp else {
                // its stabiliser rescales rows by draw-dependent constants: no approximation error, no chart of it
                #expect(inspection.layers.allSatisfy { $0.approximation == nil } && files.count == 6, "\(kernel.rawValue): \(files.map(\.name))")
                continue
            }
            #expect(files.count == 7, "\(kernel.rawValue): \(files.map(\.name))")
            let error = try #require(inspection.layers[0].approximation)
            #expect(error.errors.allSatisfy { $0.count == error.frequencies.count && $0.allSatisfy(\.isFinite) }, "\(kernel.rawValue): \(error.errors)")
            if KernelFamily(kernel)!.spectrum == .fixed { #expect(inspection.summary.contains("nothing is learned"), "\(kernel.rawValue)") }
            if KernelFamily(kernel)!.drawsFixedFrequencyCount { #expect(error.frequencies == [8, 16, 32], "\(kernel.rawValue): \(error.frequencies)") }
        }
    }

    @Test func badInputIsRefusedNamingTheFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("klt-inspect-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let missing = directory.appendingPathComponent("absent.safetensors")
        #expect(throws: KernelInspectionError.missingCheckpoint(path: missing.path)) { try InspectedCheckpoint(url: missing) }
        let text = directory.appendingPathComponent("notes.safetensors")
        try Data("not a checkpoint".utf8).write(to: text)
        #expect { try InspectedCheckpoint(url: text) } throws: { error in
            guard case KernelInspectionError.unreadableCheckpoint = error else { return false }
            return "\(error)".contains(text.path)
        }
        let softmax = try SequenceClassifier(configuration: Self.configuration(kernel: .softmax), seed: 1)
        let url = directory.appendingPathComponent("softmax.safetensors")
        let state = TrainingState(step: 0, bestValidationAccuracy: 0, bestStep: -1, dropoutGenerator: RandomGenerator(seed: 1),
                                  featureRandomness: [], settings: TrainingSettings(steps: 1, batchSize: 8, schedule: .constant(1e-3),
                                                                                   evaluationInterval: 1, seed: 1))
        try Checkpoint.save(model: softmax, optimizer: nil, state: state, to: url)
        #expect { try InspectedCheckpoint(url: url) } throws: { error in
            guard case KernelInspectionError.nothingToInspect = error else { return false }
            return "\(error)".contains(url.path) && "\(error)".contains("softmax")
        }
    }
}
