import Foundation
import Testing
@testable import KLTasks

/// File locks: a held lock makes a non-waiting attempt give up at once, and is free again afterwards.
@Suite struct FileLockTests {
    @Test func heldLockIsNotTakenTwice() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("klt-lock-\(UUID().uuidString)/run.lock")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let inner = try FileLock.withExclusiveLock(on: url) {
            try FileLock.withExclusiveLockIfFree(on: url) { "ran" }
        }
        #expect(inner == nil)
        #expect(try FileLock.withExclusiveLockIfFree(on: url) { "ran" } == "ran")
    }
}
