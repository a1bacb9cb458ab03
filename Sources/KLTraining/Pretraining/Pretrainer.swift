import Foundation
import KLTasks
import KLTensor
import KLTensorBoard
import KLTransformer

/// The outcome of `Pretrainer.run()`.
public struct PretrainingResult: Sendable {
    /// Validation evaluation of the best checkpoint.
    public var bestValidation: LanguageModelEvaluation
    /// Step of the best checkpoint (lowest validation loss).
    public var bestStep: Int
    /// Test evaluation of the best checkpoint (nil without a test split).
    public var test: LanguageModelEvaluation?
    /// Wall-clock seconds spent in training steps, over every session of a resumed run.
    public var trainingSeconds: Double
    /// Training losses of this session's steps, in order.
    public var losses: [Float]
    /// Where the best and last checkpoints are.
    public var bestCheckpoint: URL, lastCheckpoint: URL
}

/// Pre-trains a language model on a corpus: random windows of the training stream each step (drawn
/// from the seed and the step alone, so a resumed run reads what an uninterrupted one reads), the
/// objective's batch (`PretrainingObjective`), cross-entropy over the predicted tokens, backward,
/// optional clipping, AdamW with the schedule; every evaluation interval the validation stream's
/// consecutive windows, with the best-on-validation-loss and last checkpoints (holding the setup and
/// the tokeniser); at the end the best checkpoint on validation and test. Metrics go to
/// `metrics.jsonl` and TensorBoard events, as `Trainer`'s do.
public final class Pretrainer<Model: TokenPredictingModel> {
    /// The model being trained.
    public let model: Model
    /// The optimizer.
    public let optimizer: AdamW
    /// Steps, batch size, schedule, evaluation cadence and seed.
    public let settings: TrainingSettings
    /// The objective, window length and corpus.
    public let setup: PretrainingSetup
    /// The tokeniser the streams were encoded with.
    public let tokenizer: BytePairEncoding
    /// Where checkpoints and metrics go.
    public let runDirectory: URL
    /// Training progress output.
    public let progress: ProgressReporter
    private let train: TokenStream, validation: TokenStream, test: TokenStream?
    private var state: TrainingState
    private let bytesPerID: [Int]

    /// A pre-training run of `model` on the streams; a fresh run unless `resumeFromLastCheckpoint()`
    /// finds one. Refuses invalid settings, a model whose vocabulary is not the tokeniser's, a window
    /// longer than the model takes, streams too short to give one window, and a run whose memory
    /// plan does not fit this machine, before training starts.
    public init(model: Model, tokenizer: BytePairEncoding, setup: PretrainingSetup, train: TokenStream, validation: TokenStream,
                test: TokenStream?, settings: TrainingSettings, runDirectory: URL, progress: ProgressReporter = ProgressReporter()) throws {
        try settings.validate()
        let configuration = model.configuration
        guard configuration.vocabularySize == tokenizer.vocabularySize else {
            throw TrainingError.invalidSetting("the model has \(configuration.vocabularySize) token ids but the tokeniser \(tokenizer.vocabularySize)")
        }
        guard (1...configuration.maxLength).contains(setup.inputLength) else {
            throw TrainingError.invalidSetting("windows of \(setup.inputLength) tokens do not fit the model's 1...\(configuration.maxLength)")
        }
        let needed = setup.objective == .causal ? 2 : 1
        for (name, stream) in [("training", train), ("validation", validation)] + (test.map { [("test", $0)] } ?? []) {
            guard stream.tokens.count >= needed else {
                throw TrainingError.invalidSetting("the \(name) split has \(stream.tokens.count) tokens; the \(setup.objective) objective needs \(needed) at least")
            }
        }
        try MemoryPlan(configuration: configuration, batchSize: settings.batchSize, length: setup.inputLength, training: true).check()
        self.model = model
        self.tokenizer = tokenizer
        self.setup = setup
        self.train = train
        self.validation = validation
        self.test = test
        self.settings = settings
        self.runDirectory = runDirectory
        self.progress = progress
        optimizer = AdamW(parameters: model.parameters, settings: settings.optimizer)
        bytesPerID = (0..<tokenizer.vocabularySize).map { tokenizer.bytes(of: $0).count }
        state = TrainingState(step: 0, bestValidationAccuracy: -1, bestStep: -1,
                              dropoutGenerator: RandomGenerator(seed: settings.seed ^ 0x5EED_D80F),
                              featureRandomness: model.featureMaps.map(\.randomness), settings: settings)
    }

    /// The best-on-validation-loss checkpoint.
    public var bestCheckpointURL: URL { runDirectory.appendingPathComponent("best.safetensors") }
    /// The most recent checkpoint (for `--resume`).
    public var lastCheckpointURL: URL { runDirectory.appendingPathComponent("last.safetensors") }
    /// Steps completed so far.
    public var completedSteps: Int { state.step }

    /// Continues from the last checkpoint when the run directory holds one, written by a run of the
    /// same model, settings, setup and tokeniser (anything else is refused, naming what differs);
    /// returns whether it did.
    public func resumeFromLastCheckpoint() throws -> Bool {
        guard FileManager.default.fileExists(atPath: lastCheckpointURL.path) else { return false }
        let contents = try Checkpoint.read(from: lastCheckpointURL)
        guard contents.state.settings == settings else {
            throw TrainingError.incompatibleCheckpoint("\(contents.url.path) was written with other training settings: \(contents.state.settings)")
        }
        let stored = try PretrainingSetup.read(from: contents)
        guard stored.setup == setup else {
            throw TrainingError.incompatibleCheckpoint("\(contents.url.path) was written for another pre-training setup: \(stored.setup)")
        }
        guard stored.tokenizer == tokenizer else {
            throw TrainingError.incompatibleCheckpoint("\(contents.url.path) was written with another tokeniser (\(stored.tokenizer.vocabularySize) ids)")
        }
        try Checkpoint.restore(contents, into: model, optimizer: optimizer)
        state = contents.state
        try RunLog.truncate(in: runDirectory, afterStep: state.step)
        return true
    }

    /// The batch of training step `step` (0-based): its windows and masking drawn from a stream of
    /// the seed and the step alone.
    func trainingBatch(step: Int) -> TokenPredictionBatch {
        var generator = RandomGenerator(state: .init(key: settings.seed ^ 0x5052_4554_5241_494E, counterHigh: UInt64(step)))
        let windows = train.randomWindows(count: settings.batchSize, size: setup.objective.windowTokens(forInputLength: setup.inputLength),
                                          generator: &generator)
        return setup.objective.batch(windows: windows, length: setup.inputLength, vocabularySize: tokenizer.vocabularySize,
                                     maskID: BytePairEncoding.maskID, generator: &generator)
    }

    /// Trains until `settings.steps` (or `stopAfter` steps in all, for tests of resuming),
    /// evaluating and checkpointing along the way, then evaluates the best checkpoint.
    @discardableResult
    public func run(stopAfter: Int? = nil) throws -> PretrainingResult {
        let log = try RunLog(directory: runDirectory)
        let events = try EventFileWriter(directory: runDirectory)
        defer { events.close() }
        if state.step > 0 { try events.addSessionStart(step: state.step + 1) }
        let end = min(settings.steps, stopAfter ?? settings.steps)
        let startSeconds = state.trainingSeconds ?? 0
        var trainingSeconds = startSeconds, windowLoss = 0.0, windowCorrect = 0, windowTokens = 0
        var losses: [Float] = []
        let metadata = try setup.metadata(tokenizer: tokenizer)
        while state.step < end {
            let started = DispatchTime.now().uptimeNanoseconds
            let batch = trainingBatch(step: state.step)
            var context = ForwardContext(training: true, generator: state.dropoutGenerator)
            let logits = model.predictionLogits(batch, context: &context)
            state.dropoutGenerator = context.generator
            let loss = Tensor.crossEntropy(logits: logits, labels: batch.targets)
            let stepLoss = loss.item
            guard stepLoss.isFinite else { throw TrainingError.nonFiniteLoss(step: state.step + 1, value: stepLoss) }
            try loss.backward()
            let (norm, rate) = try OptimizerStep.apply(optimizer, settings: settings, step: state.step)
            state.step += 1
            trainingSeconds += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            let correct = zip(Trainer.predictedClasses(logits), batch.targets).filter { $0 == $1 }.count
            losses.append(stepLoss)
            windowLoss += Double(stepLoss) * Double(batch.targets.count)
            windowCorrect += correct
            windowTokens += batch.targets.count
            progress.progress(step: state.step, total: settings.steps, loss: windowLoss / Double(windowTokens),
                              accuracy: Double(windowCorrect) / Double(windowTokens),
                              stepsPerSecond: Double(losses.count) / max(trainingSeconds - startSeconds, 1e-9))
            let accuracy = Double(correct) / Double(max(batch.targets.count, 1))
            try log.append(["kind": "train", "step": state.step, "loss": Double(stepLoss), "accuracy": accuracy,
                            "learningRate": rate, "gradientNorm": norm, "seconds": trainingSeconds])
            for (tag, value) in [("train/loss", Double(stepLoss)), ("train/accuracy", accuracy),
                                 ("train/learning_rate", rate), ("train/gradient_norm", norm)] {
                try events.addScalar(tag, value, step: state.step)
            }
            guard state.step % settings.evaluationInterval == 0 || state.step == settings.steps else { continue }
            let evaluation = evaluate(validation, limit: settings.evaluationBatches)
            let improved = evaluation.loss < (state.bestValidationLoss ?? .infinity)
            if improved {
                state.bestValidationLoss = evaluation.loss
                state.bestValidationAccuracy = evaluation.accuracy
                state.bestStep = state.step
            }
            state.featureRandomness = model.featureMaps.map(\.randomness)
            state.trainingSeconds = trainingSeconds
            if improved { try Checkpoint.save(model: model, optimizer: optimizer, state: state, extraMetadata: metadata, to: bestCheckpointURL) }
            try Checkpoint.save(model: model, optimizer: optimizer, state: state, extraMetadata: metadata, to: lastCheckpointURL)
            try log.append(["kind": "validation", "step": state.step, "loss": evaluation.loss, "accuracy": evaluation.accuracy,
                            "bitsPerByte": evaluation.bitsPerByte, "perplexity": evaluation.perplexity, "best": improved])
            for (tag, value) in [("validation/loss", evaluation.loss), ("validation/accuracy", evaluation.accuracy),
                                 ("validation/bits_per_byte", evaluation.bitsPerByte)] {
                try events.addScalar(tag, value, step: state.step)
            }
            try events.flush()
            progress.message(String(format: "step %d: train loss %.4f | validation loss %.4f, %.3f bits/byte, perplexity %.1f, accuracy %.3f%@",
                                    state.step, windowLoss / Double(windowTokens), evaluation.loss, evaluation.bitsPerByte,
                                    evaluation.perplexity, evaluation.accuracy, improved ? " (best)" : ""))
            (windowLoss, windowCorrect, windowTokens) = (0, 0, 0)
        }
        return try finish(losses: losses, trainingSeconds: trainingSeconds, log: log)
    }

    /// Evaluates the best checkpoint on validation and test and writes `summary.json`.
    private func finish(losses: [Float], trainingSeconds: Double, log: RunLog) throws -> PretrainingResult {
        let finalState = state
        if state.bestStep != state.step, FileManager.default.fileExists(atPath: bestCheckpointURL.path) {
            try Checkpoint.restore(Checkpoint.read(from: bestCheckpointURL), into: model)
        }
        let bestValidation = evaluate(validation, limit: nil)
        let testEvaluation = test.map { evaluate($0, limit: nil) }
        if state.bestStep != state.step {
            // Leave the model where training stopped, so a later resume continues from there.
            try Checkpoint.restore(Checkpoint.read(from: lastCheckpointURL), into: model)
        }
        state = finalState
        var summary: [String: Any] = [
            "objective": setup.objective.rawValue, "corpus": setup.corpus, "vocabularySize": tokenizer.vocabularySize,
            "bestStep": state.bestStep, "steps": state.step, "trainingSeconds": trainingSeconds,
            "stepsPerSecond": Double(state.step) / max(trainingSeconds, 1e-9),
            "tokensPerSecond": Double(state.step * settings.batchSize * setup.inputLength) / max(trainingSeconds, 1e-9),
            "parameters": model.parameters.reduce(0) { $0 + $1.tensor.count },
            "peakResidentBytes": ResourceUsage.peakResidentBytes, "peakTensorBytes": TensorMemory.peakBytes,
        ]
        for (name, evaluation) in [("validation", bestValidation)] + (testEvaluation.map { [("test", $0)] } ?? []) {
            summary[name + "Loss"] = evaluation.loss
            summary[name + "Accuracy"] = evaluation.accuracy
            summary[name + "BitsPerByte"] = evaluation.bitsPerByte
            summary[name + "Perplexity"] = evaluation.perplexity
        }
        try log.append(summary.merging(["kind": "summary"]) { $1 })
        let data = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys, .prettyPrinted])
        try AtomicFile.write(data, to: runDirectory.appendingPathComponent("summary.json"))
        return PretrainingResult(bestValidation: bestValidation, bestStep: state.bestStep, test: testEvaluation,
                                 trainingSeconds: trainingSeconds, losses: losses, bestCheckpoint: bestCheckpointURL,
                                 lastCheckpoint: lastCheckpointURL)
    }

    /// The model on `stream`'s consecutive windows (at most `limit` batches), without gradients:
    /// the feature draws from the model's evaluation stream and the masked objective's choices from
    /// a fixed seed, so the result depends on the model's state alone, which is left as it was.
    public func evaluate(_ stream: TokenStream, limit: Int?) -> LanguageModelEvaluation {
        let objective = setup.objective
        let windows = stream.consecutiveWindows(size: objective.windowTokens(forInputLength: setup.inputLength),
                                                overlap: objective == .causal ? 1 : 0, minimum: objective == .causal ? 2 : 1)
        let batches = stride(from: 0, to: windows.count, by: settings.batchSize).prefix(max(limit ?? Int.max, 0))
        return model.evaluating { withoutGradients {
            var generator = RandomGenerator(seed: 0x4D41_534B_4556_414C)   // "MASKEVAL"
            var totalLoss = 0.0, correct = 0, tokens = 0, bytes = 0
            var context = ForwardContext(training: false)
            for start in batches {
                let batch = objective.batch(windows: Array(windows[start..<min(start + settings.batchSize, windows.count)]),
                                            length: setup.inputLength, vocabularySize: tokenizer.vocabularySize,
                                            maskID: BytePairEncoding.maskID, generator: &generator)
                let logits = model.predictionLogits(batch, context: &context)
                totalLoss += Double(Tensor.crossEntropy(logits: logits, labels: batch.targets).item) * Double(batch.targets.count)
                correct += zip(Trainer.predictedClasses(logits), batch.targets).filter { $0 == $1 }.count
                tokens += batch.targets.count
                bytes += batch.targets.reduce(0) { $0 + bytesPerID[$1] }
            }
            return LanguageModelEvaluation(totalLoss: totalLoss, correct: correct, tokens: tokens, bytes: bytes)
        } }
    }
}
