import Foundation
import KLTasks
import KLTraining

/// Where a run of a sweep stands, read from its folder alone, so any process (another shard, a
/// restarted sweep, a report) sees the same thing.
public enum RunFolderStatus: String, Codable, Sendable {
    /// `summary.json` exists: the run ended and was evaluated. Never run again.
    case finished
    /// `failed.json` exists: `klt train` exited with an error (not a signal), e.g. a non-finite loss.
    case failed
    /// A last checkpoint exists but no summary: killed mid-way; resumed from the checkpoint.
    case interrupted
    /// Nothing usable yet.
    case pending

    /// The name of the file a sweep writes when a run fails.
    public static let failureFileName = "failed.json"

    /// The status of the run folder at `directory`.
    public init(directory: URL) {
        let manager = FileManager.default
        func exists(_ name: String) -> Bool { manager.fileExists(atPath: directory.appendingPathComponent(name).path) }
        if exists("summary.json") { self = .finished }
        else if exists(Self.failureFileName) { self = .failed }
        else if exists("last.safetensors") { self = .interrupted }
        else { self = .pending }
    }
}

/// What a sweep records about a run that failed: the exit status and the end of its log.
public struct RunFailure: Codable, Equatable, Sendable {
    /// `klt train`'s exit status.
    public var exitStatus: Int32
    /// The last lines the run printed (its error message among them).
    public var logTail: String

    /// Writes `failed.json` into a run folder, atomically.
    func write(to directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try AtomicFile.write(try encoder.encode(self), to: directory.appendingPathComponent(RunFolderStatus.failureFileName))
    }

    /// Reads `failed.json` from a run folder, if there is one.
    public static func read(from directory: URL) -> RunFailure? {
        FileManager.default.contents(atPath: directory.appendingPathComponent(RunFolderStatus.failureFileName).path)
            .flatMap { try? JSONDecoder().decode(RunFailure.self, from: $0) }
    }
}
