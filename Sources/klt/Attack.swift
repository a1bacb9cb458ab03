import ArgumentParser
import Foundation
import KLExperiments
import KLTasks
import KLTraining
import KLTransformer

/// `klt attack`: L∞ FGSM or PGD on the pixels of an image checkpoint; robust accuracy per ε.
struct Attack: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Attack an image checkpoint's pixels (L∞ FGSM or PGD) and report robust accuracy per ε.",
        discussion: """
        The model must read pixels through a differentiable embedding (`klt train --pixel-embedding linear` or \
        `--patch P`). Kernels that redraw their random features at every call (the paper's learned kernels) are \
        attacked twice: with the gradient of the very draw they are scored with ("fixed draw") and with the mean \
        gradient over --eot fresh draws ("EOT-K"); deterministic models have one, exact, gradient.
        """)

    @Option(help: "Checkpoint file (.safetensors) written by `klt train`.")
    var checkpoint: String
    @Option(help: "fgsm or pgd.")
    var method = PixelAttack.Method.pgd.rawValue
    @Option(help: "The loss the attack climbs: margin (max wrong logit − true logit, never saturates) or cross-entropy.")
    var loss = PixelAttack.Loss.margin.rawValue
    @Option(help: "L∞ radii in intensity (pixels in [0, 1]), e.g. 1/255,2/255,4/255,8/255; 0 is the clean accuracy.")
    var epsilon = "0,1/255,2/255,4/255,8/255"
    @Option(parsing: .unconditional, help: "PGD: steps per start.")
    var steps = 10
    @Option(parsing: .unconditional, help: "PGD: step size as a fraction of ε (default 2.5 / steps).")
    var stepSize: Double?
    @Option(parsing: .unconditional, help: "PGD: random starts (an example is robust only if no start fools the model).")
    var restarts = 1
    @Option(parsing: .unconditional, help: "Expectation over transformation: average each gradient over K fresh feature draws (0: fixed draw only).")
    var eot = 4
    @Option(parsing: .unconditional, help: "Seed of PGD's random starts and of the EOT draws.")
    var seed: UInt64 = 0
    @Option(help: "Split: train, validation or test.")
    var split = "test"
    @Option(parsing: .unconditional, help: "Attack only the first N examples of the split (default: all).")
    var examples: Int?
    @Option(parsing: .unconditional, help: "Examples per batch (the batches of `klt eval` with the same size).")
    var batchSize = 32
    @OptionGroup var data: TaskOptions

    func validate() throws {
        guard let method = PixelAttack.Method(rawValue: method) else {
            throw ValidationError("unknown --method '\(self.method)'; available: \(PixelAttack.Method.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard PixelAttack.Loss(rawValue: loss) != nil else {
            throw ValidationError("unknown --loss '\(loss)'; available: \(PixelAttack.Loss.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        do { _ = try AttackRadii.parse(epsilon) } catch { throw ValidationError("--epsilon: \(error)") }
        if let problem = PixelAttack(method: method, steps: steps, stepFraction: stepSize, restarts: restarts).problem {
            throw ValidationError(problem)
        }
        guard eot >= 0 else { throw ValidationError("--eot must be 0 or more draws, got \(eot)") }
        guard ["train", "validation", "test"].contains(split) else {
            throw ValidationError("unknown --split '\(split)'; available: train, validation, test")
        }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        if let examples, examples < 1 { throw ValidationError("--examples must be at least 1, got \(examples)") }
    }

    func run() throws {
        let loaded = try CheckpointOnSplit(checkpoint: checkpoint, data: data, split: split, batchSize: batchSize)
        let attack = PixelAttack(method: PixelAttack.Method(rawValue: method)!, loss: PixelAttack.Loss(rawValue: loss)!, steps: steps, stepFraction: stepSize, restarts: restarts, seed: seed)
        let evaluation = try AdversarialEvaluation(model: loaded.model, attack: attack, origin: checkpoint)
        let targets = Array(loaded.examples.prefix(examples ?? Int.max))
        let gradients = evaluation.gradientEstimates(eotDraws: eot)
        let configuration = loaded.model.configuration
        print("model: kernel \(configuration.kernel), \(configuration.inputEmbedding) pixel embedding, trained \(loaded.contents.state.step) steps; "
              + (loaded.model.drawsInEvaluation ? "features redrawn at every call" : "deterministic in evaluation (one exact gradient)"))
        print("attack: L∞ \(attack.summary) on \(targets.count) \(split) examples; gradients: \(gradients.map { evaluation.label($0) }.joined(separator: ", "))")
        let radii = try AttackRadii.parse(epsilon)
        let showsProgress = isatty(STDOUT_FILENO) != 0
        let results = try evaluation.run(examples: targets, batchSize: batchSize, epsilons: radii, gradients: gradients) { line in
            if showsProgress { print("\r\(line)", terminator: ""); fflush(nil) }
        }
        if showsProgress { print("") }
        print("ε\tgradients\trobust accuracy")
        for result in results {
            print(String(format: "%@\t%@\t%.2f%% (%d/%d)", AttackRadii.describe(result.epsilon), result.gradients, 100 * result.accuracy,
                         result.correct, result.count))
        }
    }
}
