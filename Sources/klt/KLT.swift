import ArgumentParser
import KLTensor

/// `klt`: train, evaluate and inspect learned-kernel Transformers from the command line. Every
/// subcommand is a thin layer over the KLTransformer libraries.
@main
struct KLT: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "klt",
        abstract: "Train and evaluate Transformers whose attention kernel is learned (KL-Transformer).",
        subcommands: [Train.self, Pretrain.self, Generate.self, Evaluate.self, Attack.self, Inspect.self, Grid.self, Sweep.self, ReportCommand.self, Experiment.self, DataCommand.self, Kernels.self, Info.self],
        defaultSubcommand: nil)
}
