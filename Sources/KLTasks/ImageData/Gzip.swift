import Foundation

/// Recognises gzip-compressed data files and decompresses them with zlib (`Inflater`), so the IDX
/// loader reads `.gz` files (how Fashion-MNIST and MNIST ship) without external tools.
///
/// Decompression is bounded by what the format expects, in one pass: the reader inflates the
/// file's header first, learns from it how many bytes the file must hold, and inflates exactly
/// that many more, so a file that inflates to more (a decompression bomb, or the wrong file) is
/// refused as soon as it passes the expected size, never inflated whole.
enum Gzip {
    /// The most bytes a data file may decompress to (1 GiB; Fashion-MNIST's largest is 47 MB),
    /// whatever its header promises.
    static let outputLimit = 1 << 30

    /// Whether `data` starts with the gzip magic bytes `1f 8b`.
    static func isCompressed(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
    }

    /// The decompressed bytes of gzip `data`: its first `headerLength` bytes (fewer if it holds
    /// fewer), from which `promisedLength` reads the length of the whole (and checks what it
    /// likes, throwing its own errors), then the rest up to exactly that length (at most
    /// `outputLimit`). Data that decompresses to more, or a damaged stream, throws
    /// `ImageDataError.corruptCompression` naming `path`; data that holds less is returned short,
    /// for the caller's size check to report.
    static func decompress(_ data: Data, headerLength: Int, path: String,
                           promisedLength: (UnsafeRawBufferPointer) throws -> Int) throws -> Data {
        func corrupt(_ error: InflateError) -> ImageDataError {
            .corruptCompression(path: path, reason: "\(error)")
        }
        let inflater: Inflater
        var output: [UInt8] = []
        do {
            inflater = try Inflater(data, format: .gzip)
            try inflater.read(into: &output, upTo: headerLength)
        } catch let error as InflateError {
            throw corrupt(error)
        }
        let expected = try output.withUnsafeBytes { try promisedLength($0) }
        guard expected <= outputLimit else {
            throw ImageDataError.corruptCompression(path: path, reason: "its header promises \(expected == .max ? "more than \(Int.max)" : "\(expected)") bytes, more than the \(outputLimit)-byte limit on decompressed data files")
        }
        do {
            try inflater.read(into: &output, upTo: expected)
            try inflater.finish()
        } catch InflateError.outputLimitExceeded {
            throw ImageDataError.corruptCompression(path: path, reason: "it decompresses to more than the \(expected) bytes its header promises")
        } catch let error as InflateError {
            throw corrupt(error)
        }
        return Data(output)
    }
}
