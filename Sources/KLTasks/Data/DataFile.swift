import Foundation

/// Reads whole data files for every loader and the fetcher, turning Foundation's errors into a
/// `DataError.unreadableFile` that names the path and says why in plain words.
enum DataFile {
    /// The bytes of the file at `url`. With `mapped`, the file is memory-mapped where the system
    /// allows, so a large file (LRA's AAN training TSV) is not copied before parsing.
    static func read(_ url: URL, mapped: Bool = false) throws -> Data {
        do {
            return try Data(contentsOf: url, options: mapped ? .mappedIfSafe : [])
        } catch {
            throw DataError.unreadableFile(path: url.path, reason: reason(for: error, path: url.path))
        }
    }

    /// Whether `url` names an existing file that is not a directory.
    static func isRegularFile(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    /// A short reason for a failed read: the usual cases in plain words, else Foundation's text.
    static func reason(for error: Error, path: String) -> String {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) { return "no such file" }
        if isDirectory.boolValue { return "it is a directory" }
        if !FileManager.default.isReadableFile(atPath: path) { return "permission denied" }
        return error.localizedDescription
    }
}
