import Foundation

/// Recognises gzip-compressed data files and decompresses them with the library's own `Inflate`,
/// so the IDX loader reads `.gz` files (how Fashion-MNIST and MNIST ship) without external tools.
enum Gzip {
    /// The most bytes a data file may decompress to (1 GiB; Fashion-MNIST's largest is 47 MB),
    /// so a damaged or hostile file cannot exhaust memory.
    static let outputLimit = 1 << 30

    /// Whether `data` starts with the gzip magic bytes `1f 8b`.
    static func isCompressed(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
    }

    /// The decompressed bytes of gzip `data`; a damaged stream throws
    /// `ImageDataError.corruptCompression` naming `path`.
    static func decompress(_ data: Data, path: String) throws -> Data {
        do {
            return Data(try Inflate.decompress(gzip: data, limit: outputLimit))
        } catch {
            throw ImageDataError.corruptCompression(path: path, reason: "\(error)")
        }
    }
}
