import Foundation
import KLTasks
import KLTransformer

/// What a trained kernel learned, per layer and head: its spectral distribution at initialisation
/// and after training, the kernel function κ(q, k) it defines beside the softmax and Gaussian
/// kernels, and how well M random features of the trained distribution reproduce that kernel on the
/// model's own queries and keys. `write(to:)` puts the charts (SVG), `summary.txt` and an
/// `index.html` showing them all into a folder.
public struct KernelInspection {
    /// The checkpoint and the models rebuilt from it.
    public let checkpoint: InspectedCheckpoint
    /// The settings used.
    public let settings: InspectionSettings
    /// Per layer.
    public let layers: [LayerInspection]
    /// Sequences and positions per layer the queries and keys came from (0 without data).
    public let capturedSequences: Int, capturedTokens: Int
    /// Frequencies per head of the model's own maps, M.
    public let modelFrequencies: Int
    /// Features per head of the model's own maps, m.
    public let modelFeatures: Int

    /// Inspects `checkpoint`, running the model on `batches` (which may be empty: the approximation
    /// error is then not measured and the profiles use ‖q‖ = √d).
    public init(checkpoint: InspectedCheckpoint, batches: [ClassificationBatch], settings: InspectionSettings = InspectionSettings()) {
        let family = checkpoint.family, configuration = checkpoint.configuration
        let capture = batches.isEmpty ? nil
            : AttentionCapture.capture(model: checkpoint.trained, batches: batches, tokenBudget: settings.tokenBudget)
        let trainedMaps = checkpoint.trainedMaps, initialMaps = checkpoint.initialMaps
        let modelFrequencies = trainedMaps.first.map(KernelFamily.frequencies(of:)) ?? 0
        var layers: [LayerInspection] = []
        for (index, (trainedMap, initialMap)) in zip(trainedMaps, initialMaps).enumerated() {
            let layerSeed = settings.seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15
            let estimator = FeatureKernelEstimator(family: family, trainedMap: trainedMap, configuration: configuration)
            let closedForm = ClosedFormKernel(map: trainedMap, kernel: family.kernel)
            let captured = capture?.layers[index]
            let norms = captured.map { layer in (0..<configuration.heads).map { LayerInspection.median(LayerInspection.queryNorms(layer, head: $0)) } } ?? []
            let radius = norms.isEmpty ? Double(configuration.headDimension).squareRoot() : LayerInspection.median(norms)
            let profile = KernelProfile(closedForm: closedForm, estimator: estimator, radius: radius, points: settings.profilePoints,
                                        monteCarloFrequencies: settings.monteCarloFrequencies, seed: layerSeed)
            let approximation: ApproximationError? = captured.flatMap { layer in
                guard family.hasApproximationError, !layer.queries.isEmpty else { return nil }
                let counts = Set(settings.frequencies + [modelFrequencies]).filter { $0 >= 1 && $0 <= max(settings.frequencies.max() ?? 0, modelFrequencies) }
                return ApproximationError(estimator: estimator, closedForm: closedForm, layer: layer, frequencies: Array(counts),
                                          redraws: settings.redraws, referenceFrequencies: settings.monteCarloFrequencies,
                                          seed: layerSeed ^ 0xA5A5_0000_0000)
            }
            layers.append(LayerInspection(
                index: index,
                initial: SpectralSnapshot(map: initialMap, family: family, samples: settings.generatorSamples, seed: layerSeed),
                trained: SpectralSnapshot(map: trainedMap, family: family, samples: settings.generatorSamples, seed: layerSeed),
                closedForm: closedForm, profile: profile, approximation: approximation, medianQueryNorms: norms))
        }
        self.checkpoint = checkpoint
        self.settings = settings
        self.layers = layers
        capturedSequences = capture?.sequenceLengths.count ?? 0
        capturedTokens = capture?.tokenCount ?? 0
        self.modelFrequencies = modelFrequencies
        modelFeatures = trainedMaps.first?.featureCount ?? 0
    }

    /// The summary (what `summary.txt` holds).
    public var summary: String { InspectionSummary.text(self) }

    /// The files `write(to:)` creates, by name, with their contents.
    public func files() -> [(name: String, contents: String)] {
        let kernel = checkpoint.family.kernel.rawValue
        var files: [(String, String)] = []
        for layer in layers {
            files.append(("spectrum-layer\(layer.index).svg",
                          SpectrumChart.svg(layer: layer.index, kernel: kernel, initial: layer.initial, trained: layer.trained)))
            files.append(("kernel-layer\(layer.index).svg", KernelProfileChart.svg(layer: layer.index, kernel: kernel, profile: layer.profile)))
        }
        let measured = layers.compactMap { layer in layer.approximation.map { (index: layer.index, error: $0) } }
        if !measured.isEmpty {
            files.append(("approximation.svg", ApproximationChart.svg(kernel: kernel, layers: measured, modelFrequencies: modelFrequencies)))
        }
        let summary = self.summary
        files.append(("summary.txt", summary))
        files.append(("index.html", InspectionPage.html(title: "klt inspect: \(checkpoint.url.lastPathComponent)", summary: summary,
                                                         figures: files.filter { $0.0.hasSuffix(".svg") })))
        return files
    }

    /// Writes the charts, `summary.txt` and `index.html` into `directory` (created if needed) and
    /// returns their URLs.
    @discardableResult
    public func write(to directory: URL) throws -> [URL] {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw KernelInspectionError.unwritableOutput(path: directory.path, reason: error.localizedDescription)
        }
        return try files().map { name, contents in
            let url = directory.appendingPathComponent(name)
            try AtomicFile.write(Data(contents.utf8), to: url)
            return url
        }
    }
}
