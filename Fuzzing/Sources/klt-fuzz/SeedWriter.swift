import Foundation

/// Writes each target's seed corpus: its fixtures, copied, and the seeds it makes in memory.
enum SeedWriter {
    /// Fills `directory/<target>/` for each of `targets`, reading fixtures relative to the current
    /// folder (the repository root). Returns how many seeds each target got and the reader's error
    /// for each seed it refuses (a seed that no longer reads has stopped doing its job).
    static func write(_ targets: [FuzzTarget], to directory: URL) throws -> [(name: String, count: Int, refused: [String])] {
        try targets.map { target in
            let folder = directory.appendingPathComponent(target.name, isDirectory: true)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            var seeds: [(name: String, bytes: [UInt8])] = try target.fixtures.map { path in
                let source = URL(fileURLWithPath: path)
                return ("fixture-" + source.lastPathComponent, try [UInt8](Data(contentsOf: source)))
            }
            seeds += try target.seeds().enumerated().map { ("seed-\($0.offset)", $0.element) }
            var refused: [String] = []
            for (name, bytes) in seeds {
                try Data(bytes).write(to: folder.appendingPathComponent(name))
                if let error = target.refusal(of: bytes) { refused.append("\(name): \(error)") }
            }
            return (target.name, seeds.count, refused)
        }
    }
}
