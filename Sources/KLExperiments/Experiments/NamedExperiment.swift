import Foundation

/// The paper's claims as experiments that one command runs: each is a sweep (or, for efficiency, a
/// measurement) with fixed settings, so that anyone re-running it gets the same grid.
public enum NamedExperiment: String, CaseIterable, Sendable {
    /// "The kernel choice matters": softmax, the fixed linear kernels and the paper's six learned kernels on ListOps.
    case kernels
    /// Learned spectral distributions against the same feature map with a fixed one.
    case learnedVsFixed = "learned-vs-fixed"
    /// Time and memory of attention against sequence length.
    case efficiency
    /// Clean and adversarial accuracy of image classifiers per kernel (the seed's robustness claim).
    case robustness
    /// A curriculum that makes Pathfinder-32 learnable on the CPU, against training from scratch.
    case pathfinder
    /// The paper's short-sequence protocol: pre-train every kernel on text, fine-tune on short tasks, against from scratch.
    case short

    /// The question it answers, for help texts and report headings.
    public var claim: String {
        switch self {
        case .kernels: "Does the kernel choice matter? Softmax, elu+1, FAVOR+, RFF and the paper's six learned kernels on ListOps, 3 seeds."
        case .learnedVsFixed: "Does learning the spectral distribution help? Each learned kernel beside the same features drawn from a fixed distribution, 3 seeds."
        case .efficiency: "Does attention cost linear time and memory in the sequence length? Forward+backward against length, every kernel."
        case .robustness: "Are learned kernels more robust to adversarial pixels? Softmax, FAVOR+ and the paper's six learned kernels on Fashion-MNIST (4×4 patches), clean and L∞ PGD accuracy against ε, fixed draw and EOT, 3 seeds."
        case .pathfinder: "Can the cpu-scale model learn Pathfinder-32? A curriculum from 3-dash contours to easy and hard ones, softmax and GMM-PRF, against easy contours from scratch, 3 seeds."
        case .short: "Do learned kernels stay competitive on short sequences after pre-training? Softmax, FAVOR+ and the paper's six learned kernels pre-trained on Shakespeare (masked language model, same tokens each), then fine-tuned on sentences and TREC, against the same classifiers from scratch, 3 seeds."
        }
    }

    /// The training steps of every run of the sweep experiments.
    public static let steps = 2000

    /// The common `klt train` options of the sweep experiments: both ListOps experiments share them,
    /// and so one sweep folder, whose runs they share.
    public static let trainArguments = ["--steps", String(steps)]

    /// The sweep folder (under the experiments folder) the ListOps experiments train in.
    public static let sharedSweepFolder = "listops-steps\(steps)"

    /// The sweep folder (under the experiments folder) this experiment trains in.
    public var sweepFolder: String {
        self == .robustness ? RobustnessExperiment.sweepFolder : Self.sharedSweepFolder
    }

    /// Learned kernels and their fixed counterparts (same feature map, distribution not learned).
    public static let learnedFixedPairs: [(learned: String, fixed: String)] = [
        ("GMM-PRF", "Gaussian-PRF"), ("FastFood-RKS", "FastFood-random"), ("GMM-RKS", "RFF"),
    ]

    /// The kernel pairs its report compares.
    public var comparisons: [KernelComparison] {
        switch self {
        case .learnedVsFixed: Self.learnedFixedPairs.map { KernelComparison(kernel: $0.learned, baseline: $0.fixed) }
        case .kernels: ["GMM-PRF", "GMM-RKS", "FastFood-RKS", "FastFood-PRF", "Generator-RKS", "Generator-PRF"]
            .map { KernelComparison(kernel: $0, baseline: "softmax") }
        case .efficiency: []
        case .pathfinder: [KernelComparison(kernel: "GMM-PRF", baseline: "softmax")]
        case .short: ShortProtocolExperiment.kernels.filter { $0 != "softmax" }.map { KernelComparison(kernel: $0, baseline: "softmax") }
        case .robustness: RobustnessExperiment.kernels.filter { $0 != "softmax" }.map { KernelComparison(kernel: $0, baseline: "softmax") }
        }
    }

    /// The grid of a single-sweep experiment (nil for `efficiency`, which measures rather than
    /// trains, and for `pathfinder` and `short`, whose stages are sweeps of their own:
    /// `PathfinderCurriculum.sweeps`, `ShortProtocolExperiment.sweeps`).
    public var plan: SweepPlan? {
        switch self {
        case .kernels:
            SweepPlan(kernels: ["softmax", "elu+1", "FAVOR+", "RFF", "GMM-RKS", "GMM-PRF", "FastFood-RKS", "FastFood-PRF",
                                "Generator-RKS", "Generator-PRF"],
                      tasks: ["listops"], seeds: [1, 2, 3], trainArguments: Self.trainArguments)
        case .learnedVsFixed:
            SweepPlan(kernels: Self.learnedFixedPairs.flatMap { [$0.learned, $0.fixed] }, tasks: ["listops"], seeds: [1, 2, 3],
                      trainArguments: Self.trainArguments)
        case .efficiency, .pathfinder, .short: nil
        case .robustness: RobustnessExperiment.plan
        }
    }
}
