import Foundation
import KLTasks
import KLTransformer

/// `run.json`: everything a run was started with, so that a report (or a person) can tell what a run
/// folder holds without its checkpoints: the command line, the grid coordinates a sweep varies, the
/// full model configuration and training settings, and where it ran.
public struct RunRecord: Codable, Equatable, Sendable {
    /// The `klt train` arguments, as given.
    public var arguments: [String]
    /// Task name (`TrainingTask.rawValue`).
    public var task: String
    /// Kernel, by its paper name.
    public var kernel: String
    /// The run's seed.
    public var seed: UInt64
    /// The model preset.
    public var preset: String
    /// Worker threads the run used.
    public var threads: Int
    /// The compute backend line (`klt info`).
    public var backend: String
    /// The host it ran on.
    public var host: String
    /// The model.
    public var configuration: EncoderConfiguration
    /// The training recipe.
    public var settings: TrainingSettings

    /// A record of a run starting now on this host.
    public init(arguments: [String], task: String, kernel: String, seed: UInt64, preset: String, threads: Int,
                backend: String, configuration: EncoderConfiguration, settings: TrainingSettings) {
        self.arguments = arguments
        self.task = task
        self.kernel = kernel
        self.seed = seed
        self.preset = preset
        self.threads = threads
        self.backend = backend
        host = ProcessInfo.processInfo.hostName
        self.configuration = configuration
        self.settings = settings
    }

    /// The file name inside a run directory.
    public static let fileName = "run.json"

    /// Writes `run.json` into `directory`, atomically.
    public func write(to directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try AtomicFile.write(try encoder.encode(self), to: directory.appendingPathComponent(Self.fileName))
    }

    /// Reads `run.json` from `directory`; nil when there is none, a message naming the file when it is unreadable.
    public static func read(from directory: URL) throws -> RunRecord? {
        let url = directory.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        do {
            return try JSONDecoder().decode(RunRecord.self, from: data)
        } catch {
            throw TrainingError.invalidSetting("\(url.path) is not a run record: \(error)")
        }
    }
}
