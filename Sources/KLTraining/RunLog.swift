import Foundation
import KLTasks

/// Appends one JSON object per line to `metrics.jsonl` in the run directory, so a run's curves can be
/// read by any tool (and by `klt plot`) while it trains.
public final class RunLog {
    /// The metrics file.
    public let url: URL
    private let handle: FileHandle

    /// Opens (creating if needed) `metrics.jsonl` in `directory` for appending.
    public init(directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        url = directory.appendingPathComponent("metrics.jsonl")
        if !FileManager.default.fileExists(atPath: url.path) {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
            }
        }
        handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
    }

    deinit { try? handle.close() }

    /// Writes one record; values must be JSON-representable (numbers, strings, bools, arrays, dictionaries).
    public func append(_ record: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
        try handle.write(contentsOf: data + Data("\n".utf8))
    }

    /// Rewrites `metrics.jsonl` in `directory` (atomically) without the records a resumed run will
    /// write again: those of steps after `step`, the summary, and a line cut short by a killed
    /// process. After a resume the file therefore holds every step once, as an uninterrupted run's.
    public static func truncate(in directory: URL, afterStep step: Int) throws {
        let url = directory.appendingPathComponent("metrics.jsonl")
        guard let data = FileManager.default.contents(atPath: url.path) else { return }
        let kept = data.split(separator: UInt8(ascii: "\n")).filter { line in
            guard let record = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let recordStep = record["step"] as? Int else { return false }
            return recordStep <= step && record["kind"] as? String != "summary"
        }
        try AtomicFile.write(Data(kept.map { Data($0) + Data("\n".utf8) }.joined()), to: url)
    }
}
