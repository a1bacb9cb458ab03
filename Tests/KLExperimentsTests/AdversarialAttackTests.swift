import Foundation
import KLTasks
import KLTensor
import KLTestSupport
import KLTraining
import KLTransformer
import Testing
@testable import KLExperiments

/// `klt attack`'s library on tiny image models trained here: 8×8 images whose class is the brighter
/// half (left or right). PGD at a large radius must fool them, ε = 0 must be `klt eval`'s accuracy
/// (the same batches on the same feature draws), adversarial images stay in their box, the same seed
/// gives the same result, and models or settings that cannot be attacked are refused.
@Suite struct AdversarialAttackTests {
    static let side = 8

    /// `count` images (as pixel tokens, intensity·255 + 1) with noise in [0, 0.3] and one half
    /// brightened by 0.5: label 0 for the left half, 1 for the right.
    static func images(_ count: Int, seed: UInt64) -> [ClassificationExample] {
        var data = TestData(seed: seed)
        return (0..<count).map { index in
            let label = index % 2
            let tokens = (0..<(side * side)).map { pixel -> Int in
                let inBrightHalf = (pixel % side < side / 2) == (label == 0)
                let intensity = Double(data.nextUInt64() % 1000) / 1000 * 0.3 + (inBrightHalf ? 0.5 : 0)
                return 1 + Int((intensity * 255).rounded())
            }
            return ClassificationExample(tokens: tokens, label: label)
        }
    }

    static func configuration(kernel: String, embedding: InputEmbedding = .patches(size: 2)) -> EncoderConfiguration {
        EncoderConfiguration(vocabularySize: 257, maxLength: side * side, modelDimension: 8, heads: 2, headDimension: 4,
                             feedForwardDimension: 16, layers: 1, classifierDimension: 8, classes: 2, dropout: 0, attentionDropout: 0,
                             kernel: kernel, inputEmbedding: embedding)
    }

    /// A model trained for 80 steps on 64 images (it separates them: the task is easy).
    static func trainedModel(kernel: String, embedding: InputEmbedding = .patches(size: 2)) throws -> SequenceClassifier {
        let model = try SequenceClassifier(configuration: configuration(kernel: kernel, embedding: embedding), seed: 3)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("klt-attack-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let settings = TrainingSettings(steps: 80, batchSize: 16, schedule: .constant(1e-2), clipNorm: 1, evaluationInterval: 80, seed: 4)
        let trainer = try Trainer(model: model, train: images(64, seed: 1), validation: images(16, seed: 2), test: nil, settings: settings,
                                  runDirectory: directory, progress: ProgressReporter(enabled: false))
        try trainer.run()
        return model
    }

    static let test = images(40, seed: 9)

    @Test func cleanAccuracyIsEvaluationsOnTheSameDraws() throws {
        let model = try Self.trainedModel(kernel: "GMM-PRF")
        #expect(model.drawsInEvaluation)
        let evaluation = Trainer.evaluate(model, Batcher(examples: Self.test, batchSize: 16), limit: nil)
        #expect(evaluation.accuracy >= 0.9, "the tiny model should separate the halves, got \(evaluation.accuracy)")
        let attack = try AdversarialEvaluation(model: model, attack: PixelAttack(method: .pgd, steps: 3), origin: "test model")
        let results = try attack.run(examples: Self.test, batchSize: 16, epsilons: [0, 0.05], gradients: [.fixedDraw])
        #expect(results.first?.gradients == "clean")
        #expect(results.first?.correct == Int((evaluation.accuracy * Double(evaluation.count)).rounded()))
        #expect(results.first?.count == Self.test.count)
        // The attack leaves the model's random state as it found it: a second evaluation agrees.
        #expect(Trainer.evaluate(model, Batcher(examples: Self.test, batchSize: 16), limit: nil) == evaluation)
    }

    @Test(arguments: ["GMM-PRF", "softmax"])
    func pgdAtALargeRadiusFoolsTheModel(kernel: String) throws {
        let model = try Self.trainedModel(kernel: kernel)
        // One start can end on a plateau where the tiny model is saturated; five find an adversarial image for nearly every example.
        let attack = try AdversarialEvaluation(model: model, attack: PixelAttack(method: .pgd, steps: 10, restarts: 5, seed: 1), origin: "test model")
        let results = try attack.run(examples: Self.test, batchSize: 16, epsilons: [0, 0.01, 0.5], gradients: attack.gradientEstimates(eotDraws: 2))
        let clean = results[0].accuracy, large = results.filter { $0.epsilon == 0.5 }
        #expect(clean >= 0.9)
        #expect(large.count == (kernel == "softmax" ? 1 : 2))
        for result in large { #expect(result.accuracy <= 0.1, "\(kernel) \(result.gradients): \(result.accuracy) at ε = 0.5") }
        // Robust accuracy cannot exceed clean accuracy, and a tiny radius barely moves it.
        for result in results { #expect(result.correct <= results[0].correct) }
        #expect(results.filter { $0.epsilon == 0.01 }.allSatisfy { $0.accuracy >= clean - 0.2 })
        #expect(Set(large.map(\.gradients)) == (kernel == "softmax" ? ["exact"] : ["fixed draw", "EOT-2"]))
    }

    @Test func fgsmLowersAccuracyAtALargeRadius() throws {
        let model = try Self.trainedModel(kernel: "softmax", embedding: .linearPixels)
        let attack = try AdversarialEvaluation(model: model, attack: PixelAttack(method: .fgsm), origin: "test model")
        let results = try attack.run(examples: Self.test, batchSize: 16, epsilons: [0, 0.5], gradients: [.fixedDraw])
        #expect(results[0].accuracy >= 0.9)
        #expect(results[1].accuracy <= results[0].accuracy - 0.3, "one signed step of 0.5 should fool many: \(results[1].accuracy)")
    }

    @Test func adversarialImagesStayInTheirBoxAndInRange() throws {
        let model = try Self.trainedModel(kernel: "GMM-PRF")
        let attack = try AdversarialEvaluation(model: model, attack: PixelAttack(method: .pgd, steps: 4, seed: 2), origin: "test model")
        let batch = Array(Batcher(examples: Self.test, batchSize: 16).sequentialBatches())[0]
        let images = AttackBatch(batch)
        var generator = RandomGenerator(seed: 5)
        for gradients in [AttackGradients.fixedDraw, .expectationOverTransformation(draws: 2)] {
            let adversarial = try model.evaluating {
                try attack.perturb(images, epsilon: 0.1, gradients: gradients, draws: model.featureDraws, generator: &generator)
            }
            let moved = zip(adversarial, images.pixels).map { abs($0 - $1) }
            #expect(moved.max()! <= 0.1 + 1e-6)
            #expect(moved.max()! > 0.05, "PGD should move some pixel most of the way to the box's edge")
            #expect(adversarial.allSatisfy { $0 >= 0 && $0 <= 1 })
        }
    }

    @Test func theSameSeedGivesTheSameResultAndEOTDiffersFromTheFixedDraw() throws {
        let model = try Self.trainedModel(kernel: "GMM-PRF")
        let attack = try AdversarialEvaluation(model: model, attack: PixelAttack(method: .pgd, steps: 3, seed: 7), origin: "test model")
        let batch = Array(Batcher(examples: Self.test, batchSize: 16).sequentialBatches())[0]
        let images = AttackBatch(batch)
        func gradient(_ estimate: AttackGradients, seed: UInt64) throws -> [Float] {
            var generator = RandomGenerator(seed: seed)
            return try model.evaluating { try attack.lossGradient(images.pixels, images, gradients: estimate, draws: model.featureDraws, generator: &generator) }
        }
        #expect(try gradient(.fixedDraw, seed: 1) == gradient(.fixedDraw, seed: 2), "the fixed draw does not depend on the attack's generator")
        let eot = try gradient(.expectationOverTransformation(draws: 3), seed: 1)
        #expect(try eot == gradient(.expectationOverTransformation(draws: 3), seed: 1))
        #expect(try eot != gradient(.expectationOverTransformation(draws: 3), seed: 2))
        #expect(try eot != gradient(.fixedDraw, seed: 1))
        let first = try attack.run(examples: Self.test, batchSize: 16, epsilons: [0.1], gradients: [.expectationOverTransformation(draws: 2)])
        #expect(try first == attack.run(examples: Self.test, batchSize: 16, epsilons: [0.1], gradients: [.expectationOverTransformation(draws: 2)]))
    }

    @Test(arguments: PixelAttack.Loss.allCases)
    func lossGradientMatchesFiniteDifferences(loss: PixelAttack.Loss) throws {
        let model = try Self.trainedModel(kernel: "softmax", embedding: .linearPixels)
        let attack = try AdversarialEvaluation(model: model, attack: PixelAttack(method: .fgsm, loss: loss), origin: "test model")
        let images = AttackBatch(Array(Batcher(examples: Array(Self.test.prefix(4)), batchSize: 4).sequentialBatches())[0])
        var generator = RandomGenerator(seed: 1)
        let draws = model.featureDraws
        let analytic = try attack.lossGradient(images.pixels, images, gradients: .fixedDraw, draws: draws, generator: &generator)
        func objective(_ pixels: [Float]) -> Double {
            withoutGradients {
                var context = ForwardContext(training: false)
                let logits = model(pixels: Tensor(shape: [images.batch, images.length], scalars: pixels), lengths: images.lengths, context: &context)
                return Double(attack.objective(logits, labels: images.labels).item)
            }
        }
        for index in [0, 9, 63, 100, 200, 255] {
            var plus = images.pixels, minus = images.pixels
            plus[index] += 1e-2
            minus[index] -= 1e-2
            let numeric = (objective(plus) - objective(minus)) / 2e-2
            #expect(abs(numeric - Double(analytic[index])) <= 2e-3 + 0.05 * abs(numeric), "\(loss) pixel \(index): \(numeric) vs \(analytic[index])")
        }
    }

    @Test func tokenPixelModelsAndBadSettingsAreRefused() throws {
        let model = try SequenceClassifier(configuration: Self.configuration(kernel: "softmax", embedding: .tokens), seed: 1)
        #expect {
            try AdversarialEvaluation(model: model, attack: PixelAttack(method: .pgd), origin: "runs/a/best.safetensors")
        } throws: { error in
            "\(error)".contains("runs/a/best.safetensors") && "\(error)".contains("--pixel-embedding linear")
        }
        #expect(PixelAttack(method: .pgd, steps: 0).problem != nil)
        #expect(PixelAttack(method: .pgd, restarts: 0).problem != nil)
        #expect(PixelAttack(method: .pgd, stepFraction: -1).problem != nil)
        #expect(PixelAttack(method: .fgsm, steps: 0).problem == nil)
    }

    @Test func radiiParseAsFractionsOrDecimals() throws {
        #expect(try AttackRadii.parse("0,1/255, 8/255,0.5") == [0, 1.0 / 255, 8.0 / 255, 0.5])
        for bad in ["-1/255", "2", "1/0", "eight", "1/2/3", "", "0.1,,0.2"] {
            #expect { try AttackRadii.parse(bad) } throws: { "\($0)".contains("radius") }
        }
        #expect(AttackRadii.describe(8.0 / 255) == "8/255")
        #expect(AttackRadii.describe(0.03) == "0.03")
        #expect(AttackRadii.describe(0) == "0")
    }
}
