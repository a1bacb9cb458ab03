import Foundation
import Testing
@testable import KLTraining

/// Run folders: an existing run is never silently overwritten, stale temporary files of a killed
/// writer are removed, and a resumed run's metrics hold every step once.
@Suite struct RunDirectoryTests {
    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("klt-rundir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func existingRunIsRefusedWithoutResumeOrOverwrite() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        try RunDirectory.prepare(directory, resume: false, overwrite: false)   // empty: fine
        try Data("{}\n".utf8).write(to: directory.appendingPathComponent("metrics.jsonl"))
        try Data().write(to: directory.appendingPathComponent("events.out.tfevents.1.host.2.0"))
        #expect(throws: TrainingError.self) { try RunDirectory.prepare(directory, resume: false, overwrite: false) }
        do {
            try RunDirectory.prepare(directory, resume: false, overwrite: false)
        } catch {
            #expect("\(error)".contains("--resume") && "\(error)".contains("--overwrite") && "\(error)".contains(directory.path))
        }
        try RunDirectory.prepare(directory, resume: true, overwrite: false)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("metrics.jsonl").path))
        try RunDirectory.prepare(directory, resume: false, overwrite: true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func foldersItCreatedAreRemovedWhileEmpty() throws {
        let base = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: base) }
        let run = base.appendingPathComponent("a/b/run")
        let created = try RunDirectory.prepare(run, resume: false, overwrite: false)
        #expect(created.map(\.lastPathComponent) == ["a", "b", "run"])
        RunDirectory.removeEmptyFolders(created)
        #expect(!FileManager.default.fileExists(atPath: base.appendingPathComponent("a").path))
        #expect(FileManager.default.fileExists(atPath: base.path))
        // A folder that holds something stays, and so do its parents.
        let again = try RunDirectory.prepare(run, resume: false, overwrite: false)
        try Data("{}\n".utf8).write(to: run.appendingPathComponent("metrics.jsonl"))
        RunDirectory.removeEmptyFolders(again)
        #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("metrics.jsonl").path))
        #expect(try RunDirectory.prepare(run, resume: true, overwrite: false).isEmpty)
    }

    @Test func staleTemporaryFilesAreRemoved() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let stale = directory.appendingPathComponent(".last.safetensors.4242.0.tmp")
        try Data([1, 2, 3]).write(to: stale)
        try RunDirectory.prepare(directory, resume: true, overwrite: false)
        #expect(!FileManager.default.fileExists(atPath: stale.path))
    }

    @Test func truncationKeepsEachStepOnce() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lines = (1...6).map { #"{"kind":"train","loss":1,"step":\#($0)}"# }
            + [#"{"kind":"validation","accuracy":0.5,"loss":1,"step":4}"#, #"{"kind":"summary","step":6}"#, #"{"kind":"train","lo"#]
        try Data((lines.joined(separator: "\n")).utf8).write(to: directory.appendingPathComponent("metrics.jsonl"))
        try RunLog.truncate(in: directory, afterStep: 4)
        let kept = try String(contentsOf: directory.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(kept.count == 5)   // train 1…4 and the validation at 4; not 5, 6, the summary or the cut line
        #expect(kept.last == #"{"kind":"validation","accuracy":0.5,"loss":1,"step":4}"#)
    }
}
