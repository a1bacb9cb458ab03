import Foundation
import KLTasks
import KLTraining
import KLTransformer
import Testing

/// One smoke training run per `klt train --task`: a tiny learnable data set in the task's real file
/// format (`TaskFixtureWriter`), loaded through `TrainingTask.load` exactly as `klt train --task T
/// --data-dir DIR` does (for ListOps and Pathfinder also through the generator and cache path), a
/// tiny model from `TrainingTask.modelConfiguration`, a short `Trainer` run, and a check that the
/// model went from chance to clearly above the majority-class rate on the training split.
@Suite struct TaskSmokeTests {
    /// How one task's smoke run is sized.
    struct Plan {
        /// Optimizer steps.
        var steps: Int
        /// Examples per step.
        var batchSize: Int
        /// `DataOptions.maximumLength` (ignored by the image tasks, which are always 1,024 pixels).
        var maximumLength = 96
        /// Training accuracy the trained model must reach above the majority-class rate.
        var margin = 0.3
        /// The constant learning rate.
        var rate = 1e-2
    }

    /// The sizes, tuned so every task passes with margin at the fixed seed and fits in a few seconds
    /// of a debug build (the 1,024-token tasks dominate). Pathfinder cannot be learned in a few
    /// hundred steps, only memorised, and the tiny mean-pooled model sits on a plateau near the
    /// majority rate first: its end varied from about step 90 to 250 over seeds 11–19 (batch 4);
    /// at seed 13 it ends around step 90, so 200 steps leave a 2× margin. The newsgroup pairs' head
    /// sees only [e₁; e₂]; at rate 10⁻² its ReLUs died at seeds 11 and 12 (loss stuck at ln 2), at
    /// 3·10⁻³ every seed of 11–15 reaches 100% within 400 steps (two of them needed more than 240).
    static func plan(_ task: TrainingTask) -> Plan {
        switch task {
        case .listOps: Plan(steps: 300, batchSize: 16, maximumLength: 64, margin: 0.25)
        case .pathfinder: Plan(steps: 200, batchSize: 4, margin: 0.25)
        case .image, .fashionMNIST: Plan(steps: 30, batchSize: 8)
        case .sentences: Plan(steps: 80, batchSize: 16)
        case .text, .newsgroups, .trec, .smsSpam: Plan(steps: 120, batchSize: 16)
        case .retrieval: Plan(steps: 160, batchSize: 16, margin: 0.25)
        case .newsgroupsPairs: Plan(steps: 400, batchSize: 16, margin: 0.25, rate: 3e-3)
        }
    }

    /// Seeds the data, the model and the data order. Seeds 11–15 all pass every task (with 300
    /// Pathfinder steps; see `plan`).
    static let seed: UInt64 = 13
    /// Generated Pathfinder images (32 train, 4 validation, 4 test).
    static let pathfinderImages = 40

    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("klt-smoke-\(UUID().uuidString)")
    }

    /// Options as `klt train` builds them: the written files as `--data-dir` (nil: generate into the cache).
    static func options(_ task: TrainingTask, dataDirectory: URL?, cache: URL) -> TrainingTask.DataOptions {
        TrainingTask.DataOptions(dataDirectory: dataDirectory, cacheDirectory: cache, maximumLength: plan(task).maximumLength,
                                 seed: seed, listOps: TaskFixtureWriter.listOpsConfiguration(seed: seed),
                                 pathfinderImages: Self.pathfinderImages, pathfinderContourLength: PathfinderDifficulty.easy.contourLength)
    }

    /// Writes the task's fixture under `root` and loads it through `TrainingTask.load`.
    static func splits(_ task: TrainingTask, root: URL) throws -> LabeledSplits {
        let data = root.appendingPathComponent("data"), cache = root.appendingPathComponent("cache")
        let seed = Self.seed
        switch task {
        case .listOps:
            // The files `ListOpsSplits.write(to:)` writes, as --data-dir; the generator path through
            // the cache must read back the same examples.
            try TaskFixtureWriter.writeListOps(to: data, configuration: TaskFixtureWriter.listOpsConfiguration(seed: seed))
            let fromFiles = try task.load(options(task, dataDirectory: data, cache: cache))
            let generated = try task.load(options(task, dataDirectory: nil, cache: cache))
            #expect(generated.train == fromFiles.train && generated.validation == fromFiles.validation && generated.test == fromFiles.test)
            return fromFiles
        case .pathfinder:
            // Generated into the cache (no --data-dir); the generator's files as --data-dir must
            // give the same splits.
            let generated = try task.load(options(task, dataDirectory: nil, cache: cache))
            let configuration = PathfinderGenerator.Configuration(difficulty: .easy, imageCount: Self.pathfinderImages, seed: seed)
            try PathfinderGenerator(configuration: configuration).write(to: data)
            let fromFiles = try task.load(options(task, dataDirectory: data, cache: cache))
            #expect(generated.train == fromFiles.train && generated.validation == fromFiles.validation && generated.test == fromFiles.test)
            return generated
        case .image:
            try TaskFixtureWriter.writeCIFAR10(to: data, perBatch: 12, testCount: 10, classes: 5, seed: seed)
        case .fashionMNIST:
            try TaskFixtureWriter.writeFashionMNIST(to: data, trainCount: 66, testCount: 10, classes: 5, seed: seed)
        case .text:
            try TaskFixtureWriter.writeIMDb(to: data, trainPerClass: 32, testPerClass: 8, seed: seed)
        case .newsgroups:
            try TaskFixtureWriter.writeNewsgroups(to: data, trainPerGroup: 24, testPerGroup: 4, groups: 4, seed: seed)
        case .newsgroupsPairs:
            // One word per group: the pair model only sees [e₁; e₂], so "same group" gives no signal
            // from either document alone; with six words per group it stayed at loss 0.693 for 200 steps.
            try TaskFixtureWriter.writeNewsgroups(to: data, trainPerGroup: 40, testPerGroup: 6, groups: 3,
                                                 style: .init(topicWords: 3, vocabulary: 1, filler: 1...3), seed: seed)
        case .retrieval:
            try TaskFixtureWriter.writeAAN(to: data, counts: (train: 120, validation: 16, test: 16), seed: seed)
        case .sentences:
            try TaskFixtureWriter.writeSentences(to: data, count: 110, seed: seed)
        case .trec:
            try TaskFixtureWriter.writeTREC(to: data, count: 130, seed: seed)
        case .smsSpam:
            try TaskFixtureWriter.writeSMSSpam(to: data, count: 130, seed: seed)
        }
        return try task.load(options(task, dataDirectory: data, cache: cache))
    }

    /// Loads the task's fixture, trains a tiny GMM-PRF model (dropout 0, constant learning rate,
    /// clipping at 1) and checks the training-split accuracy: at least the
    /// majority rate plus the plan's margin after, and up by at least half the margin (an untrained
    /// model can sit well above the majority rate on a few dozen examples: text starts at 0.75 at
    /// this seed). One line per task reports the numbers.
    @Test(arguments: TrainingTask.allCases)
    func tinyModelLearnsTheTask(_ task: TrainingTask) throws {
        let clock = ContinuousClock(), started = clock.now
        let root = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let plan = Self.plan(task)
        let splits = try Self.splits(task, root: root)
        try #require(!splits.train.isEmpty && !splits.validation.isEmpty && !splits.test.isEmpty,
                     "\(task): \(splits.train.count)/\(splits.validation.count)/\(splits.test.count) examples")
        let all = splits.train + splits.validation + splits.test
        #expect(all.allSatisfy { $0.label >= 0 && $0.label < splits.classCount })
        #expect(all.allSatisfy { $0.isPair == task.isPairTask })
        let longest = all.map { max($0.tokens.count, $0.pairedTokens?.count ?? 0) }.max()!
        let loaded = clock.now

        var configuration = task.modelConfiguration(scale: .tiny, splits: splits, maxLength: longest, kernel: "GMM-PRF")
        configuration.dropout = 0
        configuration.attentionDropout = 0
        #expect(configuration.pairInputs == task.isPairTask)
        let model = try SequenceClassifier(configuration: configuration, seed: 5 &+ Self.seed &* 7)
        let trainLabels = splits.train.map(\.label)
        let majority = Trainer.majorityBaseline(trainLabels: trainLabels, evaluationLabels: trainLabels)
        let evaluationBatcher = Batcher(examples: splits.train, batchSize: 32)
        let before = Trainer.evaluate(model, evaluationBatcher, limit: nil)

        let settings = TrainingSettings(steps: plan.steps, batchSize: plan.batchSize, schedule: .constant(plan.rate), clipNorm: 1,
                                        evaluationInterval: plan.steps, seed: 7 &+ Self.seed)
        let trainer = try Trainer(model: model, train: splits.train, validation: splits.validation, test: splits.test,
                                  settings: settings, runDirectory: root.appendingPathComponent("run"),
                                  progress: ProgressReporter(enabled: false))
        let result = try trainer.run()
        let after = Trainer.evaluate(model, evaluationBatcher, limit: nil)
        let finished = clock.now

        let target = min(majority + plan.margin, 0.95)
        print(String(format: "smoke %@: %d/%d/%d examples, %d tokens, majority %.3f, train accuracy %.3f -> %.3f (loss %.3f -> %.3f), validation %.3f; load %@, train %@",
                     task.rawValue, splits.train.count, splits.validation.count, splits.test.count, longest, majority,
                     before.accuracy, after.accuracy, before.loss, after.loss, result.bestValidation.accuracy,
                     "\(loaded - started)", "\(finished - loaded)"))
        #expect(after.accuracy - before.accuracy >= plan.margin / 2,
                "\(task): training accuracy went only from \(before.accuracy) to \(after.accuracy)")
        #expect(after.accuracy >= target, "\(task): training accuracy \(after.accuracy) after \(plan.steps) steps, wanted ≥ \(target) (majority \(majority), before \(before.accuracy))")
        #expect(after.loss < before.loss)
    }
}
