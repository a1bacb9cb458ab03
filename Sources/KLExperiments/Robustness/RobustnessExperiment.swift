import Foundation
import KLTasks

/// `klt experiment robustness`'s fixed settings: which models train and how each is attacked, so
/// that anyone re-running it gets the same grid, and what one attacked run leaves in its folder.
public enum RobustnessExperiment {
    /// Softmax, FAVOR+ and the paper's six learned kernels.
    public static let kernels = ["softmax", "FAVOR+", "GMM-RKS", "GMM-PRF", "FastFood-RKS", "FastFood-PRF", "Generator-RKS", "Generator-PRF"]
    /// Fashion-MNIST through 4×4 patches (64 positions), so that gradients reach the pixels and a
    /// run trains in well under a minute (600 steps: about 65% clean accuracy with GMM-PRF).
    public static let plan = SweepPlan(kernels: kernels, tasks: ["fashion-mnist"], seeds: [1, 2, 3],
                                       trainArguments: ["--steps", "600", "--patch", "4"])
    /// The sweep folder under the experiments folder.
    public static let sweepFolder = "fashion-mnist-patch4-steps600"
    /// The radii, 0 being the clean accuracy on the attacked examples.
    public static let radii: [Double] = [0, 1.0 / 255, 2.0 / 255, 4.0 / 255, 8.0 / 255]
    /// PGD on the margin loss, 10 steps of 0.25ε, one random start.
    public static let attack = PixelAttack(method: .pgd, loss: .margin, steps: 10, restarts: 1, seed: 0)
    /// Feature draws per gradient for expectation over transformation.
    public static let eotDraws = 4
    /// The first this many test images are attacked.
    public static let examples = 128
    /// Examples per batch.
    public static let batchSize = 32
    /// The file an attacked run's results go to, in its run folder.
    public static let resultFileName = "robustness.json"
}

/// The attack results of one trained run, saved beside its checkpoints so that an interrupted
/// experiment does not attack it again.
public struct RunRobustness: Codable, Equatable, Sendable {
    /// The run's kernel.
    public var kernel: String
    /// The run's seed.
    public var seed: UInt64
    /// The attack, in words (`PixelAttack.summary`).
    public var attack: String
    /// Robust accuracy per radius and gradient estimate.
    public var results: [RobustAccuracy]

    /// A record from its fields.
    public init(kernel: String, seed: UInt64, attack: String, results: [RobustAccuracy]) {
        self.kernel = kernel
        self.seed = seed
        self.attack = attack
        self.results = results
    }

    /// The record in `directory`, or nil when the run was not attacked (or the file is unreadable).
    public static func read(from directory: URL) -> RunRobustness? {
        let url = directory.appendingPathComponent(RobustnessExperiment.resultFileName)
        return (try? Data(contentsOf: url)).flatMap { try? JSONDecoder().decode(RunRobustness.self, from: $0) }
    }

    /// Writes the record into `directory` atomically.
    public func write(to directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(self), to: directory.appendingPathComponent(RobustnessExperiment.resultFileName))
    }

    /// The weakest accuracy at `epsilon` over the gradient estimates (the strongest attack), or nil.
    public func worstAccuracy(at epsilon: Double) -> Double? {
        results.filter { $0.epsilon == epsilon }.map(\.accuracy).min()
    }
}
