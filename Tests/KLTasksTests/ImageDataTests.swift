import Foundation
import Testing
@testable import KLTasks

/// The fixture IDX images' pixel rule (see the fixture README): train image m, pixel k.
private func trainPixel(_ image: Int, _ pixel: Int) -> UInt8 { UInt8((image * 37 + pixel * 11) % 256) }

@Suite struct LRAGreyscaleTests {
    /// Expected values from a NumPy float32 emulation of `tf.image.rgb_to_grayscale`.
    @Test(arguments: [
        (0, 0, 0, 0), (255, 255, 255, 255), (255, 0, 0, 76), (0, 255, 0, 149), (0, 0, 255, 29),
        (128, 128, 128, 128), (1, 1, 1, 1),
        // float32 and float64 disagree on these (float64 gives 92 and 85): the float32 path is LRA's.
        (0, 122, 186, 93), (3, 121, 122, 86),
    ])
    func matchesTensorFlowFloat32(red: Int, green: Int, blue: Int, expected: Int) {
        let value: UInt8 = LRAGreyscale.grey(red: UInt8(red), green: UInt8(green), blue: UInt8(blue))
        #expect(Int(value) == expected)
    }

    @Test func planarImage() {
        let planes: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255]   // R plane, G plane, B plane of 3 pixels
        let grey = planes.withUnsafeBytes { LRAGreyscale.grey(planes: $0, pixelCount: 3) }
        #expect(grey == [76, 149, 29])
    }
}

@Suite struct CIFAR10Tests {
    @Test func fixtureBatchDecodes() throws {
        let url = try fixtures("images").appendingPathComponent("cifar-10-batches-bin/test_batch.bin")
        let examples = try CIFAR10.examples(contentsOf: url)
        #expect(examples.count == 2)
        #expect(examples.map(\.label) == [3, 9])
        #expect(examples.allSatisfy { $0.tokens.count == 1024 && !$0.isTruncated })
        // Grey values from the NumPy float32 emulation, shifted by one into tokens.
        #expect(Array(examples[0].tokens.prefix(8)) == [29, 33, 37, 42, 46, 50, 54, 59].map { $0 + 1 })
        #expect([100, 500, 1023].map { examples[0].tokens[$0] } == [159, 176, 223])
        #expect(examples[0].tokens.reduce(0, +) == 130_288 + 1024)
        #expect(Array(examples[1].tokens.prefix(8)) == [76, 149, 29, 0, 128, 1, 255, 255].map { $0 + 1 })
        #expect(examples[1].tokens.reduce(0, +) == 259_973 + 1024)
        #expect(examples.allSatisfy { $0.tokens.allSatisfy { (1...256).contains($0) } })
    }

    @Test func shortRecordNamesFileAndRecord() throws {
        let batch = try Data(contentsOf: fixtures("images").appendingPathComponent("cifar-10-batches-bin/test_batch.bin"))
        let path = "/data/data_batch_1.bin"
        #expect(throws: ImageDataError.shortRecord(path: path, record: 2, bytes: 100, recordSize: 3073)) {
            try CIFAR10.examples(fromBatch: batch + Data(count: 100), path: path)
        }
        let message = ImageDataError.shortRecord(path: path, record: 2, bytes: 100, recordSize: 3073).description
        #expect(message.contains("short CIFAR record") && message.contains(path) && message.contains("record 2"))
    }

    @Test func labelAboveNineIsRejected() throws {
        var batch = try Data(contentsOf: fixtures("images").appendingPathComponent("cifar-10-batches-bin/test_batch.bin"))
        batch[3073] = 10
        #expect(throws: ImageDataError.labelOutOfRange(path: "b.bin", record: 1, label: 10, classCount: 10)) {
            try CIFAR10.examples(fromBatch: batch, path: "b.bin")
        }
        #expect(throws: DataError.emptyFile(path: "e.bin")) { try CIFAR10.examples(fromBatch: Data(), path: "e.bin") }
    }

    @Test func missingFilesAreListed() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        try scratch.write(Data(count: 3073), to: "data_batch_1.bin")
        do {
            _ = try CIFAR10.splits(in: scratch.url)
            Issue.record("expected missing files")
        } catch let DataError.missingSplits(directory, lookedFor, missing) {
            #expect(directory == scratch.url.path)
            #expect(lookedFor.contains(scratch.url.appendingPathComponent("test_batch.bin").path))
            #expect(lookedFor.contains(scratch.url.appendingPathComponent("cifar-10-batches-bin/data_batch_1.bin").path))
            #expect(!missing.contains(scratch.url.appendingPathComponent("data_batch_1.bin").path))
            #expect(missing.contains(scratch.url.appendingPathComponent("data_batch_5.bin").path))
        }
    }

    /// Five batches of two records: 90 % of 10 train, the last one validates, in file order.
    @Test func splitsFollowLRA() throws {
        let batch = try Data(contentsOf: fixtures("images").appendingPathComponent("cifar-10-batches-bin/test_batch.bin"))
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        for name in CIFAR10.trainFileNames + [CIFAR10.testFileName] {
            try scratch.write(batch, to: "cifar-10-batches-bin/" + name)
        }
        let splits = try CIFAR10.splits(in: scratch.url)
        #expect(splits.train.map(\.label) == [3, 9, 3, 9, 3, 9, 3, 9, 3])
        #expect(splits.validation.map(\.label) == [9])
        #expect(splits.test.map(\.label) == [3, 9])
        #expect(splits.vocabularySize == 257 && splits.classCount == 10)
        #expect(splits.validation[0] == splits.test[1])
    }
}

@Suite struct IDXTests {
    @Test func plainFilesDecode() throws {
        let folder = try fixtures("images").appendingPathComponent("idx")
        let images = try IDX.images(contentsOf: folder.appendingPathComponent("images-idx3-ubyte"))
        #expect(images.count == 3 && images.rows == 4 && images.columns == 5)
        #expect(Array(images.image(at: 2)) == (0..<20).map { 255 - trainPixel(2, $0) })
        #expect(try IDX.labels(contentsOf: folder.appendingPathComponent("labels-idx1-ubyte")) == [7, 0, 9])
    }

    @Test func gzipFilesDecodeToTheSame() throws {
        let folder = try fixtures("images").appendingPathComponent("idx")
        #expect(try IDX.images(contentsOf: folder.appendingPathComponent("images-idx3-ubyte.gz"))
            == IDX.images(contentsOf: folder.appendingPathComponent("images-idx3-ubyte")))
        #expect(try IDX.labels(contentsOf: folder.appendingPathComponent("labels-idx1-ubyte.gz")) == [7, 0, 9])
    }

    @Test func wrongMagicNamesTheFile() throws {
        let labels = try fixtures("images").appendingPathComponent("idx/labels-idx1-ubyte")
        #expect(throws: ImageDataError.wrongMagic(path: labels.path, expected: 2051, found: 2049)) {
            try IDX.images(contentsOf: labels)
        }
        let message = ImageDataError.wrongMagic(path: labels.path, expected: 2051, found: 2049).description
        #expect(message.hasPrefix("wrong IDX magic 2049") && message.hasSuffix("in \(labels.path)"))
        let images = try fixtures("images").appendingPathComponent("idx/images-idx3-ubyte.gz")
        #expect(throws: ImageDataError.wrongMagic(path: images.path, expected: 2049, found: 2051)) {
            try IDX.labels(contentsOf: images)
        }
    }

    @Test func sizesAreChecked() throws {
        let images = try Data(contentsOf: fixtures("images").appendingPathComponent("idx/images-idx3-ubyte"))
        #expect(throws: ImageDataError.wrongSize(path: "i", expected: 76, found: 75)) {
            try IDX.images(from: images.dropLast(), path: "i")
        }
        #expect(throws: ImageDataError.wrongSize(path: "i", expected: 76, found: 77)) {
            try IDX.images(from: images + Data([0]), path: "i")
        }
        #expect(throws: ImageDataError.wrongSize(path: "i", expected: 16, found: 0)) { try IDX.images(from: Data(), path: "i") }
        #expect(throws: ImageDataError.wrongSize(path: "i", expected: 16, found: 8)) {
            try IDX.images(from: images.prefix(8), path: "i")
        }
        // A header whose sizes overflow is an error, not a crash.
        let huge = Data([0, 0, 8, 3, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255])
        #expect(throws: ImageDataError.self) { try IDX.images(from: huge, path: "i") }
        let labels = Data([0, 0, 8, 1, 0, 0, 0, 5, 1, 2])
        #expect(throws: ImageDataError.wrongSize(path: "l", expected: 13, found: 10)) { try IDX.labels(from: labels, path: "l") }
    }

    /// Found by fuzzing (`scripts/fuzz.sh idx`): images of no columns hold no pixels however many there
    /// are, but count × rows overflowed (a trap) when the images were built from such a header.
    @Test func imagesOfNoColumnsAreReadWithoutOverflow() throws {
        let header = Data([0, 0, 8, 3, 0xE8, 0xE8, 0xE8, 0xE8, 0xE8, 0xE8, 0xE8, 0xE8, 0, 0, 0, 0])
        let images = try IDX.images(from: header, path: "i")
        #expect(images.count == 0xE8E8_E8E8 && images.rows == 0xE8E8_E8E8 && images.columns == 0 && images.pixels.isEmpty)
        #expect(images.image(at: 7).isEmpty)
    }

    @Test func corruptGzipIsAnError() throws {
        var gz = try Data(contentsOf: fixtures("images").appendingPathComponent("idx/images-idx3-ubyte.gz"))
        gz = gz.prefix(gz.count / 2)
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let url = try scratch.write(gz, to: "cut.gz")
        #expect {
            try IDX.images(contentsOf: url)
        } throws: { error in
            guard case ImageDataError.corruptCompression(let path, _) = error else { return false }
            return path == url.path
        }
    }
}

@Suite struct FashionMNISTTests {
    @Test func fixtureSplits() throws {
        let splits = try FashionMNIST.splits(in: fixtures("images").appendingPathComponent("fashion-mnist"))
        #expect(splits.train.count == 9 && splits.validation.count == 1 && splits.test.count == 3)
        #expect(splits.train.map(\.label) == [0, 3, 6, 9, 2, 5, 8, 1, 4])
        #expect(splits.validation.map(\.label) == [7])   // the last training image
        #expect(splits.test.map(\.label) == [7, 0, 9])
        #expect(splits.vocabularySize == 257 && splits.classCount == 10)
        // A 4×5 image centred in 32×32: rows 14…17, columns 13…17; the rest is black (token 1).
        let tokens = splits.validation[0].tokens
        #expect(tokens.count == 1024)
        for row in 0..<32 {
            for column in 0..<32 {
                let inside = (14..<18).contains(row) && (13..<18).contains(column)
                let expected = inside ? Int(trainPixel(9, (row - 14) * 5 + column - 13)) + 1 : 1
                #expect(tokens[row * 32 + column] == expected, "row \(row) column \(column)")
            }
        }
    }

    @Test func twentyEightPixelsGetTwoPixelBorders() {
        let pixels = [UInt8](repeating: 200, count: 28 * 28)
        let tokens = PixelTokens.tokens(pixels: pixels, rows: 28, columns: 28, paddedToSide: 32)
        #expect(tokens.count == 1024)
        for row in 0..<32 {
            for column in 0..<32 {
                let inside = (2..<30).contains(row) && (2..<30).contains(column)
                #expect(tokens[row * 32 + column] == (inside ? 201 : 1))
            }
        }
    }

    @Test func validationFraction() throws {
        let folder = try fixtures("images").appendingPathComponent("fashion-mnist")
        let none = try FashionMNIST.splits(in: folder, validationFraction: 0)
        #expect(none.train.count == 10 && none.validation.isEmpty)
        let half = try FashionMNIST.splits(in: folder, validationFraction: 0.5)
        #expect(half.train.count == 5 && half.validation.count == 5)
        #expect(throws: DataError.invalidConfiguration("the validation fraction must be in 0..<1, got 1.0")) {
            try FashionMNIST.splits(in: folder, validationFraction: 1)
        }
    }

    @Test func findsTheDebianLayoutAndReportsMissingFiles() throws {
        let fixture = try fixtures("images").appendingPathComponent("fashion-mnist")
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        for name in try FileManager.default.contentsOfDirectory(atPath: fixture.path) {
            try scratch.write(Data(contentsOf: fixture.appendingPathComponent(name)), to: FashionMNIST.debianDirectory + "/" + name)
        }
        let files = try FashionMNIST.locate(in: scratch.url)
        #expect(files.trainImages.lastPathComponent == "train-images-idx3-ubyte.gz")
        #expect(files.testLabels.lastPathComponent == "t10k-labels-idx1-ubyte")

        let empty = try ScratchDirectory()
        defer { empty.cleanUp() }
        do {
            _ = try FashionMNIST.locate(in: empty.url)
            Issue.record("expected missing files")
        } catch let DataError.missingSplits(_, lookedFor, missing) {
            #expect(lookedFor.contains(empty.url.appendingPathComponent("train-images-idx3-ubyte.gz").path))
            #expect(lookedFor.contains(empty.url.appendingPathComponent("usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte").path))
            #expect(missing.count == 8)
        }
    }

    @Test func mismatchedCountsAndBadLabels() throws {
        let images = IDXImages(count: 2, rows: 2, columns: 2, pixels: [UInt8](repeating: 9, count: 8))
        #expect(throws: ImageDataError.countMismatch(imagesPath: "i", images: 2, labelsPath: "l", labels: 3)) {
            try FashionMNIST.examples(images: images, labels: [1, 2, 3], imagesPath: "i", labelsPath: "l")
        }
        #expect(throws: ImageDataError.labelOutOfRange(path: "l", record: 1, label: 12, classCount: 10)) {
            try FashionMNIST.examples(images: images, labels: [1, 12], imagesPath: "i", labelsPath: "l")
        }
        let wide = IDXImages(count: 1, rows: 1, columns: 33, pixels: [UInt8](repeating: 0, count: 33))
        #expect(throws: ImageDataError.imageTooLarge(path: "i", rows: 1, columns: 33, side: 32)) {
            try FashionMNIST.examples(images: wide, labels: [0], imagesPath: "i", labelsPath: "l")
        }
    }
}
