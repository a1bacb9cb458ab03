import Foundation
import Testing
@testable import KLTasks

/// A training or validation file without examples is refused naming the file, not reported later
/// as an empty split.
@Suite struct EmptySplitTests {
    @Test func headerOnlyListOpsFilesAreNamed() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let rows = "Source\tTarget\n( [MAX 1 2 ] )\t2\n"
        try scratch.file("basic_val.tsv", rows)
        try scratch.file("basic_test.tsv", rows)
        let train = try scratch.file("basic_train.tsv", "Source\tTarget\n")
        #expect(throws: DataError.noRows(path: train.path)) { try ListOpsDataset.splits(in: scratch.url) }
        #expect(DataError.noRows(path: train.path).description.hasPrefix(train.path))
        try scratch.file("basic_train.tsv", "")
        #expect(throws: DataError.emptyFile(path: train.path)) { try ListOpsDataset.splits(in: scratch.url) }
    }
}
