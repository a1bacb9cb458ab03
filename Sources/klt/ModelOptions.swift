import ArgumentParser
import KLTransformer

/// The model options that `klt train` and `klt pretrain` share: the kernel, the size preset, the
/// layer ordering and the kernel's knobs, applied to a task's configuration.
struct ModelOptions: ParsableArguments {
    @Option(help: "Attention kernel (paper name or official alias; see `klt kernels`).")
    var kernel = Kernel.gmmPRF.rawValue
    @Option(help: "Model size: \(EncoderConfiguration.Preset.allCases.map(\.rawValue).joined(separator: ", ")).")
    var preset = EncoderConfiguration.Preset.cpu.rawValue
    @Option(help: "Layer ordering: official (the paper's code) or preLayerNorm.")
    var ordering = EncoderConfiguration.LayerOrdering.official.rawValue
    @Option(parsing: .unconditional, help: "Override the kernel's feature-count argument (the official n_dims).")
    var features: Int?
    @Option(parsing: .unconditional, help: "Redraw random features every N calls (1 = every call, 0 = never; default: the kernel's).")
    var redraw: Int?
    @Option(parsing: .unconditional, help: "Dropout probability of the residual and attention dropout (default: the preset's, 0.1).")
    var dropout: Float?
    @Flag(help: "Keep the random features fixed during evaluation.")
    var frozenEval = false

    func validate() throws {
        guard AttentionKernel(named: kernel) != nil else {
            throw ValidationError("--kernel: \(AttentionKernel.refusal(forName: kernel))")
        }
        guard EncoderConfiguration.Preset(rawValue: preset) != nil else {
            throw ValidationError("unknown --preset '\(preset)'; available: \(EncoderConfiguration.Preset.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard EncoderConfiguration.LayerOrdering(rawValue: ordering) != nil else {
            throw ValidationError("unknown --ordering '\(ordering)'; available: official, preLayerNorm")
        }
        if let features, !(1...EncoderConfiguration.Limits.featureArgument).contains(features) {
            throw ValidationError("--features must be in 1...\(EncoderConfiguration.Limits.featureArgument), got \(features)")
        }
        if let dropout, !(0..<1).contains(dropout) { throw ValidationError("--dropout must be in [0, 1), got \(dropout)") }
        if let redraw, redraw < 0 { throw ValidationError("--redraw must not be negative (0 = never), got \(redraw)") }
    }

    /// The size preset (valid once `validate()` has passed).
    var scale: EncoderConfiguration.Preset { EncoderConfiguration.Preset(rawValue: preset)! }

    /// The kernel's canonical name (valid once `validate()` has passed).
    var kernelName: String { AttentionKernel(named: kernel)!.name }

    /// Sets the ordering, feature count, redraw policy, frozen evaluation and dropout these options
    /// ask for on `configuration`.
    func apply(to configuration: inout EncoderConfiguration) {
        configuration.ordering = EncoderConfiguration.LayerOrdering(rawValue: ordering)!
        configuration.featureDimensionsArgument = features
        configuration.redrawEvery = redraw
        configuration.frozenInEvaluation = frozenEval
        if let dropout { (configuration.dropout, configuration.attentionDropout) = (dropout, dropout) }
    }
}
