import Foundation

/// One point of a sweep's grid: the axis values that make it, the folder it trains in, and the
/// `klt train` (or `klt pretrain`) arguments that run it.
public struct SweepRun: Codable, Equatable, Hashable, Sendable {
    /// Task name (a corpus when the sweep pre-trains).
    public var task: String
    /// Kernel (paper name).
    public var kernel: String
    /// Seed.
    public var seed: UInt64
    /// `--features`, when the sweep varies it.
    public var features: Int?
    /// `--max-tokens`, when the sweep varies it.
    public var maxLength: Int?
    /// `--preset`, when the sweep varies it.
    public var preset: String?

    /// Options a sweep of `command` runs sets itself, which its common options may therefore not hold.
    public static func reservedOptions(for command: SweepCommand) -> Set<String> {
        [command.taskOption, "--kernel", "--seed", "--features", "--max-tokens", "--preset", "--output-dir", "--resume",
         "--overwrite", "--threads", "--quiet"]
    }

    /// The run's folder name under the sweep's `runs/`: the axis values, readable and unique within a
    /// sweep (characters a file system may refuse become `_`).
    public var name: String {
        var parts = [task, kernel, "seed\(seed)"]
        if let features { parts.append("f\(features)") }
        if let maxLength { parts.append("len\(maxLength)") }
        if let preset { parts.append(preset) }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.=_-")
        return String(parts.joined(separator: "-").map { allowed.contains($0) ? $0 : "_" })
    }

    /// The run's own options (its axis values) for `command`; the sweep adds the common options, the
    /// output folder, `--resume` and `--threads`.
    public func axisArguments(for command: SweepCommand = .train) -> [String] {
        var arguments = [command.taskOption, task, "--kernel", kernel, "--seed", String(seed)]
        if let features { arguments += ["--features", String(features)] }
        if let maxLength { arguments += ["--max-tokens", String(maxLength)] }
        if let preset { arguments += ["--preset", preset] }
        return arguments
    }
}
