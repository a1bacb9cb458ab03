/// Any kernel `--kernel` names: one of the named kernels (the paper's, the baselines; `Kernel`) or a
/// pair of the random-feature grid written `COMPONENT+SOURCE` (`RandomFeatureKernel`).
public enum AttentionKernel: Sendable, Equatable, CustomStringConvertible {
    /// A kernel with its own name and class.
    case named(Kernel)
    /// A component function crossed with a frequency source.
    case randomFeatures(RandomFeatureKernel)

    /// The kernel with this paper name, official alias or `COMPONENT+SOURCE` name
    /// (case-insensitive), or nil.
    public init?(named name: String) {
        if let kernel = Kernel(named: name) {
            self = .named(kernel)
        } else if let pair = RandomFeatureKernel(named: name) {
            self = .randomFeatures(pair)
        } else {
            return nil
        }
    }

    /// Why `name` names no kernel, for error messages: the grid's reason when it looks like a pair.
    public static func refusal(forName name: String) -> String {
        RandomFeatureKernel.refusal(forName: name)
            ?? "unknown kernel '\(name)'; run `klt kernels` for the named kernels and the COMPONENT+SOURCE grid"
    }

    /// The canonical name: the paper name, or `component+source`.
    public var name: String {
        switch self {
        case .named(let kernel): kernel.rawValue
        case .randomFeatures(let pair): pair.name
        }
    }

    public var description: String { name }

    /// Whether the spectral distribution has learned parameters.
    public var isLearned: Bool {
        switch self {
        case .named(let kernel): kernel.isLearned
        case .randomFeatures(let pair): pair.isLearned
        }
    }

    /// The named kernel, or nil for a pair of the grid.
    public var namedKernel: Kernel? {
        if case .named(let kernel) = self { return kernel }
        return nil
    }

    public static func == (a: AttentionKernel, b: AttentionKernel) -> Bool { a.name == b.name }
}
