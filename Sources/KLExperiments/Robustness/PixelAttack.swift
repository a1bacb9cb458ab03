import Foundation

/// An L∞ attack on the pixels of an image classifier: how an adversarial image within ε of the
/// clean one (in intensity, pixels in [0, 1]) is searched for.
///
/// FGSM (Goodfellow et al., 2015) takes one step of ε along the sign of the loss gradient. PGD
/// (Madry et al., 2018) starts at a uniform random point of the ε-box, takes `steps` signed steps
/// of `stepFraction`·ε, projecting back onto the box and [0, 1] after each, and repeats this from
/// `restarts` random starts; an example counts as robust only if no start fools the model.
public struct PixelAttack: Sendable, Equatable {
    /// The search.
    public enum Method: String, Sendable, CaseIterable {
        /// Fast gradient sign method: one step of ε from the clean image.
        case fgsm
        /// Projected gradient descent (ascent on the loss) from random starts.
        case pgd
    }

    /// What the attack climbs.
    public enum Loss: String, Sendable, CaseIterable {
        /// The logit margin max_{j ≠ y} z_j − z_y (Carlini and Wagner's): linear in the logits, so
        /// its gradient never vanishes, and positive exactly when the example is misclassified.
        case margin
        /// Cross-entropy, as Madry et al.: once a confident model's softmax saturates in float32 its
        /// gradient is exactly zero, and such examples look robust because the attack cannot move.
        case crossEntropy = "cross-entropy"
    }

    /// The search.
    public var method: Method
    /// What the attack climbs.
    public var loss: Loss
    /// PGD's iterations per start (FGSM takes one step).
    public var steps: Int
    /// PGD's step as a fraction of ε; nil chooses 2.5 / steps, so the steps can cross the box.
    public var stepFraction: Double?
    /// PGD's random starts.
    public var restarts: Int
    /// Seeds PGD's random starts and the draws of expectation over transformation.
    public var seed: UInt64

    /// An attack from its settings.
    public init(method: Method, loss: Loss = .margin, steps: Int = 10, stepFraction: Double? = nil, restarts: Int = 1, seed: UInt64 = 0) {
        self.method = method
        self.loss = loss
        self.steps = steps
        self.stepFraction = stepFraction
        self.restarts = restarts
        self.seed = seed
    }

    /// The step size for a box of radius `epsilon`.
    func stepSize(epsilon: Double) -> Float {
        switch method {
        case .fgsm: Float(epsilon)
        case .pgd: Float(epsilon * (stepFraction ?? 2.5 / Double(max(steps, 1))))
        }
    }

    /// A one-line description, e.g. "PGD on the margin loss, 10 steps of 0.25ε, 1 start".
    public var summary: String {
        switch method {
        case .fgsm: return "FGSM on the \(loss.rawValue) loss"
        case .pgd:
            let fraction = stepFraction ?? 2.5 / Double(max(steps, 1))
            return "PGD on the \(loss.rawValue) loss, \(steps) steps of \(fraction.formatted(significantDigits: 3))ε, \(restarts) start\(restarts == 1 ? "" : "s")"
        }
    }

    /// Why these settings cannot run, or nil.
    public var problem: String? {
        if method == .pgd && steps < 1 { return "PGD needs at least 1 step, got \(steps)" }
        if method == .pgd && restarts < 1 { return "PGD needs at least 1 start, got \(restarts)" }
        if let stepFraction, !(stepFraction > 0 && stepFraction.isFinite) { return "the step size must be a positive fraction of ε, got \(stepFraction)" }
        return nil
    }
}

/// How an attack takes gradients of a model whose features are random in evaluation (the paper's
/// kernels redraw ε at every call). Gradients of one random draw point somewhere else than the
/// model's expected loss, which can make a kernel look robust when it only makes gradients noisy;
/// averaging over draws (expectation over transformation, Athalye et al., 2018) removes that.
public enum AttackGradients: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The gradient of the very draw the model is scored with (the attacker knows the draw).
    case fixedDraw
    /// The mean gradient over `draws` fresh draws at every step; the model is scored on its own
    /// evaluation draw, which the attacker does not see.
    case expectationOverTransformation(draws: Int)

    /// "fixed draw" or "EOT-K".
    public var description: String {
        switch self {
        case .fixedDraw: "fixed draw"
        case .expectationOverTransformation(let draws): "EOT-\(draws)"
        }
    }
}

extension Double {
    /// The value with at most `significantDigits` significant digits, without trailing zeros.
    func formatted(significantDigits: Int) -> String {
        var text = String(format: "%.\(significantDigits)g", self)
        if text.contains(".") && !text.contains("e") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}
