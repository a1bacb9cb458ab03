import Foundation
import Testing
@testable import KLTasks

/// The committed text fixtures (`Fixtures/text/`, described in its README).
func textFixtures() throws -> URL {
    let fixtures = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    return fixtures.appendingPathComponent("text")
}

/// A fresh temporary directory for malformed variants of the fixtures (shared by the text, retrieval
/// and sentence tests), removed by `cleanUp()`.
struct TextScratch {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("kltasks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `contents` (UTF-8) to `name` inside the directory, creating folders on the way.
    @discardableResult
    func file(_ name: String, _ contents: String) throws -> URL {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: file)
        return file
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: url)
    }
}
