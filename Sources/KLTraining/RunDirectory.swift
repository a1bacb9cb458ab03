import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The files that make a folder a run's, and what starting a run does to a folder that has them.
public enum RunDirectory {
    /// Files written by a run (besides TensorBoard event files): their presence means the folder
    /// already holds a run.
    public static let runFiles = ["metrics.jsonl", "summary.json", "best.safetensors", "last.safetensors", "run.json"]

    /// Makes `directory` ready for a run. A folder that already holds a run is refused unless the
    /// run is resumed (`resume`) or replaced (`overwrite`: its run files and event files are
    /// removed). Temporary files left by a writer that was killed mid-write are removed either way.
    ///
    /// Returns the folders it had to create, outermost first, for `removeEmptyFolders` once the
    /// command ends: a run refused after this point (bad data, a model that does not fit) then
    /// leaves no empty run folder behind.
    @discardableResult
    public static func prepare(_ directory: URL, resume: Bool, overwrite: Bool) throws -> [URL] {
        let manager = FileManager.default
        let created = try createWritableDirectory(directory)
        let names = (try? manager.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            try? manager.removeItem(at: directory.appendingPathComponent(name))
        }
        let existing = names.filter { runFiles.contains($0) || isEventFile($0) }
        guard !existing.isEmpty, !resume else { return created }
        guard overwrite else {
            throw TrainingError.invalidSetting("\(directory.path) already holds a run (\(existing.sorted().joined(separator: ", "))); pass --resume to continue it or --overwrite to start it again")
        }
        for name in existing { try manager.removeItem(at: directory.appendingPathComponent(name)) }
        return created
    }

    /// Removes those of `folders` (as `prepare` returns them, outermost first) that are empty,
    /// innermost first; a folder holding anything stays, and so do its parents.
    public static func removeEmptyFolders(_ folders: [URL]) {
        for folder in folders.reversed() where rmdir(folder.path) != 0 { return }
    }

    /// Creates `directory` and its missing parents, and checks that files can be created in it, so a
    /// run never starts where it cannot write. Failures name the path and the system's reason
    /// (`mkdir`/`access` errno): a parent that is a regular file ("… is a file, not a folder"), a
    /// read-only file system, missing permissions. Returns the folders it created, outermost first.
    @discardableResult
    public static func createWritableDirectory(_ directory: URL) throws -> [URL] {
        let path = directory.standardizedFileURL.path
        func fail(_ what: String, _ code: Int32) -> TrainingError {
            .invalidSetting("cannot use \(path) as the run directory: \(what): \(String(cString: strerror(code)))")
        }
        var prefix = path.hasPrefix("/") ? "" : "."
        var created: [URL] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += "/" + component
            var info = stat()
            if stat(prefix, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else {
                    throw TrainingError.invalidSetting("cannot use \(path) as the run directory: \(prefix) is a file, not a folder")
                }
                continue
            }
            guard errno == ENOENT else { throw fail("cannot look at \(prefix)", errno) }
            if mkdir(prefix, 0o755) == 0 {
                created.append(URL(fileURLWithPath: prefix))
            } else if errno != EEXIST {
                throw fail("cannot create \(prefix)", errno)
            }
        }
        guard access(path, W_OK | X_OK) == 0 else { throw fail("cannot write into it", errno) }
        return created
    }

    /// Whether a file name is a TensorBoard event file.
    public static func isEventFile(_ name: String) -> Bool { name.hasPrefix("events.out.tfevents.") }
}
