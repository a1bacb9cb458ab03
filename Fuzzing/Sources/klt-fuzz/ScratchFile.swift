import Foundation

/// Files for the readers that only read from disk: each input is written over a file in a folder of
/// this process's own under the temporary directory (`TMPDIR`), which is removed at exit.
enum ScratchFile {
    /// This process's folder, created on first use.
    static let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("klt-fuzz-\(getpid())", isDirectory: true)
        try? FileManager.default.removeItem(at: url)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            fatalError("klt-fuzz: cannot create the scratch folder \(url.path): \(error)")
        }
        atexit { try? FileManager.default.removeItem(at: ScratchFile.directory) }
        return url
    }()

    /// Writes `bytes` to `name` (a path relative to the folder, whose parent folders must exist)
    /// and returns its URL. Plain `write(2)`: `Data.write(to:)` flushes every file to disk, which
    /// would make the file readers' fuzzing wait on the disk.
    static func write(_ bytes: [UInt8], to name: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ScratchFileError(path: url.path, code: errno) }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { throw ScratchFileError(path: url.path, code: errno) }
            written += count
        }
        return url
    }

    /// Creates the folder `name` (and its parents) inside the scratch folder and returns its URL.
    static func folder(_ name: String) throws -> URL {
        let url = directory.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// A scratch file that could not be written.
struct ScratchFileError: Error, CustomStringConvertible {
    /// The file.
    let path: String
    /// The system's error number (`errno`).
    let code: Int32

    var description: String { "cannot write \(path): \(String(cString: strerror(code)))" }
}
