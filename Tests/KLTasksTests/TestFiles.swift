import Foundation
import Testing

/// The committed fixtures in `Fixtures/<folder>` (each folder's README says how they were made).
func fixtures(_ folder: String) throws -> URL {
    let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    return root.appendingPathComponent(folder)
}

/// A fresh temporary directory for one test's files (malformed variants of the fixtures, generated
/// data sets), removed by `cleanUp()`.
struct ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("kltasks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `data` to `relativePath` inside the directory, creating folders on the way.
    @discardableResult
    func write(_ data: Data, to relativePath: String) throws -> URL {
        let file = url.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file)
        return file
    }

    /// Writes `contents` (UTF-8) to `relativePath` inside the directory.
    @discardableResult
    func file(_ relativePath: String, _ contents: String) throws -> URL {
        try write(Data(contents.utf8), to: relativePath)
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: url)
    }
}
