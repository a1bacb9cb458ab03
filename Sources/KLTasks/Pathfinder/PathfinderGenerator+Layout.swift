import Foundation
import KLTensor

extension PathfinderGenerator {
    /// Writes the configured data set in LRA's layout and returns the difficulty directory:
    /// `<root>/<difficulty>/imgs/<batch>/sample_<i>.png` (8-bit grey PNG) and
    /// `<root>/<difficulty>/metadata/<batch>.npy` (text, one `PathfinderMetadata.line` per image),
    /// with `i` counting from 0 in each batch, as the original's per-batch runs did.
    ///
    /// Every file is written atomically (`AtomicFile`), and a batch's metadata only after all its
    /// images, so a metadata file never lists an image that is not complete. Images are generated
    /// in parallel (`Parallel`); the output does not depend on the thread count. Existing files
    /// are replaced.
    @discardableResult
    public func write(to root: URL) throws -> URL {
        try configuration.validate()
        let directory = root.appendingPathComponent(configuration.directoryName)
        let metadataDirectory = directory.appendingPathComponent("metadata")
        try createDirectory(metadataDirectory)
        for batch in 0..<configuration.batchCount {
            let first = batch * configuration.imagesPerBatch
            let count = min(configuration.imagesPerBatch, configuration.imageCount - first)
            let imageDirectory = directory.appendingPathComponent("imgs").appendingPathComponent(String(batch))
            try createDirectory(imageDirectory)
            var labels = [Int](repeating: 0, count: count)
            var errors = [(any Error)?](repeating: nil, count: count)
            labels.withUnsafeMutableBufferPointer { labels in
                errors.withUnsafeMutableBufferPointer { errors in
                    Parallel.forEach(count, costPerItem: 1 << 16) { i in
                        do {
                            let image = try self.image(at: first + i)
                            try PNG.write(image.grayImage, to: imageDirectory.appendingPathComponent("sample_\(i).png"))
                            labels[i] = image.label
                        } catch {
                            errors[i] = error
                        }
                    }
                }
            }
            if let error = errors.lazy.compactMap({ $0 }).first { throw error }
            let lines = labels.enumerated().map {
                PathfinderMetadata.line(batch: batch, index: $0.offset, label: $0.element,
                                        contourLength: configuration.contourLength, distractorLength: configuration.distractorLength)
            }
            try AtomicFile.write(lines.joined(separator: "\n") + "\n", to: metadataDirectory.appendingPathComponent("\(batch).npy"))
        }
        return directory
    }

    /// Creates `url` and its parents, reporting failure as `DataError.unwritableFile`.
    private func createDirectory(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw DataError.unwritableFile(path: url.path, reason: (error as NSError).localizedDescription)
        }
    }
}
