import Foundation

/// Finds the three ListOps split files in a directory, under either naming scheme in use: LRA's
/// release (`basic_train.tsv`, `basic_val.tsv`, `basic_test.tsv`, also what our generator writes)
/// or the KL-Transformer code's (`train.tsv`, `valid.tsv`, `test.tsv`).
public enum ListOpsFiles {
    /// LRA's released file names (`lra_release/listops-1000/basic_*.tsv`).
    public static let releasedNames = (train: "basic_train.tsv", validation: "basic_val.tsv", test: "basic_test.tsv")
    /// The file names the KL-Transformer code reads.
    public static let klTransformerNames = (train: "train.tsv", validation: "valid.tsv", test: "test.tsv")

    /// The train, validation and test files in `directory`: the first scheme (released, then
    /// KL-Transformer) whose three files all exist. Throws `DataError.missingSplits`, listing
    /// every name looked for and the ones missing, when neither scheme is complete.
    public static func locate(in directory: URL) throws -> (train: URL, validation: URL, test: URL) {
        let schemes = [releasedNames, klTransformerNames]
        var lookedFor: [String] = []
        var missing: [String] = []
        for names in schemes {
            let urls = (
                train: directory.appendingPathComponent(names.train),
                validation: directory.appendingPathComponent(names.validation),
                test: directory.appendingPathComponent(names.test))
            let absent = [urls.train, urls.validation, urls.test].filter { !isRegularFile($0) }
            if absent.isEmpty { return urls }
            lookedFor += [names.train, names.validation, names.test]
            missing += absent.map(\.lastPathComponent)
        }
        throw DataError.missingSplits(directory: directory.path, lookedFor: lookedFor, missing: missing)
    }

    /// Whether `url` names an existing file that is not a directory.
    private static func isRegularFile(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
}
