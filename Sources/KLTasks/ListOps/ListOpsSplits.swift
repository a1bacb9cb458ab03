import Foundation

/// A ListOps data set cut into training, validation and test examples, which can be written as
/// (and read back from) LRA's released files `basic_train.tsv`, `basic_val.tsv`, `basic_test.tsv`.
///
/// Writing the released layout means the same loaders read generated data and LRA's own copy.
public struct ListOpsSplits: Hashable, Sendable {
    /// The training examples.
    public var train: [ListOpsExample]
    /// The validation examples.
    public var validation: [ListOpsExample]
    /// The test examples.
    public var test: [ListOpsExample]

    /// Splits from their three example lists.
    public init(train: [ListOpsExample], validation: [ListOpsExample], test: [ListOpsExample]) {
        self.train = train
        self.validation = validation
        self.test = test
    }

    /// Reads the three splits from `directory` (either naming scheme, see `ListOpsFiles`),
    /// checking every row; throws `DataError` naming the file and line of the first problem.
    public init(contentsOf directory: URL) throws {
        let files = try ListOpsFiles.locate(in: directory)
        func read(_ url: URL) throws -> [ListOpsExample] {
            try TSVDataset(contentsOf: url, classCount: ListOpsDataset.classCount).rows.map {
                ListOpsExample(source: $0.source, label: $0.label)
            }
        }
        self.init(train: try read(files.train), validation: try read(files.validation), test: try read(files.test))
    }

    /// Writes `basic_train.tsv`, `basic_val.tsv` and `basic_test.tsv` into `directory` (created
    /// if missing), each with the header `Source\tTarget` and one `source\tlabel` line per
    /// example, each file atomically. Returns the three file URLs.
    @discardableResult
    public func write(to directory: URL) throws -> (train: URL, validation: URL, test: URL) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw DataError.unwritableFile(path: directory.path, reason: "cannot create the directory: \(error.localizedDescription)")
        }
        let names = ListOpsFiles.releasedNames
        let urls = (
            train: directory.appendingPathComponent(names.train),
            validation: directory.appendingPathComponent(names.validation),
            test: directory.appendingPathComponent(names.test))
        try TSVDataset.write(train.lazy.map { ($0.source, $0.label) }, to: urls.train)
        try TSVDataset.write(validation.lazy.map { ($0.source, $0.label) }, to: urls.validation)
        try TSVDataset.write(test.lazy.map { ($0.source, $0.label) }, to: urls.test)
        return urls
    }
}
