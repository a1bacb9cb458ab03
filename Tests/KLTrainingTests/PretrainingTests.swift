import Foundation
import KLTasks
import KLTensor
import Testing
@testable import KLTraining
@testable import KLTransformer

/// Pre-training end to end on a tiny corpus: the objectives' batches, the streams' windows, bits per
/// byte, learning, exact resume, and the checkpoints' kind and tokeniser.
@Suite struct PretrainingTests {
    /// A repetitive text, so a tiny model can learn it in a few dozen steps.
    static let text = String(repeating: "the cat sat on the mat. the dog sat on the log. ", count: 40)

    static func tokenizer() throws -> BytePairEncoding {
        try BytePairEncoding.train(on: [Array(text.utf8)], vocabularySize: 290)
    }

    static func configuration(vocabularySize: Int, kernel: Kernel = .gmmPRF) -> EncoderConfiguration {
        var c = EncoderConfiguration.preset(.tiny, vocabularySize: vocabularySize, maxLength: 16, classes: 2, kernel: kernel.rawValue)
        c.kernelPreset = .text
        c.dropout = 0
        c.attentionDropout = 0
        return c
    }

    static func settings(steps: Int) -> TrainingSettings {
        TrainingSettings(steps: steps, batchSize: 8, schedule: .constant(1e-2), clipNorm: 1, evaluationInterval: 10, evaluationBatches: 2, seed: 3)
    }

    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("klt-pretrain-\(UUID().uuidString)")
    }

    static func pretrainer(steps: Int, directory: URL, objective: PretrainingObjective = .masked) throws -> Pretrainer<MaskedLanguageModel> {
        let encoding = try tokenizer()
        let stream = TokenStream(documents: [TextDocument(source: "toy", bytes: Array(text.utf8))], tokenizer: encoding)
        let model = try MaskedLanguageModel(configuration: configuration(vocabularySize: encoding.vocabularySize), seed: 4)
        return try Pretrainer(model: model, tokenizer: encoding, setup: PretrainingSetup(objective: objective, inputLength: 16, corpus: "toy"),
                              train: stream, validation: stream, test: nil, settings: settings(steps: steps), runDirectory: directory,
                              progress: ProgressReporter(enabled: false))
    }

    @Test func maskedBatchChoosesFifteenPercentAndCorruptsThemEightyTenTen() {
        var generator = RandomGenerator(seed: 9)
        let windows = (0..<400).map { row in (0..<40).map { 1 + (row * 7 + $0) % 200 } }
        let batch = PretrainingObjective.masked.batch(windows: windows, length: 40, vocabularySize: 300, maskID: 257, generator: &generator)
        #expect(batch.positions.count == 400 * 6)   // round(0.15 × 40) per row
        #expect(batch.positions == batch.positions.sorted() && Set(batch.positions).count == batch.positions.count)
        var masked = 0, replaced = 0, kept = 0
        for (position, target) in zip(batch.positions, batch.targets) {
            #expect(windows[position / 40][position % 40] == target)
            let input = batch.inputs[position]
            if input == 257 { masked += 1 } else if input == target { kept += 1 } else { replaced += 1 }
            #expect(input != 0 && input < 300)
        }
        let total = Double(batch.positions.count)
        #expect(abs(Double(masked) / total - 0.8) < 0.03)
        #expect(abs(Double(replaced) / total - 0.1) < 0.02)
        // A random replacement can draw the original token (1 in 298): "kept" is 10% and a little.
        #expect(abs(Double(kept) / total - 0.1) < 0.02)
        // Positions not chosen are the window's tokens, unchanged.
        let chosen = Set(batch.positions)
        for flat in 0..<(400 * 40) where !chosen.contains(flat) { #expect(batch.inputs[flat] == windows[flat / 40][flat % 40]) }
    }

    @Test func causalBatchPredictsTheNextTokenAndPadsShortWindows() {
        var generator = RandomGenerator(seed: 1)
        let batch = PretrainingObjective.causal.batch(windows: [[5, 6, 7, 8, 9], [3, 4, 5]], length: 4, vocabularySize: 300,
                                                      maskID: 257, generator: &generator)
        #expect(batch.inputs == [5, 6, 7, 8, 3, 4, 0, 0])
        #expect(batch.lengths == [4, 2])
        #expect(batch.positions == [0, 1, 2, 3, 4, 5])
        #expect(batch.targets == [6, 7, 8, 9, 4, 5])
        #expect(PretrainingObjective.causal.windowTokens(forInputLength: 4) == 5)
    }

    @Test func streamWindowsCoverTheStream() {
        let stream = TokenStream(tokens: Array(1...10), byteCount: 10)
        #expect(stream.consecutiveWindows(size: 4) == [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]])
        #expect(stream.consecutiveWindows(size: 4, overlap: 1, minimum: 2) == [[1, 2, 3, 4], [4, 5, 6, 7], [7, 8, 9, 10]])
        var a = RandomGenerator(seed: 2), b = RandomGenerator(seed: 2)
        let windows = stream.randomWindows(count: 20, size: 3, generator: &a)
        #expect(windows == stream.randomWindows(count: 20, size: 3, generator: &b))
        #expect(windows.allSatisfy { $0.count == 3 && $0[1] == $0[0] + 1 && $0[2] == $0[0] + 2 })
        #expect(Set(windows.map(\.[0])).isSubset(of: Set(1...8)) && Set(windows.map(\.[0])).count > 3)
    }

    @Test func bitsPerByteCountsBitsOverTheBytesPredicted() {
        // Two tokens of 3 bytes each at ln 2 nats apiece: 2 bits over 6 bytes.
        let evaluation = LanguageModelEvaluation(totalLoss: 2 * log(2), correct: 1, tokens: 2, bytes: 6)
        #expect(abs(evaluation.bitsPerByte - 1.0 / 3) < 1e-12)
        #expect(abs(evaluation.perplexity - 2) < 1e-12)
        #expect(evaluation.accuracy == 0.5)
    }

    @Test func maskedModelLearnsTheCorpusAndItsCheckpointHoldsTheTokenizer() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pretrainer = try Self.pretrainer(steps: 60, directory: directory)
        let before = pretrainer.evaluate(TokenStream(documents: [TextDocument(source: "toy", bytes: Array(Self.text.utf8))],
                                                     tokenizer: pretrainer.tokenizer), limit: 2)
        let result = try pretrainer.run()
        #expect(result.bestValidation.loss < 0.6 * before.loss, "validation loss \(before.loss) → \(result.bestValidation.loss)")
        #expect(result.bestValidation.bitsPerByte < before.bitsPerByte)
        let contents = try Checkpoint.read(from: result.bestCheckpoint)
        #expect(contents.modelKind == "masked-language-model")
        let stored = try PretrainingSetup.read(from: contents)
        #expect(stored.tokenizer == pretrainer.tokenizer && stored.setup == pretrainer.setup)
        // A classifier does not load a language model's file, and says why.
        let classifier = try SequenceClassifier(configuration: contents.configuration, seed: 1)
        #expect(throws: TrainingError.incompatibleCheckpoint("\(contents.url.path) holds a masked-language-model, not a classifier")) {
            try Checkpoint.restore(contents, into: classifier)
        }
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("summary.json"))) as? [String: Any]
        #expect((summary?["validationBitsPerByte"] as? Double).map { abs($0 - result.bestValidation.bitsPerByte) < 1e-9 } == true)
    }

    @Test func causalModelLearnsTheCorpusFromItsNextTokens() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let encoding = try Self.tokenizer()
        let stream = TokenStream(documents: [TextDocument(source: "toy", bytes: Array(Self.text.utf8))], tokenizer: encoding)
        let model = try CausalLanguageModel(configuration: Self.configuration(vocabularySize: encoding.vocabularySize), seed: 4)
        let pretrainer = try Pretrainer(model: model, tokenizer: encoding,
                                        setup: PretrainingSetup(objective: .causal, inputLength: 16, corpus: "toy"),
                                        train: stream, validation: stream, test: stream, settings: Self.settings(steps: 60),
                                        runDirectory: directory, progress: ProgressReporter(enabled: false))
        let before = pretrainer.evaluate(stream, limit: 2)
        let result = try pretrainer.run()
        #expect(result.bestValidation.loss < 0.5 * before.loss, "validation loss \(before.loss) → \(result.bestValidation.loss)")
        #expect(result.test == result.bestValidation)   // the same stream, scored on the best checkpoint both times
        #expect(try Checkpoint.read(from: result.bestCheckpoint).modelKind == "causal-language-model")
        // A masked model does not load a causal model's file.
        let masked = try MaskedLanguageModel(configuration: model.configuration, seed: 1)
        #expect(throws: TrainingError.self) { try Checkpoint.restore(Checkpoint.read(from: result.bestCheckpoint), into: masked) }
    }

    @Test func pretrainedEncoderStartsAClassifierOfTheSameEncoderAndRefusesAnother() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Self.pretrainer(steps: 10, directory: directory).run()
        let contents = try Checkpoint.read(from: result.bestCheckpoint)
        let pretrained = try PretrainedEncoder(contents)
        // The task's byte ids become the tokeniser's ids.
        let bytes = Array("the cat sat".utf8).map { Int($0) + 1 }
        let splits = LabeledSplits(train: [ClassificationExample(tokens: bytes, label: 1)], validation: [], test: [],
                                   vocabularySize: 257, classCount: 2)
        let encoded = try splits.reencoded(with: pretrained.tokenizer)
        #expect(encoded.train[0].tokens == pretrained.tokenizer.encode("the cat sat"))
        #expect(encoded.train[0].tokens.count < bytes.count && encoded.vocabularySize == pretrained.tokenizer.vocabularySize)
        #expect(throws: TrainingError.self) {
            try LabeledSplits(train: [ClassificationExample(tokens: [300], label: 0)], validation: [], test: [],
                              vocabularySize: 301, classCount: 2).reencoded(with: pretrained.tokenizer)
        }
        // A classifier with the same encoder (other classes, length and dropout) takes its tensors and draws.
        var configuration = contents.configuration
        (configuration.classes, configuration.maxLength, configuration.dropout) = (5, 40, 0.3)
        let classifier = try SequenceClassifier(configuration: configuration, seed: 8)
        try pretrained.load(into: classifier)
        let source = try MaskedLanguageModel(configuration: contents.configuration, seed: 0)
        try Checkpoint.restore(contents, into: source)
        let sourceTensors = Dictionary(uniqueKeysWithValues: source.parameters.map { ($0.name, $0.tensor.scalars) })
        for parameter in classifier.parameters where parameter.name.hasPrefix("encoder.") {
            #expect(parameter.tensor.scalars == sourceTensors[parameter.name], "\(parameter.name)")
        }
        #expect(classifier.featureMaps.map(\.randomness) == contents.state.featureRandomness)
        // Its checkpoints carry the tokeniser, so evaluation re-encodes the task the same way.
        let fineTuned = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: fineTuned) }
        let examples = (0..<8).map { ClassificationExample(tokens: pretrained.tokenizer.encode($0 % 2 == 0 ? "the cat" : "a dog sat"), label: $0 % 2) }
        let trainer = try Trainer(model: classifier, train: examples, validation: examples, test: nil,
                                  settings: TrainingSettings(steps: 2, batchSize: 4, schedule: .constant(1e-3), evaluationInterval: 2, seed: 1),
                                  runDirectory: fineTuned, progress: ProgressReporter(enabled: false),
                                  checkpointMetadata: [PretrainingSetup.tokenizerKey: pretrained.tokenizer.fileText])
        try trainer.run()
        #expect(try Checkpoint.read(from: trainer.bestCheckpointURL).storedTokenizer() == pretrained.tokenizer)
        #expect(try contents.storedTokenizer() == pretrained.tokenizer)
        // Another width or kernel is refused, naming what differs.
        var wider = configuration
        wider.modelDimension = 32
        wider.kernel = Kernel.softmax.rawValue
        do {
            try pretrained.check(wider)
            Issue.record("expected a wider softmax classifier to be refused")
        } catch let TrainingError.incompatibleCheckpoint(message) {
            #expect(message.contains("width 32 here, 16 pre-trained") && message.contains("kernel softmax here, GMM-PRF pre-trained"))
        }
        // A classifier's checkpoint is not a pre-trained encoder.
        #expect(throws: TrainingError.self) { try PretrainedEncoder(Checkpoint.Contents(
            configuration: contents.configuration, state: contents.state, tensors: [:], optimizerStep: 0, url: contents.url, metadata: [:])) }
    }

    @Test func resumedRunTrainsExactlyAsAnUninterruptedOne() throws {
        let whole = Self.temporaryDirectory(), split = Self.temporaryDirectory()
        defer { for directory in [whole, split] { try? FileManager.default.removeItem(at: directory) } }
        let uninterrupted = try Self.pretrainer(steps: 20, directory: whole).run()
        _ = try Self.pretrainer(steps: 20, directory: split).run(stopAfter: 10)
        let resumed = try Self.pretrainer(steps: 20, directory: split)
        #expect(try resumed.resumeFromLastCheckpoint())
        #expect(resumed.completedSteps == 10)
        let rest = try resumed.run()
        #expect(rest.losses == Array(uninterrupted.losses.suffix(10)))
        #expect(rest.bestValidation == uninterrupted.bestValidation)
        // Another objective in the same folder is refused.
        let other = try Self.pretrainer(steps: 20, directory: split, objective: .causal)
        #expect(throws: TrainingError.self) { try other.resumeFromLastCheckpoint() }
    }
}
