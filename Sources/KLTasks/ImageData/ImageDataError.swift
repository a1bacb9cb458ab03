/// What is wrong with an image data file (CIFAR-10 binary batch or IDX file) that could be read
/// but does not hold what its format promises.
///
/// Every case names the file, and the record cases name the record's 0-based index in that file,
/// so a user can find the bad bytes (record `i` of a CIFAR batch starts at byte `i × 3073`).
/// Problems opening a file, and missing files, are reported as `DataError` like the other loaders'.
public enum ImageDataError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A CIFAR batch's size is not a multiple of the record size: its last record (`record`,
    /// 0-based) is cut short and holds only `bytes` bytes.
    case shortRecord(path: String, record: Int, bytes: Int, recordSize: Int)
    /// A record's label is not in `0 ..< classCount`.
    case labelOutOfRange(path: String, record: Int, label: Int, classCount: Int)
    /// An IDX file starts with the wrong magic number (for example a label file given as images).
    case wrongMagic(path: String, expected: UInt32, found: UInt32)
    /// An IDX file's length disagrees with its header (`expected` bytes in all, `found` on disk).
    case wrongSize(path: String, expected: Int, found: Int)
    /// An IDX image file and its label file hold different numbers of items.
    case countMismatch(imagesPath: String, images: Int, labelsPath: String, labels: Int)
    /// The images are larger than the square they are padded into.
    case imageTooLarge(path: String, rows: Int, columns: Int, side: Int)
    /// A gzip-compressed file could not be decompressed.
    case corruptCompression(path: String, reason: String)

    /// A one-line message naming the file, the record where there is one, and the problem.
    public var description: String {
        switch self {
        case .shortRecord(let path, let record, let bytes, let recordSize):
            return "\(path): short CIFAR record: record \(record) (0-based) has \(bytes) of \(recordSize) bytes; the file size is not a multiple of \(recordSize)"
        case .labelOutOfRange(let path, let record, let label, let classCount):
            return "\(path): record \(record) (0-based): label \(label) is out of range 0..<\(classCount)"
        case .wrongMagic(let path, let expected, let found):
            return "wrong IDX magic \(found) (expected \(expected), \(Self.kind(expected))) in \(path)"
        case .wrongSize(let path, let expected, let found):
            return "\(path): the IDX header promises \(expected) bytes in all, but the file has \(found)"
        case .countMismatch(let imagesPath, let images, let labelsPath, let labels):
            return "\(imagesPath) holds \(images) images but \(labelsPath) holds \(labels) labels"
        case .imageTooLarge(let path, let rows, let columns, let side):
            return "\(path): images are \(rows)×\(columns), larger than the \(side)×\(side) square they are padded into"
        case .corruptCompression(let path, let reason):
            return "\(path): cannot decompress the gzip data: \(reason)"
        }
    }

    /// What an IDX magic number stands for, for messages.
    private static func kind(_ magic: UInt32) -> String {
        switch magic {
        case IDX.imageMagic: return "an IDX image file"
        case IDX.labelMagic: return "an IDX label file"
        default: return "an IDX file"
        }
    }
}
