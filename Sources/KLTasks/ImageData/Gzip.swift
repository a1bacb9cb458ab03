import Foundation

/// Recognises gzip-compressed data files and decompresses them with the library's own `Inflate`,
/// so the IDX loader reads `.gz` files (how Fashion-MNIST and MNIST ship) without external tools.
///
/// Decompression is bounded by what the format expects: a reader inflates the header first
/// (`header(_:count:path:)`), learns from it how many bytes the file must hold, and inflates the
/// whole with exactly that limit, so a file that inflates to more (a decompression bomb, or the
/// wrong file) is refused as soon as it passes the expected size, never inflated whole.
enum Gzip {
    /// The most bytes a data file may decompress to (1 GiB; Fashion-MNIST's largest is 47 MB),
    /// whatever its header promises.
    static let outputLimit = 1 << 30

    /// Whether `data` starts with the gzip magic bytes `1f 8b`.
    static func isCompressed(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
    }

    /// The first `count` decompressed bytes of gzip `data` (fewer if it holds fewer), inflating no
    /// more; a damaged stream throws `ImageDataError.corruptCompression` naming `path`.
    static func header(_ data: Data, count: Int, path: String) throws -> Data {
        do {
            return Data(try Inflate.prefix(gzip: data, count: count))
        } catch {
            throw ImageDataError.corruptCompression(path: path, reason: "\(error)")
        }
    }

    /// The decompressed bytes of gzip `data`, which must be at most `expected` bytes (the size the
    /// file's header promises; at most `outputLimit`); more, or a damaged stream, throws
    /// `ImageDataError.corruptCompression` naming `path`.
    static func decompress(_ data: Data, expected: Int, path: String) throws -> Data {
        guard expected <= outputLimit else {
            throw ImageDataError.corruptCompression(path: path, reason: "its header promises \(expected == .max ? "more than \(Int.max)" : "\(expected)") bytes, more than the \(outputLimit)-byte limit on decompressed data files")
        }
        do {
            return Data(try Inflate.decompress(gzip: data, limit: expected))
        } catch InflateError.outputLimitExceeded {
            throw ImageDataError.corruptCompression(path: path, reason: "it decompresses to more than the \(expected) bytes its header promises")
        } catch {
            throw ImageDataError.corruptCompression(path: path, reason: "\(error)")
        }
    }
}
