import Foundation
import Testing

/// Open MPI's `mpirun`, for the tests that start `klt` as the ranks of an MPI job. They run where
/// `mpirun` is on the PATH, and always when the `CI` environment variable is set, so that in CI a
/// missing Open MPI fails them (`.ci/run` installs it) instead of skipping them.
enum MPIRun {
    /// `mpirun` on the PATH, if any.
    static let executable: URL? = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        .split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("mpirun") }
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }

    /// Whether the tests must run even without `mpirun` (in CI).
    static var isRequired: Bool { ProcessInfo.processInfo.environment["CI"] != nil }

    /// Whether the MPI tests run here.
    static var isEnabled: Bool { executable != nil || isRequired }

    /// Why a test was skipped.
    static let requirement: Comment = "needs Open MPI's mpirun (apt-get install openmpi-bin libopenmpi-dev); required when CI is set"

    /// `mpirun`, or a recorded failure naming what is missing (CI without Open MPI).
    static func require() throws -> URL {
        try #require(executable, "mpirun is not on the PATH; install openmpi-bin and libopenmpi-dev")
    }

    /// Starts `mpirun -np ranks klt arguments` (as root too, with more ranks than cores allowed)
    /// with its output going to `log`.
    static func start(ranks: Int, _ arguments: [String], log: URL) throws -> Process {
        let process = Process()
        process.executableURL = try require()
        process.arguments = ["--allow-run-as-root", "--oversubscribe", "-np", String(ranks), KLTProcess.executable.path] + arguments
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: log.path])
        }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// Runs `mpirun -np ranks klt arguments` to its end; returns its exit status and output.
    static func run(ranks: Int, _ arguments: [String], log: URL) throws -> (status: Int32, output: String) {
        let process = try start(ranks: ranks, arguments, log: log)
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOf: log, encoding: .utf8))
    }
}
