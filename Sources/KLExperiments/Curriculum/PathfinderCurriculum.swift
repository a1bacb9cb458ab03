import Foundation

/// `klt experiment pathfinder`'s fixed settings: a curriculum that makes the cpu-scale model learn
/// Pathfinder-32, and the control that shows it is the curriculum that does it.
///
/// Trained on easy contours from a fresh start, every recipe tried stays at chance (the training
/// loss never leaves ln 2). Contours of only 3 dashes, on a small set seen many times, are learnt
/// within the first thousand steps; each later stage starts from the previous stage's best
/// checkpoint (`SweepPlan.initialisingSweep`) on longer contours. The control trains on the easy set
/// from scratch for as many steps as the curriculum spends before its easy stage ends.
public enum PathfinderCurriculum {
    /// One stage: a sweep of every kernel and seed on one contour length.
    public struct Stage: Sendable, Equatable {
        /// Dashes per target contour (`--difficulty`).
        public var contourLength: Int
        /// Images generated (`--pathfinder-images`; 80% train, 10% validation, 10% test).
        public var images: Int
        /// Optimizer steps.
        public var steps: Int
        /// Whether it starts from the previous stage's checkpoints.
        public var continuesCurriculum: Bool
        /// Its column heading in the report.
        public var label: String

        /// The sweep folder under the experiments folder.
        public var sweepFolder: String { "pathfinder-c\(contourLength)-\(images)-steps\(steps)\(continuesCurriculum ? "-curriculum" : "")" }
    }

    /// Softmax and the paper's GMM-PRF.
    public static let kernels = ["softmax", "GMM-PRF"]
    /// Seeds of model, data order and dropout.
    public static let seeds: [UInt64] = [1, 2, 3]
    /// The curriculum: 3 dashes (1,000 training images), then easy (6), then hard (14).
    public static let stages = [
        Stage(contourLength: 3, images: 1_250, steps: 3_000, continuesCurriculum: false, label: "1: 3 dashes"),
        Stage(contourLength: 6, images: 6_250, steps: 3_000, continuesCurriculum: true, label: "2: easy (6)"),
        Stage(contourLength: 14, images: 6_250, steps: 3_000, continuesCurriculum: true, label: "3: hard (14)"),
    ]
    /// The control: easy contours from scratch, as many steps as the curriculum's first two stages.
    public static let control = Stage(contourLength: 6, images: 6_250, steps: 6_000, continuesCurriculum: false,
                                      label: "control: easy (6) from scratch")

    /// The options every run shares: 4×4 patches (64 positions), evaluation every 250 steps.
    public static let commonArguments = ["--patch", "4", "--eval-every", "250"]

    /// Each stage's sweep, in the order they must run (the curriculum's, then the control's).
    public static var sweeps: [(stage: Stage, plan: SweepPlan)] {
        var previous: Stage?
        return (stages + [control]).map { stage in
            let plan = SweepPlan(kernels: kernels, tasks: ["pathfinder"], seeds: seeds,
                                 trainArguments: ["--difficulty", String(stage.contourLength), "--pathfinder-images", String(stage.images),
                                                  "--steps", String(stage.steps)] + commonArguments,
                                 initialisingSweep: stage.continuesCurriculum ? previous?.sweepFolder : nil)
            previous = stage
            return (stage, plan)
        }
    }
}
