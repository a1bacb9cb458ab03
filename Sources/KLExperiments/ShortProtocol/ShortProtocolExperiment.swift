import Foundation

/// `klt experiment short`'s fixed settings: the paper's short-sequence protocol at CPU scale. Every
/// kernel is pre-trained as a masked language model on the same corpus with the same budget (steps ×
/// batch × window: the same tokens), then fine-tuned on the short tasks from its best pre-training
/// checkpoint, against the same classifier trained on them from scratch for as many steps, once on
/// the task's bytes (the task's own input) and once on the pre-training's subword tokens (what the
/// fine-tuned classifier reads), so the gain of pre-training is not confused with that of the tokeniser.
public enum ShortProtocolExperiment {
    /// One of its three sweeps.
    public enum Stage: String, CaseIterable, Sendable {
        /// Masked-language-model pre-training on the corpus.
        case pretraining
        /// The short tasks, each run starting from its kernel's and seed's pre-trained encoder.
        case fineTuned = "fine-tuned"
        /// The short tasks from a fresh initialisation, on their bytes.
        case scratch = "from-scratch"
        /// The short tasks from a fresh initialisation, on the pre-training's subword tokens.
        case scratchSubwords = "from-scratch-subwords"

        /// The sweep folder under the experiments folder.
        public var sweepFolder: String {
            switch self {
            case .pretraining: "short-\(corpus)-masked-steps\(pretrainingSteps)"
            case .fineTuned: "short-fine-tuned-steps\(taskSteps)"
            case .scratch: "short-from-scratch-steps\(taskSteps)"
            case .scratchSubwords: "short-from-scratch-subwords-steps\(taskSteps)"
            }
        }
    }

    /// Softmax, FAVOR+ and the paper's six learned kernels.
    public static let kernels = ["softmax", "FAVOR+", "GMM-RKS", "GMM-PRF", "FastFood-RKS", "FastFood-PRF", "Generator-RKS", "Generator-PRF"]
    /// Seeds of model, data order, masking and dropout; a fine-tuned run starts from the pre-training of its own seed.
    public static let seeds: [UInt64] = [1, 2, 3]
    /// The pre-training corpus (fetched with a pinned hash).
    public static let corpus = "shakespeare"
    /// The short tasks.
    public static let tasks = ["sentences", "trec"]
    /// Pre-training steps (batch 32 windows of 128 tokens, `klt pretrain`'s defaults).
    public static let pretrainingSteps = 600
    /// Steps of every fine-tuned and from-scratch run.
    public static let taskSteps = 300

    /// The pre-training runs' common options.
    public static let pretrainingArguments = ["--objective", "masked", "--steps", String(pretrainingSteps), "--eval-every", "200", "--eval-batches", "8"]
    /// The task runs' common options, the same with and without pre-training.
    public static let taskArguments = ["--steps", String(taskSteps), "--eval-every", "100"]

    /// The checkpoint whose tokeniser the subword runs from scratch read: the first pre-training
    /// run's (every pre-training run learns the same one: byte-pair merges on the training split of
    /// the corpus's fixed document split, whatever the kernel and seed).
    public static func tokenizerCheckpoint(in experiments: URL) -> URL {
        let run = SweepRun(task: corpus, kernel: kernels[0], seed: seeds[0])
        return SweepRunner.runsDirectory(in: experiments.appendingPathComponent(Stage.pretraining.sweepFolder))
            .appendingPathComponent(run.name).appendingPathComponent("best.safetensors")
    }

    /// Each stage's sweep under the experiments folder `experiments`, in the order they run
    /// (fine-tuning and the subword runs need the pre-training's checkpoints).
    public static func sweeps(in experiments: URL) -> [(stage: Stage, plan: SweepPlan)] {
        Stage.allCases.map { stage in
            let plan = switch stage {
            case .pretraining:
                SweepPlan(kernels: kernels, tasks: [corpus], seeds: seeds, trainArguments: pretrainingArguments, command: .pretrain)
            case .fineTuned:
                SweepPlan(kernels: kernels, tasks: tasks, seeds: seeds, trainArguments: taskArguments,
                          initialisingSweep: Stage.pretraining.sweepFolder, initialisingTask: corpus)
            case .scratch:
                SweepPlan(kernels: kernels, tasks: tasks, seeds: seeds, trainArguments: taskArguments)
            case .scratchSubwords:
                SweepPlan(kernels: kernels, tasks: tasks, seeds: seeds,
                          trainArguments: taskArguments + ["--tokenizer", tokenizerCheckpoint(in: experiments).path])
            }
            return (stage, plan)
        }
    }
}
