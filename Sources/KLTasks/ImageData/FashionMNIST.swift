import Foundation

/// Fashion-MNIST (Zalando; Debian's `dataset-fashion-mnist`, fetched by `DataFetcher`) as the
/// library's offline stand-in for LRA's CIFAR-10 Image task: 28×28 grey images centred in a
/// 32×32 black square, so each is 1,024 tokens like CIFAR-10 in LRA; 10 classes.
///
/// Tokens are pixel + 1 (`PixelTokens`; 0 is padding, vocabulary 257), and the two-pixel black
/// border is token 1, an ordinary black pixel, not padding. Fashion-MNIST has only train (60,000)
/// and test (10,000) files, so validation is held out of train by a fixed rule, as LRA does for
/// CIFAR-10: the **last** 10 % of the training file in file order (6,000 images) validate and the
/// first 90 % (54,000) train. The file's order is already shuffled across classes, so no seeded
/// shuffle is needed and every run gets the same split. The MNIST digits use the same file names
/// and format, so their files load the same way.
public enum FashionMNIST {
    /// The four files' names without the `.gz` suffix.
    public static let fileNames = (
        trainImages: "train-images-idx3-ubyte", trainLabels: "train-labels-idx1-ubyte",
        testImages: "t10k-images-idx3-ubyte", testLabels: "t10k-labels-idx1-ubyte")
    /// Where the Debian package installs the files, relative to the root it is unpacked into.
    public static let debianDirectory = "usr/share/datasets/fashion-mnist"
    /// Images are padded to `side × side` pixels, so each example has `side²` tokens.
    public static let side = 32
    /// Labels are in `0 ..< classCount`.
    public static let classCount = 10
    /// Token ids are in `0 ..< vocabularySize` (see `PixelTokens`).
    public static let vocabularySize = PixelTokens.vocabularySize
    /// The share of the training file held out, from its end, for validation.
    public static let defaultValidationFraction = 0.1
    /// The class names, by label.
    public static let classNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// The four files found in a directory.
    public struct Files: Hashable, Sendable {
        /// The training images.
        public var trainImages: URL
        /// The training labels.
        public var trainLabels: URL
        /// The test images.
        public var testImages: URL
        /// The test labels.
        public var testLabels: URL
    }

    /// The four files in `directory`, or in its `usr/share/datasets/fashion-mnist` subfolder (a
    /// `.deb` unpacked with `dpkg-deb -x`). Each may be plain or have a `.gz` suffix; a plain file
    /// wins. Throws `DataError.missingSplits` listing every path looked for when neither place
    /// holds all four.
    public static func locate(in directory: URL) throws -> Files {
        let names = [fileNames.trainImages, fileNames.trainLabels, fileNames.testImages, fileNames.testLabels]
        var lookedFor: [String] = []
        var missing: [String] = []
        for folder in [directory, directory.appendingPathComponent(debianDirectory)] {
            var found: [URL] = []
            for name in names {
                let candidates = [folder.appendingPathComponent(name), folder.appendingPathComponent(name + ".gz")]
                if let url = candidates.first(where: DataFile.isRegularFile) {
                    found.append(url)
                } else {
                    lookedFor += candidates.map(\.path)
                    missing.append(folder.appendingPathComponent(name).path + "[.gz]")
                }
            }
            if found.count == names.count {
                return Files(trainImages: found[0], trainLabels: found[1], testImages: found[2], testLabels: found[3])
            }
        }
        throw DataError.missingSplits(directory: directory.path, lookedFor: lookedFor, missing: missing)
    }

    /// The three splits of the files in `directory` (see `locate(in:)`): the last
    /// `validationFraction` of the training file (rounded to the nearest image) validates, the
    /// rest trains, the t10k files test. `validationFraction` must be in `0 ..< 1`.
    public static func splits(
        in directory: URL, validationFraction: Double = defaultValidationFraction
    ) throws -> LabeledSplits {
        guard validationFraction >= 0, validationFraction < 1 else {
            throw DataError.invalidConfiguration("the validation fraction must be in 0..<1, got \(validationFraction)")
        }
        let files = try locate(in: directory)
        let training = try examples(images: files.trainImages, labels: files.trainLabels)
        let test = try examples(images: files.testImages, labels: files.testLabels)
        let validationCount = Int((Double(training.count) * validationFraction).rounded())
        let trainCount = training.count - validationCount
        return LabeledSplits(
            train: Array(training[..<trainCount]), validation: Array(training[trainCount...]), test: test,
            vocabularySize: vocabularySize, classCount: classCount)
    }

    /// The examples of one image file and its label file, in file order. Throws
    /// `ImageDataError.countMismatch` when the counts differ, `.labelOutOfRange` for a label
    /// above 9 and `.imageTooLarge` for images larger than 32×32.
    public static func examples(images imagesURL: URL, labels labelsURL: URL) throws -> [ClassificationExample] {
        let images = try IDX.images(contentsOf: imagesURL)
        let labels = try IDX.labels(contentsOf: labelsURL)
        return try examples(images: images, labels: labels, imagesPath: imagesURL.path, labelsPath: labelsURL.path)
    }

    /// The examples of decoded images and labels; the paths only name the files in errors.
    public static func examples(
        images: IDXImages, labels: [UInt8], imagesPath: String, labelsPath: String
    ) throws -> [ClassificationExample] {
        guard images.count == labels.count else {
            throw ImageDataError.countMismatch(imagesPath: imagesPath, images: images.count, labelsPath: labelsPath, labels: labels.count)
        }
        guard images.rows <= side, images.columns <= side else {
            throw ImageDataError.imageTooLarge(path: imagesPath, rows: images.rows, columns: images.columns, side: side)
        }
        if let bad = labels.firstIndex(where: { Int($0) >= classCount }) {
            throw ImageDataError.labelOutOfRange(path: labelsPath, record: bad, label: Int(labels[bad]), classCount: classCount)
        }
        return (0..<images.count).map { index in
            ClassificationExample(
                tokens: PixelTokens.tokens(pixels: images.image(at: index), rows: images.rows, columns: images.columns, paddedToSide: side),
                label: Int(labels[index]))
        }
    }
}
