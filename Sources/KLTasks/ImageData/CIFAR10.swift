import Foundation

/// CIFAR-10 from its binary release (`cifar-10-batches-bin/`), converted to grey and tokenised the
/// way LRA's Image task reads it: 1,024 tokens per image, 10 classes.
///
/// Each batch file is a run of 3,073-byte records: one label byte (0…9), then the 32×32 image as
/// three planes, all red values, then green, then blue, each row-major. Pixels become grey with
/// `LRAGreyscale` (LRA's exact TensorFlow conversion) and tokens with `PixelTokens` (grey + 1;
/// 0 is padding, vocabulary 257, where LRA uses the grey value itself and so masks black pixels).
///
/// Splits follow LRA: the first 90 % of the training images (`data_batch_1` … `data_batch_5` in
/// that order, 45,000) train, the last 10 % (5,000) validate, `test_batch.bin` (10,000) tests.
/// LRA took `train[:90%]` of TFDS's copy, whose record order TFDS shuffled when it prepared the
/// data set, so the sizes match LRA's but the validation images are not the same 5,000.
public enum CIFAR10 {
    /// Bytes per record: the label and 3 × 1,024 pixels.
    public static let recordSize = 1 + 3 * 1024
    /// Images are `imageSide × imageSide` pixels.
    public static let imageSide = 32
    /// Labels are in `0 ..< classCount`.
    public static let classCount = 10
    /// Token ids are in `0 ..< vocabularySize` (see `PixelTokens`).
    public static let vocabularySize = PixelTokens.vocabularySize
    /// The class names, by label.
    public static let classNames = [
        "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
    ]
    /// The folder the release unpacks to (`cifar-10-binary.tar.gz` → `cifar-10-batches-bin/`).
    public static let batchDirectoryName = "cifar-10-batches-bin"
    /// The training batches, in the order they are concatenated.
    public static let trainFileNames = (1...5).map { "data_batch_\($0).bin" }
    /// The test batch.
    public static let testFileName = "test_batch.bin"
    /// The share of the training images that trains; the rest validates (LRA's `train[:90%]`).
    public static let trainFraction = 0.9

    /// The examples of one batch file, in file order. Throws `DataError.unreadableFile` or
    /// `DataError.emptyFile` when it cannot be read or is empty, and `ImageDataError` for a
    /// short record or a label above 9.
    public static func examples(contentsOf url: URL) throws -> [ClassificationExample] {
        try examples(fromBatch: DataFile.read(url), path: url.path)
    }

    /// The examples of a batch file's bytes; `path` only names the file in errors.
    public static func examples(fromBatch data: Data, path: String) throws -> [ClassificationExample] {
        guard !data.isEmpty else { throw DataError.emptyFile(path: path) }
        let remainder = data.count % recordSize
        guard remainder == 0 else {
            throw ImageDataError.shortRecord(path: path, record: data.count / recordSize, bytes: remainder, recordSize: recordSize)
        }
        let pixelCount = imageSide * imageSide
        return try data.withUnsafeBytes { raw in
            var examples: [ClassificationExample] = []
            examples.reserveCapacity(raw.count / recordSize)
            for record in 0..<(raw.count / recordSize) {
                let start = record * recordSize
                let label = Int(raw[start])
                guard label < classCount else {
                    throw ImageDataError.labelOutOfRange(path: path, record: record, label: label, classCount: classCount)
                }
                let planes = UnsafeRawBufferPointer(rebasing: raw[(start + 1)..<(start + recordSize)])
                let grey = LRAGreyscale.grey(planes: planes, pixelCount: pixelCount)
                examples.append(ClassificationExample(tokens: grey.map(PixelTokens.token(forPixel:)), label: label))
            }
            return examples
        }
    }

    /// The five training batches and the test batch, found in `directory` itself or in its
    /// `cifar-10-batches-bin` subfolder. Throws `DataError.missingSplits` listing every path
    /// looked for and the files missing when neither place holds all six.
    public static func locate(in directory: URL) throws -> (train: [URL], test: URL) {
        let names = trainFileNames + [testFileName]
        var lookedFor: [String] = []
        var missing: [String] = []
        for folder in [directory, directory.appendingPathComponent(batchDirectoryName)] {
            let urls = names.map { folder.appendingPathComponent($0) }
            let absent = urls.filter { !DataFile.isRegularFile($0) }
            if absent.isEmpty { return (Array(urls.dropLast()), urls[urls.count - 1]) }
            lookedFor += urls.map(\.path)
            missing += absent.map(\.path)
        }
        throw DataError.missingSplits(directory: directory.path, lookedFor: lookedFor, missing: missing)
    }

    /// The three splits of the binary release in `directory` (see `locate(in:)`), as LRA splits
    /// them: the first 90 % of the training batches (rounded to the nearest image) train, the rest
    /// validate, the test batch tests.
    public static func splits(in directory: URL) throws -> LabeledSplits {
        let files = try locate(in: directory)
        var training: [ClassificationExample] = []
        for url in files.train { training += try examples(contentsOf: url) }
        let test = try examples(contentsOf: files.test)
        let trainCount = Int((Double(training.count) * trainFraction).rounded())
        return LabeledSplits(
            train: Array(training[..<trainCount]), validation: Array(training[trainCount...]), test: test,
            vocabularySize: vocabularySize, classCount: classCount)
    }
}
