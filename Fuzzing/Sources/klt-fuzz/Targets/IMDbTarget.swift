import Foundation
import KLTasks

extension FuzzTarget {
    /// IMDb review bytes → splits (`IMDbDataset.load(from:…)`) of an `aclImdb` tree with one review
    /// per class folder: the input holds the four reviews (`train/neg`, `train/pos`, `test/neg`,
    /// `test/pos`) separated by NUL bytes. An empty or missing review is written as a line break, which
    /// the reader refuses the same way: Foundation leaks 4 KiB on every read of an empty file (see
    /// `Fuzzing/lsan-suppressions.txt`), which at thousands of inputs a second would fill the memory.
    static let imdb = FuzzTarget(
        name: "imdb", summary: "aclImdb review bytes → splits (IMDbDataset)", maximumLength: 4096,
        fixtures: [],
        seeds: {
            let reviews = ["Dull.<br /><br />Two hours lost.", "A caf\u{E9} of a film: warm, bright.", "Poor.", "Great fun!"]
            return [Array(reviews.joined(separator: "\0").utf8)]
        },
        read: { bytes in
            let root = try ScratchFile.folder("aclImdb")
            let parts = bytes.split(separator: 0, maxSplits: IMDbDataset.requiredDirectories.count - 1, omittingEmptySubsequences: false)
            for (index, directory) in IMDbDataset.requiredDirectories.enumerated() {
                _ = try ScratchFile.folder("aclImdb/" + directory)
                let review = index < parts.count && !parts[index].isEmpty ? Array(parts[index]) : [UInt8(ascii: "\n")]
                _ = try ScratchFile.write(review, to: "aclImdb/\(directory)/0_\(index + 1).txt")
            }
            _ = try IMDbDataset.load(from: root, maximumLength: 32, validation: .heldOutFromTrain(fraction: 0.5), seed: 1)
        })
}
