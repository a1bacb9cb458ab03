import Foundation
import KLTasks

extension FuzzTarget {
    /// IDX bytes, plain or gzip'd, → images and labels (`IDX.images(contentsOf:)`,
    /// `IDX.labels(contentsOf:)`), then Fashion-MNIST examples of the images: the header, the
    /// size checks, and for gzip the header-first, bounded decompression.
    static let idx = FuzzTarget(
        name: "idx", summary: "IDX bytes, plain or gzip → images, labels, examples (IDX, FashionMNIST)", maximumLength: 4096,
        fixtures: [
            "Tests/KLTasksTests/Fixtures/images/idx/images-idx3-ubyte",
            "Tests/KLTasksTests/Fixtures/images/idx/images-idx3-ubyte.gz",
            "Tests/KLTasksTests/Fixtures/images/idx/labels-idx1-ubyte",
            "Tests/KLTasksTests/Fixtures/images/idx/labels-idx1-ubyte.gz",
            "Tests/KLTasksTests/Fixtures/images/fashion-mnist/train-images-idx3-ubyte.gz",
            "Tests/KLTasksTests/Fixtures/images/fashion-mnist/train-labels-idx1-ubyte.gz",
        ],
        seeds: {
            // Three 4×5 images and their labels.
            let images: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5] + (0..<60).map { UInt8($0 * 4) }
            let labels: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 3, 2, 9, 0]
            return [images, labels]
        },
        read: { bytes in
            let url = try ScratchFile.write(bytes, to: "fuzz-idx-ubyte")
            try anyOf([
                {
                    let images = try IDX.images(contentsOf: url)
                    // As many labels as images where a label file that size could be (the input's length bounds it).
                    let labels = [UInt8](repeating: 1, count: min(images.count, bytes.count))
                    _ = try FashionMNIST.examples(images: images, labels: labels, imagesPath: url.path, labelsPath: url.path)
                },
                { _ = try IDX.labels(contentsOf: url) },
            ])
        })
}
