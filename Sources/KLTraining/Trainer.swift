import Foundation
import KLTasks
import KLTensor
import KLTensorBoard
import KLTransformer

/// How a classifier is trained: the paper's recipe by default (spec §5), with the schedule, clipping
/// and evaluation cadence configurable.
public struct TrainingSettings: Codable, Equatable, Sendable {
    /// Optimizer updates to run.
    public var steps: Int
    /// Examples per update.
    public var batchSize: Int
    /// Learning rate by step.
    public var schedule: LearningRateSchedule
    /// AdamW hyper-parameters.
    public var optimizer: AdamW.Settings
    /// Clip the global gradient norm to this value (nil: no clipping, as the official code).
    public var clipNorm: Double?
    /// Evaluate on the validation set (and save checkpoints) every this many steps, and at the end.
    public var evaluationInterval: Int
    /// Evaluate on at most this many validation batches (nil: all).
    public var evaluationBatches: Int?
    /// Seeds the data order and dropout.
    public var seed: UInt64

    /// Settings with the paper's optimizer.
    public init(steps: Int, batchSize: Int, schedule: LearningRateSchedule, optimizer: AdamW.Settings = AdamW.Settings(),
                clipNorm: Double? = nil, evaluationInterval: Int, evaluationBatches: Int? = nil, seed: UInt64) {
        self.steps = steps
        self.batchSize = batchSize
        self.schedule = schedule
        self.optimizer = optimizer
        self.clipNorm = clipNorm
        self.evaluationInterval = evaluationInterval
        self.evaluationBatches = evaluationBatches
        self.seed = seed
    }

    /// Throws when a value is out of range, naming it: counts that are not positive, a clip norm that
    /// is not a positive number, optimizer hyper-parameters outside their ranges (β in [0, 1), ε > 0,
    /// weight decay ≥ 0, all finite), or a schedule with a rate or warmup that is not a finite,
    /// non-negative number.
    public func validate() throws {
        guard steps > 0 else { throw TrainingError.invalidSetting("steps must be positive, got \(steps)") }
        guard batchSize > 0 else { throw TrainingError.invalidSetting("batch size must be positive, got \(batchSize)") }
        guard evaluationInterval > 0 else { throw TrainingError.invalidSetting("evaluation interval must be positive, got \(evaluationInterval)") }
        if let evaluationBatches, evaluationBatches <= 0 {
            throw TrainingError.invalidSetting("evaluation batches must be positive, got \(evaluationBatches)")
        }
        if let clipNorm, !(clipNorm > 0 && clipNorm.isFinite) { throw TrainingError.invalidSetting("clip norm must be a positive number, got \(clipNorm)") }
        let o = optimizer
        guard (0..<1).contains(o.beta1), (0..<1).contains(o.beta2) else {
            throw TrainingError.invalidSetting("AdamW betas must be in [0, 1), got \(o.beta1) and \(o.beta2)")
        }
        guard o.epsilon > 0, o.epsilon.isFinite else { throw TrainingError.invalidSetting("AdamW epsilon must be a positive number, got \(o.epsilon)") }
        guard o.weightDecay >= 0, o.weightDecay.isFinite else {
            throw TrainingError.invalidSetting("weight decay must be a non-negative number, got \(o.weightDecay)")
        }
        let (rate, warmup): (Double, Int) = switch schedule {
        case .warmupRsqrt(let base, let warmup): (base, warmup)
        case .warmupCosine(let peak, let warmup, _): (peak, warmup)
        case .constant(let rate): (rate, 0)
        }
        guard rate >= 0, rate.isFinite, warmup >= 0 else {
            throw TrainingError.invalidSetting("the learning-rate schedule needs a finite, non-negative rate and warmup, got \(schedule)")
        }
    }
}

/// Loss and accuracy of a model on a data set.
public struct Evaluation: Sendable, Equatable {
    /// Mean cross-entropy.
    public var loss: Double
    /// Fraction classified correctly.
    public var accuracy: Double
    /// Examples evaluated.
    public var count: Int
}

/// The outcome of `Trainer.run()`.
public struct TrainingResult: Sendable {
    /// Validation evaluation of the best checkpoint.
    public var bestValidation: Evaluation
    /// Step of the best checkpoint.
    public var bestStep: Int
    /// Test evaluation of the best checkpoint (nil without a test set).
    public var test: Evaluation?
    /// Accuracy of always predicting the most frequent training class on the test (or validation) set.
    public var majorityBaseline: Double
    /// Wall-clock seconds spent in training steps (evaluation excluded), over every session of a resumed run.
    public var trainingSeconds: Double
    /// Training losses, one per step, in order (for resume checks and plots).
    public var losses: [Float]
    /// Where the best and last checkpoints are.
    public var bestCheckpoint: URL, lastCheckpoint: URL
}

/// Trains a `SequenceClassifier`: shuffled batches, forward, cross-entropy, backward, optional clipping,
/// AdamW with the schedule; periodic validation with best-on-validation and last checkpoints; a final
/// test evaluation of the best checkpoint. Metrics go to `metrics.jsonl` in the run directory. With
/// `DataParallelism` over several ranks, every rank runs a trainer on its share of each batch and
/// rank 0 alone writes the run's files.
public final class Trainer {
    /// The model being trained.
    public let model: SequenceClassifier
    /// The optimizer.
    public let optimizer: AdamW
    /// The settings.
    public let settings: TrainingSettings
    /// Where checkpoints and metrics go.
    public let runDirectory: URL
    /// Training progress output.
    public let progress: ProgressReporter
    /// The ranks this trainer shares its work with (`DataParallelism.none`: it trains alone).
    public let parallelism: DataParallelism
    private let train: Batcher, validation: Batcher, test: Batcher?
    private var state: TrainingState
    private let gradientReduction: GradientAllReduce
    private let checkpointMetadata: [String: String]

    /// A trainer for `model` on the given splits; a fresh run unless `resume` is applied. Refuses
    /// invalid settings, examples the model cannot take (`checkExamples(_:fit:)`), runs whose
    /// memory plan (`MemoryPlan`) does not fit in this machine's memory and global batches too small
    /// to give every rank of `parallelism` a row, before training starts. `checkpointMetadata` is
    /// written into every checkpoint (the subword tokeniser of a model fine-tuned from a
    /// pre-trained encoder, so evaluation re-encodes the task the same way).
    public init(model: SequenceClassifier, train: [ClassificationExample], validation: [ClassificationExample],
                test: [ClassificationExample]?, settings: TrainingSettings, runDirectory: URL,
                progress: ProgressReporter = ProgressReporter(), parallelism: DataParallelism = .none,
                checkpointMetadata: [String: String] = [:]) throws {
        try settings.validate()
        guard !train.isEmpty, !validation.isEmpty else {
            throw TrainingError.invalidSetting("training needs non-empty training and validation sets (got \(train.count) and \(validation.count) examples)")
        }
        let globalBatch = min(settings.batchSize, train.count)
        guard globalBatch >= parallelism.group.size else {
            throw TrainingError.invalidSetting("a batch of \(globalBatch) examples cannot be shared by \(parallelism.group.size) ranks: each rank needs at least one example of every batch (raise --batch-size or start fewer ranks)")
        }
        let all = train + validation + (test ?? [])
        let longest = all.map { max($0.tokens.count, $0.pairedTokens?.count ?? 0) }.max() ?? 0
        try Self.checkExamples(all, fit: model.configuration)
        let longestBatch = min(settings.batchSize, max(train.count, validation.count, test?.count ?? 0))
        try MemoryPlan(configuration: model.configuration, batchSize: longestBatch, length: longest, training: true).check()
        self.model = model
        self.settings = settings
        self.runDirectory = runDirectory
        self.progress = progress
        self.parallelism = parallelism
        self.checkpointMetadata = checkpointMetadata
        optimizer = AdamW(parameters: model.parameters, settings: settings.optimizer)
        gradientReduction = GradientAllReduce(parameters: optimizer.parameters)
        self.train = Batcher(examples: train, batchSize: settings.batchSize, seed: settings.seed, dropsLastPartialBatch: train.count >= settings.batchSize)
        self.validation = Batcher(examples: validation, batchSize: settings.batchSize)
        self.test = test.map { Batcher(examples: $0, batchSize: settings.batchSize) }
        state = TrainingState(step: 0, bestValidationAccuracy: -1, bestStep: -1,
                              dropoutGenerator: RandomGenerator(seed: settings.seed ^ 0x5EED_D80F),
                              featureRandomness: model.featureMaps.map(\.randomness), settings: settings)
    }

    /// Throws `TrainingError.invalidSetting` naming the first example a model of `configuration`
    /// cannot take: a label outside 0..<classes, a token id outside 0..<vocabularySize, a sequence
    /// longer than maxLength, or a single sequence for a pair model (and the reverse).
    public static func checkExamples(_ examples: [ClassificationExample], fit configuration: EncoderConfiguration) throws {
        let (vocabulary, classes) = (configuration.vocabularySize, configuration.classes)
        for (index, example) in examples.enumerated() {
            guard (0..<classes).contains(example.label) else {
                throw TrainingError.invalidSetting("label \(example.label) of example \(index) is outside 0..<\(classes), the model's classes")
            }
            guard configuration.pairInputs == (example.pairedTokens != nil) else {
                throw TrainingError.invalidSetting(configuration.pairInputs
                    ? "the model classifies pairs but example \(index) has a single sequence"
                    : "the examples are pairs; build the model with pairInputs = true")
            }
            for tokens in [example.tokens, example.pairedTokens ?? []] {
                guard tokens.count <= configuration.maxLength else {
                    throw TrainingError.invalidSetting("example \(index) has \(tokens.count) tokens but the model's maximum length is \(configuration.maxLength)")
                }
                if let bad = tokens.first(where: { !(0..<vocabulary).contains($0) }) {
                    throw TrainingError.invalidSetting("example \(index) holds token id \(bad), outside the model's vocabulary 0..<\(vocabulary)")
                }
            }
        }
    }

    /// The best-on-validation checkpoint.
    public var bestCheckpointURL: URL { runDirectory.appendingPathComponent("best.safetensors") }
    /// The most recent checkpoint (for `--resume`).
    public var lastCheckpointURL: URL { runDirectory.appendingPathComponent("last.safetensors") }

    /// Continues from a checkpoint written by this trainer's `run()` for the same model and settings
    /// (with any number of ranks: rank 0 reads it and sends it to the others).
    public func resume(from url: URL) throws {
        guard let contents = try readCheckpoint(url) else {
            throw TrainingError.incompatibleCheckpoint("\(url.path) does not exist")
        }
        try resume(from: contents)
    }

    /// Continues from the last checkpoint when rank 0 finds one in the run directory; returns whether
    /// it did (false: the run starts from step 0).
    public func resumeFromLastCheckpoint() throws -> Bool {
        guard let contents = try readCheckpoint(lastCheckpointURL) else { return false }
        try resume(from: contents)
        return true
    }

    private func resume(from contents: Checkpoint.Contents) throws {
        guard contents.state.settings == settings else {
            throw TrainingError.incompatibleCheckpoint("\(contents.url.path) was written with other training settings: \(contents.state.settings)")
        }
        try Checkpoint.restore(contents, into: model, optimizer: optimizer)
        state = contents.state
        // Steps after the checkpoint will be run again: drop what the interrupted session logged of them.
        if parallelism.group.isRoot { try RunLog.truncate(in: runDirectory, afterStep: state.step) }
    }

    /// The checkpoint at `url` as rank 0 reads it (nil when there is no file there), on every rank:
    /// with several ranks, rank 0 sends the file's bytes to the others, so only its machine needs
    /// the run directory.
    private func readCheckpoint(_ url: URL) throws -> Checkpoint.Contents? {
        let group = parallelism.group
        guard group.isDistributed else {
            return FileManager.default.fileExists(atPath: url.path) ? try Checkpoint.read(from: url) : nil
        }
        var bytes: [UInt8]?
        if group.isRoot, FileManager.default.fileExists(atPath: url.path) {
            do {
                bytes = [UInt8](try Data(contentsOf: url))
            } catch {
                throw CheckpointError(.io, file: url.path, "cannot read the file: \(error.localizedDescription)")
            }
        }
        return try group.broadcastFromRoot(bytes).map { try Checkpoint.read(bytes: $0, of: url) }
    }

    /// Steps completed so far.
    public var completedSteps: Int { state.step }

    /// Trains until `settings.steps` (or `stopAfter` steps, for tests of resuming), evaluating and
    /// checkpointing along the way, then evaluates the best checkpoint on the test set.
    @discardableResult
    public func run(stopAfter: Int? = nil) throws -> TrainingResult {
        let group = parallelism.group
        let log = group.isRoot ? try RunLog(directory: runDirectory) : nil
        let events = group.isRoot ? try EventFileWriter(directory: runDirectory) : nil
        defer { events?.close() }
        // A resumed run trains again the steps after its checkpoint: TensorBoard drops the killed
        // session's events from there on, as metrics.jsonl was truncated.
        if state.step > 0 { try events?.addSessionStart(step: state.step + 1) }
        let end = min(settings.steps, stopAfter ?? settings.steps)
        var losses: [Float] = []
        let startSeconds = state.trainingSeconds ?? 0
        var trainingSeconds = startSeconds, windowLoss = 0.0, windowCorrect = 0, windowCount = 0
        var allReduceSeconds = 0.0
        let perEpoch = train.batchesPerEpoch
        var epochBatches: (epoch: Int, batches: Batcher.Batches)?
        while state.step < end {
            let epoch = state.step / perEpoch
            if epochBatches?.epoch != epoch { epochBatches = (epoch, train.shuffledBatches(epoch: epoch)) }
            let batch = epochBatches!.batches[state.step % perEpoch]
            let started = DispatchTime.now().uptimeNanoseconds
            let rows = parallelism.rows(ofBatchOf: batch.batchSize)
            let shard = group.isDistributed ? batch.rows(rows) : batch
            var context = ForwardContext(training: true, generator: group.isDistributed
                ? DataParallelism.dropoutGenerator(seed: settings.seed, rank: group.rank, step: state.step) : state.dropoutGenerator)
            let logits = Self.logits(model, shard, context: &context)
            if !group.isDistributed { state.dropoutGenerator = context.generator }
            let loss = Tensor.crossEntropy(logits: logits, labels: shard.labels)
            var (stepLoss, correct) = (loss.item, Self.correctCount(logits, shard.labels))
            if group.isDistributed {
                // Every rank's mean-loss gradient weighted by its share of the batch: their sum is the
                // gradient of the batch's mean loss. The loss and the correct count travel along.
                try loss.backward()
                let reduceStarted = DispatchTime.now().uptimeNanoseconds
                let weight = Float(rows.count) / Float(batch.batchSize)
                let sums = try gradientReduction.reduce(weight: weight, statistics: [stepLoss * weight, Float(correct)], in: group)
                allReduceSeconds += Double(DispatchTime.now().uptimeNanoseconds - reduceStarted) / 1e9
                (stepLoss, correct) = (sums[0], Int(sums[1].rounded()))
                guard stepLoss.isFinite else { throw TrainingError.nonFiniteLoss(step: state.step + 1, value: stepLoss) }
            } else {
                guard stepLoss.isFinite else { throw TrainingError.nonFiniteLoss(step: state.step + 1, value: stepLoss) }
                try loss.backward()
            }
            let (norm, rate) = try OptimizerStep.apply(optimizer, settings: settings, step: state.step)
            state.step += 1
            trainingSeconds += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            losses.append(stepLoss)
            windowLoss += Double(stepLoss) * Double(batch.batchSize)
            windowCorrect += correct
            windowCount += batch.batchSize
            progress.progress(step: state.step, total: settings.steps, loss: windowLoss / Double(windowCount),
                              accuracy: Double(windowCorrect) / Double(windowCount),
                              stepsPerSecond: Double(losses.count) / max(trainingSeconds - startSeconds, 1e-9))
            try log?.append(["kind": "train", "step": state.step, "loss": Double(stepLoss),
                             "accuracy": Double(correct) / Double(batch.batchSize), "learningRate": rate, "gradientNorm": norm,
                             "seconds": trainingSeconds])
            for (tag, value) in [("train/loss", Double(stepLoss)), ("train/accuracy", Double(correct) / Double(batch.batchSize)),
                                 ("train/learning_rate", rate), ("train/gradient_norm", norm)] {
                try events?.addScalar(tag, value, step: state.step)
            }
            let evaluates = state.step % settings.evaluationInterval == 0 || state.step == settings.steps
            if evaluates || state.step % parallelism.checksumInterval == 0 {
                try ParameterChecksum.verify(model, in: group, step: state.step)
            }
            if evaluates {
                let evaluation = try evaluate(validation, limit: settings.evaluationBatches)
                let improved = evaluation.accuracy > state.bestValidationAccuracy
                if improved {
                    state.bestValidationAccuracy = evaluation.accuracy
                    state.bestStep = state.step
                }
                state.featureRandomness = model.featureMaps.map(\.randomness)
                state.trainingSeconds = trainingSeconds
                if group.isRoot {
                    if improved {
                        try Checkpoint.save(model: model, optimizer: optimizer, state: state, extraMetadata: checkpointMetadata, to: bestCheckpointURL)
                    }
                    try Checkpoint.save(model: model, optimizer: optimizer, state: state, extraMetadata: checkpointMetadata, to: lastCheckpointURL)
                }
                try log?.append(["kind": "validation", "step": state.step, "loss": evaluation.loss, "accuracy": evaluation.accuracy,
                                 "best": improved])
                if let events { try writeEvaluationEvents(evaluation, to: events) }
                progress.message(String(format: "step %d: train loss %.4f acc %.3f | validation loss %.4f acc %.3f%@",
                                        state.step, windowLoss / Double(windowCount), Double(windowCorrect) / Double(windowCount),
                                        evaluation.loss, evaluation.accuracy, improved ? " (best)" : ""))
                (windowLoss, windowCorrect, windowCount) = (0, 0, 0)
            }
        }
        return try finish(losses: losses, trainingSeconds: trainingSeconds, allReduceSeconds: allReduceSeconds, log: log)
    }

    /// TensorBoard events of an evaluation: validation loss and accuracy, and histograms of every
    /// feature map's learned parameters (the spectral distributions), by layer.
    private func writeEvaluationEvents(_ evaluation: Evaluation, to events: EventFileWriter) throws {
        try events.addScalar("validation/loss", evaluation.loss, step: state.step)
        try events.addScalar("validation/accuracy", evaluation.accuracy, step: state.step)
        for (layer, map) in model.featureMaps.enumerated() {
            for parameter in map.parameters {
                try parameter.tensor.withUnsafeBufferPointer { values in
                    try events.addHistogram("kernel/layer\(layer)/\(parameter.name)", values: values, step: state.step)
                }
            }
        }
        try events.flush()
    }

    /// Evaluates the best checkpoint on validation and test and writes `summary.json` (rank 0).
    private func finish(losses: [Float], trainingSeconds: Double, allReduceSeconds: Double, log: RunLog?) throws -> TrainingResult {
        let finalState = state
        var bestValidation = try evaluate(validation, limit: nil)
        var testEvaluation = try test.map { try evaluate($0, limit: nil) }
        if state.bestStep != state.step, let best = try readCheckpoint(bestCheckpointURL) {
            try Checkpoint.restore(best, into: model)
            bestValidation = try evaluate(validation, limit: nil)
            testEvaluation = try test.map { try evaluate($0, limit: nil) }
            // Leave the trainer where training stopped, so a later resume continues from there.
            guard let last = try readCheckpoint(lastCheckpointURL) else {
                throw TrainingError.incompatibleCheckpoint("\(lastCheckpointURL.path) disappeared during the run")
            }
            try Checkpoint.restore(last, into: model)
        }
        state = finalState
        let majority = Self.majorityBaseline(trainLabels: train.examples.map(\.label),
                                             evaluationLabels: (test ?? validation).examples.map(\.label))
        let parameterCount = model.parameters.reduce(0) { $0 + $1.tensor.count }
        var summary: [String: Any] = ["bestStep": state.bestStep, "validationAccuracy": bestValidation.accuracy,
                                      "validationLoss": bestValidation.loss, "majorityBaseline": majority,
                                      "trainingSeconds": trainingSeconds, "steps": state.step,
                                      "stepsPerSecond": Double(state.step) / max(trainingSeconds, 1e-9),
                                      "parameters": parameterCount, "peakResidentBytes": ResourceUsage.peakResidentBytes,
                                      "peakTensorBytes": TensorMemory.peakBytes]
        if let testEvaluation { summary["testAccuracy"] = testEvaluation.accuracy; summary["testLoss"] = testEvaluation.loss }
        if parallelism.group.isDistributed {
            // This session's time in the gradient all-reduce, and what it sums per step.
            summary["ranks"] = parallelism.group.size
            summary["allReduceSeconds"] = allReduceSeconds
            summary["allReduceBytesPerStep"] = gradientReduction.bytesPerStep
        }
        if let log {
            try log.append(summary.merging(["kind": "summary"]) { $1 })
            let data = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys, .prettyPrinted])
            try data.write(to: runDirectory.appendingPathComponent("summary.json"), options: .atomic)
        }
        return TrainingResult(bestValidation: bestValidation, bestStep: state.bestStep, test: testEvaluation,
                              majorityBaseline: majority, trainingSeconds: trainingSeconds, losses: losses,
                              bestCheckpoint: bestCheckpointURL, lastCheckpoint: lastCheckpointURL)
    }

    /// Loss and accuracy of the current model on `batcher`'s examples, without gradients, the
    /// batches shared by the ranks of `parallelism`.
    public func evaluate(_ batcher: Batcher, limit: Int?) throws -> Evaluation {
        try Self.evaluate(model, batcher, limit: limit, sharedBy: parallelism.group)
    }

    /// Loss and accuracy of `model` on `batcher`'s examples in order, without gradients (at most
    /// `limit` batches). Random features are drawn from the model's fixed evaluation stream
    /// (`SequenceClassifier.evaluating(_:)`): the result depends only on the model's state, and the
    /// model's random state is left as it was.
    public static func evaluate(_ model: SequenceClassifier, _ batcher: Batcher, limit: Int?) -> Evaluation {
        let sums = evaluationSums(model, batcher, limit: limit, rank: 0, ranks: 1)
        return Evaluation(loss: sums[0] / max(sums[2], 1), accuracy: sums[1] / max(sums[2], 1), count: Int(sums[2]))
    }

    /// `evaluate(_:_:limit:)` with the batches dealt out between the ranks of `group` (batch i to
    /// rank i mod size) and the sums reduced: every rank gets the result one process computes (up
    /// to the order of the additions), on the same feature draws.
    public static func evaluate(_ model: SequenceClassifier, _ batcher: Batcher, limit: Int?, sharedBy group: ProcessGroup) throws -> Evaluation {
        let sums = try group.allReduceSum(evaluationSums(model, batcher, limit: limit, rank: group.rank, ranks: group.size))
        return Evaluation(loss: sums[0] / max(sums[2], 1), accuracy: sums[1] / max(sums[2], 1), count: Int(sums[2]))
    }

    /// The summed loss, correct count and example count of the batches i ≡ rank (mod ranks); the
    /// batches of other ranks only advance the feature draws (`advanceFeatureDraws`).
    static func evaluationSums(_ model: SequenceClassifier, _ batcher: Batcher, limit: Int?, rank: Int, ranks: Int) -> [Double] {
        model.evaluating { withoutGradients {
            var loss = 0.0, correct = 0, count = 0
            var context = ForwardContext(training: false)
            let batches = batcher.sequentialBatches()
            for index in batches.indices.prefix(max(limit ?? Int.max, 0)) {
                guard index % ranks == rank else { model.advanceFeatureDraws(training: false); continue }
                let batch = batches[index]
                let logits = logits(model, batch, context: &context)
                loss += Double(Tensor.crossEntropy(logits: logits, labels: batch.labels).item) * Double(batch.batchSize)
                correct += correctCount(logits, batch.labels)
                count += batch.batchSize
            }
            return [loss, Double(correct), Double(count)]
        } }
    }

    /// The model's logits for a batch: single sequences, or pairs for a pair model.
    public static func logits(_ model: SequenceClassifier, _ batch: ClassificationBatch, context: inout ForwardContext) -> Tensor {
        guard model.configuration.pairInputs else {
            return model(tokens: batch.tokens, batch: batch.batchSize, length: batch.sequenceLength, lengths: batch.lengths,
                         context: &context)
        }
        let first = TokenBatch(tokens: batch.tokens, batch: batch.batchSize, length: batch.sequenceLength, lengths: batch.lengths)
        let second = TokenBatch(tokens: batch.pairedTokens, batch: batch.batchSize, length: batch.pairedSequenceLength,
                                lengths: batch.pairedLengths)
        return model(first, second, context: &context)
    }

    /// Rows whose largest logit is at the label.
    static func correctCount(_ logits: Tensor, _ labels: [Int]) -> Int {
        zip(predictedClasses(logits), labels).filter { $0 == $1 }.count
    }

    /// The class of each row's largest logit, for logits (N, classes): what evaluation and attacks
    /// count as the model's answer.
    public static func predictedClasses(_ logits: Tensor) -> [Int] {
        let (rows, classes) = (logits.shape[0], logits.shape[1])
        return logits.withUnsafeBufferPointer { values in
            (0..<rows).map { row in
                let scores = values[(row * classes)..<((row + 1) * classes)]
                return scores.indices.max { scores[$0] < scores[$1] }! - row * classes
            }
        }
    }

    /// Accuracy of predicting the most frequent training label.
    public static func majorityBaseline(trainLabels: [Int], evaluationLabels: [Int]) -> Double {
        let counts = Dictionary(trainLabels.map { ($0, 1) }, uniquingKeysWith: +)
        guard let majority = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) })?.key,
              !evaluationLabels.isEmpty else { return 0 }
        return Double(evaluationLabels.filter { $0 == majority }.count) / Double(evaluationLabels.count)
    }
}
