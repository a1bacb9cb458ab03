import Foundation

/// LRA's Text task from the real IMDb reviews: the `aclImdb_v1.tar.gz` tree
/// `aclImdb/{train,test}/{pos,neg}/<id>_<rating>.txt`, byte-level, 2 classes (neg = 0, pos = 1).
///
/// No package ships IMDb, so this reads the tree a user has unpacked. As in LRA (which uses
/// TFDS `imdb_reviews`): the 25,000 training reviews train, and the 25,000 test reviews serve as
/// **both validation and test**, since IMDb has no development set (`Validation.testSet`, the
/// default); `.heldOutFromTrain(fraction:)` instead holds a seeded slice of the training reviews
/// out for validation. The text is the file's bytes as they are, `<br />` tags included, as
/// `ByteTokenizer` ids truncated to `maximumLength` (LRA's config says 1,000, its paper 4K: see
/// `ByteTextLength`). Within a split the negative reviews come first, then the positive ones, each
/// in file-name order, so loading is deterministic. Other entries (`unsup/`, `urls_*.txt`,
/// `labeledBow.feat`, hidden files) are ignored.
public enum IMDbDataset {
    /// Where the validation split comes from.
    public enum Validation: Hashable, Sendable {
        /// The test reviews, as LRA does (validation and test are the same examples).
        case testSet
        /// A seeded `fraction` of the training reviews, held out of training.
        case heldOutFromTrain(fraction: Double)
    }

    /// The number of classes.
    public static let classCount = 2
    /// The directories a data set needs, relative to the `aclImdb` folder; review `i` of
    /// `train/neg` is a training example of class 0, and so on.
    public static let requiredDirectories = ["train/neg", "train/pos", "test/neg", "test/pos"]
    /// The constant mixed into the seed for the held-out validation slice.
    static let holdOutPurpose: UInt64 = 0x494D_4442_5661_6C69   // "IMDBVali"

    /// Reads and tokenises the reviews under `directory`, which is the `aclImdb` folder or its
    /// parent. Throws `TextDataError.missingInputs` listing the expected directories when the
    /// tree is incomplete, `TextDataError.noExamples` for a class directory without reviews,
    /// `DataError.unreadableFile` for a review that cannot be read and `DataError.emptySource`
    /// (line 1) for an empty one.
    public static func load(
        from directory: URL, maximumLength: Int = ByteTextLength.lraCode,
        validation: Validation = .testSet, seed: UInt64 = 0
    ) throws -> LabeledSplits {
        try TextParameters.check(maximumLength: maximumLength)
        if case .heldOutFromTrain(let fraction) = validation {
            try TextParameters.check(fractions: [("the held-out validation fraction", fraction)])
        }
        let root = try TextInputLocator.directory(holding: requiredDirectories, of: .directory, in: directory)
        func reviews(_ split: String) throws -> [ClassificationExample] {
            try ["neg", "pos"].enumerated().flatMap { label, name in
                try Self.reviews(in: root.appendingPathComponent(split).appendingPathComponent(name), label: label)
                    .map { $0.example(maximumLength: maximumLength) }
            }
        }
        let train = try reviews("train")
        let test = try reviews("test")
        switch validation {
        case .testSet:
            return LabeledSplits(train: train, validation: test, test: test,
                                 vocabularySize: ByteTokenizer.vocabularySize, classCount: classCount)
        case .heldOutFromTrain(let fraction):
            let parts = SeededSplit.partition(count: train.count, fractions: [fraction], seed: seed, purpose: holdOutPurpose)
            return LabeledSplits(train: parts[0].map { train[$0] }, validation: parts[1].map { train[$0] }, test: test,
                                 vocabularySize: ByteTokenizer.vocabularySize, classCount: classCount)
        }
    }

    /// The reviews (`*.txt`, not hidden) in `directory`, in file-name order, labelled `label`.
    /// An entry named `*.txt` that cannot be read as a file is an error, not skipped.
    static func reviews(in directory: URL, label: Int) throws -> [LabeledText] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw DataError.unreadableFile(path: directory.path, reason: "cannot list the directory: \(error.localizedDescription)")
        }
        let files = names.filter { $0.hasSuffix(".txt") && !$0.hasPrefix(".") }.sorted()
            .map { directory.appendingPathComponent($0) }
        guard !files.isEmpty else { throw TextDataError.noExamples(path: directory.path) }
        return try files.map { file in
            let bytes = [UInt8](try DataFile.read(file, mapped: true))
            guard !bytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) else {
                throw DataError.emptySource(path: file.path, line: 1)
            }
            return LabeledText(bytes: bytes, label: label, path: file.path, line: 1)
        }
    }
}
