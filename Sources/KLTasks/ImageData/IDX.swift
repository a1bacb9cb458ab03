import Foundation

/// Reads the IDX files of the MNIST family (MNIST, Fashion-MNIST, KMNIST, EMNIST), plain or
/// gzip-compressed.
///
/// An IDX file is a big-endian header followed by raw unsigned bytes. Image files have magic
/// 2051 (`0x00000803`: unsigned bytes, 3 dimensions) and then the image count, rows and columns;
/// label files have magic 2049 (`0x00000801`, 1 dimension) and then the count. The file must be
/// exactly header plus data long; anything else is reported as an `ImageDataError` naming the
/// file. Compressed input (`.gz`, recognised by its magic bytes, not its name) is decompressed
/// first.
public enum IDX {
    /// The magic number of an image file (unsigned bytes, three dimensions).
    public static let imageMagic: UInt32 = 2051
    /// The magic number of a label file (unsigned bytes, one dimension).
    public static let labelMagic: UInt32 = 2049

    /// The images in the file at `url` (plain or gzip).
    public static func images(contentsOf url: URL) throws -> IDXImages {
        try images(from: contents(of: url), path: url.path)
    }

    /// The labels in the file at `url` (plain or gzip), in file order.
    public static func labels(contentsOf url: URL) throws -> [UInt8] {
        try labels(from: contents(of: url), path: url.path)
    }

    /// The images in an uncompressed IDX image file's bytes; `path` names the file in errors.
    public static func images(from data: Data, path: String) throws -> IDXImages {
        try data.withUnsafeBytes { raw in
            let header = 16
            guard raw.count >= 4 else { throw ImageDataError.wrongSize(path: path, expected: header, found: raw.count) }
            let magic = word(raw, at: 0)
            guard magic == imageMagic else { throw ImageDataError.wrongMagic(path: path, expected: imageMagic, found: magic) }
            guard raw.count >= header else { throw ImageDataError.wrongSize(path: path, expected: header, found: raw.count) }
            let count = Int(word(raw, at: 4))
            let rows = Int(word(raw, at: 8))
            let columns = Int(word(raw, at: 12))
            let (area, overflow1) = rows.multipliedReportingOverflow(by: columns)
            let (pixelCount, overflow2) = area.multipliedReportingOverflow(by: count)
            let (total, overflow3) = pixelCount.addingReportingOverflow(header)
            guard !overflow1, !overflow2, !overflow3, total == raw.count else {
                throw ImageDataError.wrongSize(path: path, expected: overflow1 || overflow2 || overflow3 ? Int.max : total, found: raw.count)
            }
            return IDXImages(count: count, rows: rows, columns: columns, pixels: Array(raw[header...]))
        }
    }

    /// The labels in an uncompressed IDX label file's bytes; `path` names the file in errors.
    public static func labels(from data: Data, path: String) throws -> [UInt8] {
        try data.withUnsafeBytes { raw in
            let header = 8
            guard raw.count >= 4 else { throw ImageDataError.wrongSize(path: path, expected: header, found: raw.count) }
            let magic = word(raw, at: 0)
            guard magic == labelMagic else { throw ImageDataError.wrongMagic(path: path, expected: labelMagic, found: magic) }
            guard raw.count >= header else { throw ImageDataError.wrongSize(path: path, expected: header, found: raw.count) }
            let total = Int(word(raw, at: 4)) + header
            guard total == raw.count else { throw ImageDataError.wrongSize(path: path, expected: total, found: raw.count) }
            return Array(raw[header...])
        }
    }

    /// The bytes of the file at `url`, decompressed when they start with the gzip magic bytes.
    static func contents(of url: URL) throws -> Data {
        let data = try DataFile.read(url)
        return Gzip.isCompressed(data) ? try Gzip.decompress(data, path: url.path) : data
    }

    /// The big-endian 32-bit word at byte `offset`.
    private static func word(_ raw: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(raw[offset]) << 24 | UInt32(raw[offset + 1]) << 16 | UInt32(raw[offset + 2]) << 8 | UInt32(raw[offset + 3])
    }
}
