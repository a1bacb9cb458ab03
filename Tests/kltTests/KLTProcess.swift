import Foundation

/// The `klt` executable built beside the test bundle, started as a child process the way a user
/// (or a cluster job) runs it, so tests can kill it with SIGKILL.
enum KLTProcess {
    /// The `klt` executable: the first one found walking up from the test bundle.
    static var executable: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !directory.path.isEmpty, directory.path != "/" {
            let candidate = directory.appendingPathComponent("klt")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/klt")
    }

    /// Starts `klt arguments` with its output (stdout and stderr) going to `log`.
    static func start(_ arguments: [String], log: URL) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: log.path])
        }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// Runs `klt arguments` to its end with its output going to `log`; returns its exit status and
    /// what it printed.
    static func run(_ arguments: [String], log: URL) throws -> (status: Int32, output: String) {
        let process = try start(arguments, log: log)
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOf: log, encoding: .utf8))
    }

    /// An empty folder `name` under the temporary directory (emptied first if a crashed test left
    /// it), for one test's runs; the test removes it when done.
    static func freshFolder(_ name: String) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: root)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return root
    }
}
