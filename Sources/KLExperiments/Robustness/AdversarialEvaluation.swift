import KLTasks
import KLTensor
import KLTraining
import KLTransformer

/// The accuracy of a model on adversarial images at one radius ε, with one way of taking gradients.
public struct RobustAccuracy: Sendable, Equatable, Codable {
    /// The L∞ radius in intensity (pixels in [0, 1]).
    public let epsilon: Double
    /// How the attack took gradients ("fixed draw", "EOT-K", or "exact" for a deterministic model).
    public let gradients: String
    /// Examples still classified correctly on their adversarial image.
    public let correct: Int
    /// Examples attacked.
    public let count: Int

    /// correct / count.
    public var accuracy: Double { count == 0 ? 0 : Double(correct) / Double(count) }
}

/// Why an attack cannot run on a model.
public struct AttackError: Error, CustomStringConvertible, Equatable {
    /// What is wrong, naming the model and the fix.
    public let description: String
}

/// Runs an L∞ pixel attack on every example of a split and counts what stays correct, for a model
/// whose pixels enter through a differentiable embedding (`--pixel-embedding linear` or `--patch P`).
///
/// Examples go through the model in the batches `klt eval` uses, inside `evaluating(_:)`, and every
/// forward pass of a batch replays that batch's evaluation draw of the random features: at ε = 0
/// the accuracy is exactly `klt eval`'s, and at every ε the model is scored on the draw it is
/// evaluated with. With `.fixedDraw` the attack's gradients come from that same draw; with
/// `.expectationOverTransformation(draws:)` each gradient is the mean over fresh draws.
public struct AdversarialEvaluation {
    /// The model under attack.
    public let model: SequenceClassifier
    /// The search.
    public let attack: PixelAttack
    /// What a deterministic model's gradients are called (one draw is every draw).
    public static let exactGradients = "exact"
    /// The key of the attack's feature streams (EOT draws), mixed with the attack's seed.
    static let drawKey: UInt64 = 0x4B4C_5441_7474_6B31   // "KLTAttk1"

    /// An attack on `model`; refuses models whose pixels are tokens (no gradient reaches them) and
    /// attack settings that cannot run. `origin` names the model in messages (e.g. its checkpoint).
    public init(model: SequenceClassifier, attack: PixelAttack, origin: String) throws {
        guard model.configuration.inputEmbedding.readsPixels else {
            throw AttackError(description: "\(origin) embeds pixels as tokens (LRA's 256 intensity tokens), so no gradient reaches the pixels and no attack can run; train it with --pixel-embedding linear or --patch P")
        }
        if let problem = attack.problem { throw AttackError(description: problem) }
        self.model = model
        self.attack = attack
    }

    /// The gradient estimates worth reporting for this model: the fixed draw and EOT-`draws` when
    /// its evaluation is random (`draws` > 0), or the exact gradient alone when it is deterministic.
    public func gradientEstimates(eotDraws draws: Int) -> [AttackGradients] {
        guard model.drawsInEvaluation else { return [.fixedDraw] }
        return draws > 0 ? [.fixedDraw, .expectationOverTransformation(draws: draws)] : [.fixedDraw]
    }

    /// The name a gradient estimate is reported under: "exact" for a deterministic model.
    public func label(_ gradients: AttackGradients) -> String {
        model.drawsInEvaluation ? gradients.description : Self.exactGradients
    }

    /// Robust accuracy on `examples` for every ε (in order) and every gradient estimate, ε = 0 being
    /// the clean accuracy. `progress` hears one line per finished batch.
    public func run(examples: [ClassificationExample], batchSize: Int, epsilons: [Double], gradients: [AttackGradients],
                    progress: (String) -> Void = { _ in }) throws -> [RobustAccuracy] {
        let settings = epsilons.flatMap { epsilon in (epsilon == 0 ? [AttackGradients.fixedDraw] : gradients).map { (epsilon, $0) } }
        var correct = [Int](repeating: 0, count: settings.count)
        var count = 0, generator = RandomGenerator(seed: attack.seed)
        let batches = Array(Batcher(examples: examples, batchSize: batchSize).sequentialBatches())
        try model.evaluating {
            for (index, batch) in batches.enumerated() {
                let images = AttackBatch(batch)
                let draws = model.featureDraws
                let clean = predictions(images.pixels, images, draws: draws)
                let afterBatch = model.featureDraws
                let cleanCorrect = zip(clean, batch.labels).map { $0 == $1 }
                for (slot, (epsilon, estimate)) in settings.enumerated() {
                    let robust = epsilon == 0 ? cleanCorrect
                        : try robustRows(images, cleanCorrect: cleanCorrect, epsilon: Float(epsilon), gradients: estimate,
                                         draws: draws, generator: &generator)
                    correct[slot] += robust.filter { $0 }.count
                }
                count += batch.batchSize
                model.restore(afterBatch)
                progress("batch \(index + 1)/\(batches.count): \(count) examples")
            }
        }
        return zip(settings, correct).map { setting, correct in
            RobustAccuracy(epsilon: setting.0, gradients: setting.0 == 0 ? "clean" : label(setting.1), correct: correct, count: count)
        }
    }

    /// Which rows stay correct under the attack at radius `epsilon`: correct on the clean image
    /// and on the adversarial image of every start.
    func robustRows(_ images: AttackBatch, cleanCorrect: [Bool], epsilon: Float, gradients: AttackGradients, draws: FeatureDraws,
                    generator: inout RandomGenerator) throws -> [Bool] {
        var robust = cleanCorrect
        for _ in 0..<(attack.method == .pgd ? attack.restarts : 1) where robust.contains(true) {
            let adversarial = try perturb(images, epsilon: epsilon, gradients: gradients, draws: draws, generator: &generator)
            let predicted = predictions(adversarial, images, draws: draws)
            for row in robust.indices where predicted[row] != images.labels[row] { robust[row] = false }
        }
        return robust
    }

    /// One adversarial batch: pixels within `epsilon` of the clean ones (real pixels only) and in [0, 1].
    func perturb(_ images: AttackBatch, epsilon: Float, gradients: AttackGradients, draws: FeatureDraws,
                 generator: inout RandomGenerator) throws -> [Float] {
        var pixels = images.pixels
        let step = attack.stepSize(epsilon: Double(epsilon))
        let steps: Int
        switch attack.method {
        case .fgsm:
            steps = 1
        case .pgd:
            steps = attack.steps
            let start = generator.uniform(count: pixels.count, low: -epsilon, high: epsilon)
            for i in images.attackable { pixels[i] = min(max(pixels[i] + start[i], 0), 1) }
        }
        for _ in 0..<steps {
            let gradient = try lossGradient(pixels, images, gradients: gradients, draws: draws, generator: &generator)
            for i in images.attackable {
                let clean = images.pixels[i]
                let moved = pixels[i] + (gradient[i] > 0 ? step : gradient[i] < 0 ? -step : 0)
                pixels[i] = min(max(moved, max(clean - epsilon, 0)), min(clean + epsilon, 1))
            }
        }
        return pixels
    }

    /// ∂(attack loss)/∂pixels at `pixels` (the loss summed over rows, or cross-entropy's mean): of the
    /// batch's evaluation draw, or the mean over fresh draws. The model's parameter gradients this
    /// leaves behind are cleared.
    func lossGradient(_ pixels: [Float], _ images: AttackBatch, gradients: AttackGradients, draws: FeatureDraws,
                      generator: inout RandomGenerator) throws -> [Float] {
        defer { for parameter in model.parameters { parameter.tensor.zeroGrad() } }
        let samples: Int
        switch gradients {
        case .fixedDraw: samples = 1
        case .expectationOverTransformation(let count): samples = model.drawsInEvaluation ? max(count, 1) : 1
        }
        var total = [Float](repeating: 0, count: pixels.count)
        for _ in 0..<samples {
            model.restore(draws)
            if case .expectationOverTransformation = gradients { model.drawFeatures(fromStreamsUnder: Self.drawKey ^ generator.nextUInt64()) }
            let input = Tensor(shape: [images.batch, images.length], scalars: pixels, requiresGrad: true)
            var context = ForwardContext(training: false)
            let logits = model(pixels: input, lengths: images.lengths, context: &context)
            try objective(logits, labels: images.labels).backward()
            guard let gradient = input.grad else { continue }
            gradient.withUnsafeBufferPointer { values in for i in total.indices { total[i] += values[i] } }
        }
        return total
    }

    /// The attack's loss of `logits` (a scalar to climb).
    func objective(_ logits: Tensor, labels: [Int]) -> Tensor {
        switch attack.loss {
        case .crossEntropy:
            return Tensor.crossEntropy(logits: logits, labels: labels)
        case .margin:
            // z_j* − z_y with j* the strongest wrong class at these logits (fixed for the gradient,
            // which is that of the margin almost everywhere).
            let classes = logits.shape[1]
            var coefficients = [Float](repeating: 0, count: logits.count)
            logits.withUnsafeBufferPointer { values in
                for (row, label) in labels.enumerated() {
                    let wrong = (0..<classes).filter { $0 != label }.max { values[row * classes + $0] < values[row * classes + $1] }!
                    coefficients[row * classes + wrong] = 1
                    coefficients[row * classes + label] = -1
                }
            }
            return (logits * Tensor(shape: logits.shape, scalars: coefficients)).sum()
        }
    }

    /// The predicted class of each row for `pixels`, on the batch's evaluation draw.
    func predictions(_ pixels: [Float], _ images: AttackBatch, draws: FeatureDraws) -> [Int] {
        model.restore(draws)
        return withoutGradients {
            var context = ForwardContext(training: false)
            return Trainer.predictedClasses(model(pixels: Tensor(shape: [images.batch, images.length], scalars: pixels),
                                                  lengths: images.lengths, context: &context))
        }
    }
}

/// A batch of images for an attack: intensities, labels, and which positions are real pixels.
struct AttackBatch {
    /// Intensities in [0, 1], batch × length, row-major (0 at padding).
    let pixels: [Float]
    let labels: [Int]
    let lengths: [Int]
    let batch: Int
    let length: Int
    /// Indices into `pixels` of the real pixels, the only ones an attack changes.
    let attackable: [Int]

    init(_ batch: ClassificationBatch) {
        self.batch = batch.batchSize
        length = batch.sequenceLength
        labels = batch.labels
        lengths = batch.lengths
        pixels = TransformerEncoder.intensities(batch.tokens, batch: batch.batchSize, length: batch.sequenceLength).scalars
        attackable = (0..<batch.batchSize).flatMap { row in (0..<batch.lengths[row]).map { row * batch.sequenceLength + $0 } }
    }
}
