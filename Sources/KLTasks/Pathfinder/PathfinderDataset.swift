import Foundation
import KLTensor

/// Loads Pathfinder data in LRA's layout (ours from `PathfinderGenerator.write(to:)`, or LRA's
/// `lra_release/pathfinder32`) as token sequences for classification.
///
/// Each image becomes `side²` tokens, row-major, with **token = pixel value + 1** (ids 1…256),
/// so `vocabularySize` is 257 and id 0 stays free for padding. This deliberately departs from
/// LRA, whose tokens are the raw pixel values and whose encoder masks `token > 0`: there, every
/// black pixel (about two thirds of a Pathfinder image) is treated as padding (data spec §4.4).
/// Empty images are skipped, as LRA does (its release has a few, e.g.
/// `curv_baseline/imgs/0/sample_172.png`): zero-byte files and all-black images. The examples are
/// shuffled with a seeded `RandomGenerator` and cut 80/10/10 into train, validation and test.
public enum PathfinderDataset {
    /// Token ids 0…256: 0 for padding, pixel + 1 for pixels.
    public static let vocabularySize = 257
    /// Two classes: 1 = the markers are on the same contour.
    public static let classCount = 2

    /// What `examples(in:side:)` read.
    public struct Contents: Sendable {
        /// The examples, in metadata order (files by batch number, then line order).
        public var examples: [ClassificationExample]
        /// Paths of the images skipped as empty.
        public var skipped: [String]
    }

    /// Loads `<root>/<difficulty dir>` (or `root` itself, if it holds a `metadata` folder and the
    /// difficulty directory does not exist) and splits it 80/10/10 after shuffling with a
    /// `RandomGenerator` seeded with `seed`. Images must be `side × side`.
    public static func load(from root: URL, difficulty: PathfinderDifficulty, seed: UInt64, side: Int = 32) throws -> LabeledSplits {
        try load(from: root, contourLength: difficulty.contourLength, seed: seed, side: side)
    }

    /// `load(from:difficulty:seed:side:)` for contours of any length: the directory
    /// `PathfinderDifficulty.directoryName(contourLength:)` names.
    public static func load(from root: URL, contourLength: Int, seed: UInt64, side: Int = 32) throws -> LabeledSplits {
        var directory = root.appendingPathComponent(PathfinderDifficulty.directoryName(contourLength: contourLength))
        let fileManager = FileManager.default
        if !fileManager.fileExists(atPath: directory.path),
           fileManager.fileExists(atPath: root.appendingPathComponent("metadata").path) {
            directory = root
        }
        return split(try examples(in: directory, side: side).examples, seed: seed)
    }

    /// Reads every `metadata/*.npy` file of a difficulty directory (in batch-number order) and
    /// the images they list. Errors name the metadata file and line, or the image.
    public static func examples(in directory: URL, side: Int = 32) throws -> Contents {
        let metadataDirectory = directory.appendingPathComponent("metadata")
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: metadataDirectory.path).filter { $0.hasSuffix(".npy") }
        } catch {
            throw PathfinderError.missingMetadata(directory: directory.path)
        }
        guard !names.isEmpty else { throw PathfinderError.missingMetadata(directory: directory.path) }
        let ordered = names.sorted { a, b in
            let na = Int(a.dropLast(4)), nb = Int(b.dropLast(4))
            switch (na, nb) {
            case let (x?, y?): return x != y ? x < y : a < b
            case (.some, nil): return true
            case (nil, .some): return false
            default: return a < b
            }
        }
        var contents = Contents(examples: [], skipped: [])
        for name in ordered {
            let metadataURL = metadataDirectory.appendingPathComponent(name)
            let entries = try PathfinderMetadata(contentsOf: metadataURL).entries
            var results = [Result<[Int]?, any Error>](repeating: .success(nil), count: entries.count)
            results.withUnsafeMutableBufferPointer { results in
                Parallel.forEach(entries.count, costPerItem: 1 << 16) { i in
                    results[i] = Result { try tokens(ofImageAt: directory.appendingPathComponent(entries[i].relativePath), side: side) }
                }
            }
            for (entry, result) in zip(entries, results) {
                if let tokens = try result.get() {
                    contents.examples.append(ClassificationExample(tokens: tokens, label: entry.label))
                } else {
                    contents.skipped.append(directory.appendingPathComponent(entry.relativePath).path)
                }
            }
        }
        return contents
    }

    /// The tokens of one image (pixel + 1, row-major), or nil if the image is empty (a zero-byte
    /// file or all black).
    static func tokens(ofImageAt url: URL, side: Int) throws -> [Int]? {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw DataError.unreadableFile(path: url.path, reason: (error as NSError).localizedDescription)
        }
        if data.isEmpty { return nil }
        let image = try PNG.decode([UInt8](data), path: url.path)
        guard image.width == side && image.height == side else {
            throw PathfinderError.wrongImageSize(path: url.path, width: image.width, height: image.height, expected: side)
        }
        if image.pixels.allSatisfy({ $0 == 0 }) { return nil }
        return tokens(for: image.pixels)
    }

    /// Pixel values as token ids: `pixel + 1` (1…256), leaving 0 for padding.
    public static func tokens(for pixels: [UInt8]) -> [Int] {
        pixels.map { Int($0) + 1 }
    }

    /// Shuffles `examples` with a `RandomGenerator` seeded with `seed` and cuts the first 80%
    /// (rounded down) for training, the next 10% for validation and the rest for testing.
    public static func split(_ examples: [ClassificationExample], seed: UInt64) -> LabeledSplits {
        var examples = examples
        var random = RandomGenerator(seed: seed)
        random.shuffle(&examples)
        let trainEnd = examples.count * 8 / 10, validationEnd = examples.count * 9 / 10
        return LabeledSplits(
            train: Array(examples[..<trainEnd]), validation: Array(examples[trainEnd..<validationEnd]),
            test: Array(examples[validationEnd...]), vocabularySize: vocabularySize, classCount: classCount)
    }
}
