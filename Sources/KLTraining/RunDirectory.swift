import Foundation

/// The files that make a folder a run's, and what starting a run does to a folder that has them.
public enum RunDirectory {
    /// Files written by a run (besides TensorBoard event files): their presence means the folder
    /// already holds a run.
    public static let runFiles = ["metrics.jsonl", "summary.json", "best.safetensors", "last.safetensors", "run.json"]

    /// Makes `directory` ready for a run. A folder that already holds a run is refused unless the
    /// run is resumed (`resume`) or replaced (`overwrite`: its run files and event files are
    /// removed). Temporary files left by a writer that was killed mid-write are removed either way.
    public static func prepare(_ directory: URL, resume: Bool, overwrite: Bool) throws {
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw TrainingError.invalidSetting("cannot create the run directory \(directory.path): \(reason(error))")
        }
        let names = (try? manager.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            try? manager.removeItem(at: directory.appendingPathComponent(name))
        }
        let existing = names.filter { runFiles.contains($0) || isEventFile($0) }
        guard !existing.isEmpty, !resume else { return }
        guard overwrite else {
            throw TrainingError.invalidSetting("\(directory.path) already holds a run (\(existing.sorted().joined(separator: ", "))); pass --resume to continue it or --overwrite to start it again")
        }
        for name in existing { try manager.removeItem(at: directory.appendingPathComponent(name)) }
    }

    /// Whether a file name is a TensorBoard event file.
    public static func isEventFile(_ name: String) -> Bool { name.hasPrefix("events.out.tfevents.") }

    /// The operating system's reason for a file error, without Foundation's wrapping.
    static func reason(_ error: Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        return underlying?.localizedDescription ?? (error as NSError).localizedFailureReason ?? error.localizedDescription
    }
}
