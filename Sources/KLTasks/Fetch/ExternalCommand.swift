import Foundation

/// Runs an external program (`apt-get`, `dpkg-deb`, `pip`, `unzip`) to completion and reports its
/// exit status and output, for `DataFetcher`.
///
/// The program is looked up on `PATH` first, so a missing tool is told apart from a failing one
/// (and the fetcher can say what to install). Output goes to temporary files rather than pipes, so
/// a chatty program (pip's progress bars) can never fill a pipe and block; the wait has no
/// timeout, because downloads of tens of megabytes may be slow and are the user's to interrupt.
struct ExternalCommand: Sendable {
    /// The program name (looked up on `PATH`) or an absolute path.
    var program: String
    /// The arguments, without the program name.
    var arguments: [String]
    /// The working directory, or nil for the current one.
    var workingDirectory: URL?

    /// How a finished command ended.
    struct Outcome: Sendable {
        /// The exit status (the signal number for a program killed by a signal).
        var status: Int32
        /// Everything it wrote to standard output.
        var output: String
        /// Everything it wrote to standard error.
        var errorOutput: String
    }

    /// A command from its parts.
    init(_ program: String, _ arguments: [String], in workingDirectory: URL? = nil) {
        self.program = program
        self.arguments = arguments
        self.workingDirectory = workingDirectory
    }

    /// The command as a shell would show it (arguments with spaces or quotes are single-quoted).
    var commandLine: String {
        ([program] + arguments).map { argument in
            argument.contains(where: { " '\"$*?;&|<>()\\~".contains($0) })
                ? "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'" : argument
        }.joined(separator: " ")
    }

    /// The absolute path of `program`: itself if it contains a slash, else the first executable
    /// file of that name in a `PATH` directory; nil when there is none.
    static func resolve(_ program: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        if program.contains("/") { return FileManager.default.isExecutableFile(atPath: program) ? program : nil }
        let directories = (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        for directory in directories where !directory.isEmpty {
            let candidate = directory + "/" + program
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }

    /// Runs the command and waits for it. Returns nil when the program is not installed (not on
    /// `PATH`, or it could not be started); otherwise its outcome, whatever the exit status.
    func run() -> Outcome? {
        guard let executable = Self.resolve(program) else { return nil }
        let scratch = FileManager.default.temporaryDirectory
        let outputURL = scratch.appendingPathComponent("klt-command-\(UUID().uuidString).out")
        let errorURL = scratch.appendingPathComponent("klt-command-\(UUID().uuidString).err")
        defer {
            try? FileManager.default.removeItem(at: outputURL)
            try? FileManager.default.removeItem(at: errorURL)
        }
        guard FileManager.default.createFile(atPath: outputURL.path, contents: nil),
              FileManager.default.createFile(atPath: errorURL.path, contents: nil),
              let outputHandle = try? FileHandle(forWritingTo: outputURL),
              let errorHandle = try? FileHandle(forWritingTo: errorURL)
        else {
            return Outcome(status: -1, output: "", errorOutput: "cannot create temporary files in \(scratch.path)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outputHandle
        process.standardError = errorHandle
        do {
            try process.run()
        } catch {
            try? outputHandle.close()
            try? errorHandle.close()
            return nil
        }
        process.waitUntilExit()
        try? outputHandle.close()
        try? errorHandle.close()
        let output = (try? Data(contentsOf: outputURL)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let errorOutput = (try? Data(contentsOf: errorURL)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return Outcome(status: process.terminationStatus, output: output, errorOutput: errorOutput)
    }
}
