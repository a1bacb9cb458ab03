import Foundation

/// How many worker threads `Parallel` uses when nothing else sets it: `KLT_THREADS` when it holds a
/// valid count, otherwise every active core. A sweep running several jobs at once gives each its
/// share of the cores through this variable or `klt train --threads`.
public enum ThreadCount {
    /// The environment variable read at start-up.
    public static let environmentKey = "KLT_THREADS"
    /// The largest count accepted (a typo such as 20000 would otherwise spawn that many threads).
    public static let maximum = 1024

    /// The count `KLT_THREADS` asks for: nil when unset; throws a message naming the variable when
    /// it is not an integer in 1...`maximum`.
    public static func requested(in environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int? {
        guard let text = environment[environmentKey] else { return nil }
        guard let count = Int(text.trimmingCharacters(in: .whitespaces)), (1...maximum).contains(count) else {
            throw ThreadCountError(text: text)
        }
        return count
    }

    /// The default thread count: a valid `KLT_THREADS`, else the active processor count. Programs
    /// that want an invalid `KLT_THREADS` refused (as `klt` does) call `requested(in:)` first.
    public static var initial: Int {
        (try? requested()) ?? max(1, ProcessInfo.processInfo.activeProcessorCount)
    }
}

/// `KLT_THREADS` holds something that is not a thread count.
public struct ThreadCountError: Error, CustomStringConvertible {
    /// The variable's value.
    public let text: String
    /// The message shown to the user.
    public var description: String {
        "\(ThreadCount.environmentKey)='\(text)' is not a thread count in 1...\(ThreadCount.maximum)"
    }
}
