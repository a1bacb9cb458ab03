import KLTensor

/// A trainable tensor together with its stable, dotted name (e.g. `layers.0.attention.query.weight`),
/// which optimizers, checkpoints and plots use to find it.
public struct NamedParameter {
    /// Dotted path of the parameter inside its model.
    public let name: String
    /// The leaf tensor (`requiresGrad` is true).
    public let tensor: Tensor

    /// Pairs a name with a tensor.
    public init(_ name: String, _ tensor: Tensor) {
        self.name = name
        self.tensor = tensor
    }
}

/// Anything that owns trainable parameters: layers, attention, feature maps, whole models.
public protocol Module: AnyObject {
    /// Every trainable tensor this module (and the modules inside it) owns, with names relative to it.
    var parameters: [NamedParameter] { get }
}

extension Array where Element == NamedParameter {
    /// The same parameters with `prefix.` prepended to each name.
    public func prefixed(_ prefix: String) -> [NamedParameter] {
        map { NamedParameter("\(prefix).\($0.name)", $0.tensor) }
    }
}

/// What one forward pass needs beyond its inputs: whether it is training (dropout, batch statistics,
/// redraw policies) and the generator that dropout masks come from.
public struct ForwardContext {
    /// True while training; false for evaluation.
    public var training: Bool
    /// Source of dropout masks; advancing it is part of the run's reproducible state.
    public var generator: RandomGenerator

    /// A context for training or evaluation with a generator seeded by `seed`.
    public init(training: Bool, seed: UInt64 = 0) {
        self.training = training
        generator = RandomGenerator(seed: seed)
    }

    /// A context with an existing generator (e.g. restored from a checkpoint).
    public init(training: Bool, generator: RandomGenerator) {
        self.training = training
        self.generator = generator
    }
}
