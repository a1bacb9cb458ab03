/// Why a PNG file could not be decoded; every message names the file.
///
/// `path` is the file's path, or a caller-chosen label for in-memory data, so that an error deep
/// in a data set's 200,000 images says which one is bad.
public struct PNGError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public enum Reason: Sendable, Hashable, CustomStringConvertible {
        /// The first eight bytes are not the PNG signature.
        case badSignature
        /// The data ends inside a chunk (`chunk` is its type, or "header" for the length and type).
        case truncatedChunk(chunk: String)
        /// A chunk's stored CRC-32 does not match its type and data.
        case crcMismatch(chunk: String, expected: UInt32, actual: UInt32)
        /// The first chunk is not a 13-byte `IHDR`, or `IHDR` holds an invalid value.
        case badHeader(String)
        /// A colour type and bit depth combination this decoder does not read.
        case unsupportedFormat(colorType: Int, bitDepth: Int)
        /// An interlaced (Adam7) image; only non-interlaced images are read.
        case unsupportedInterlace
        /// A critical chunk this decoder does not understand (for example `PLTE` images).
        case unsupportedChunk(String)
        /// There is no `IDAT` chunk.
        case missingImageData
        /// The file ends without an `IEND` chunk (usually a truncated file).
        case missingEnd
        /// The image data is not a valid zlib stream.
        case badZlibStream(InflateError)
        /// The decompressed data has the wrong number of bytes for the image's size.
        case wrongDecompressedSize(expected: Int, actual: Int)
        /// A row starts with a filter type above 4.
        case badFilterType(row: Int, type: UInt8)
        /// The image is larger than the decoder accepts.
        case tooLarge(width: Int, height: Int)

        /// A short phrase for the message.
        public var description: String {
            switch self {
            case .badSignature: return "bad signature (not a PNG file)"
            case .truncatedChunk(let chunk): return "truncated chunk \(chunk)"
            case .crcMismatch(let chunk, let expected, let actual):
                return "CRC mismatch in chunk \(chunk): stored \(String(expected, radix: 16)), computed \(String(actual, radix: 16))"
            case .badHeader(let reason): return "bad IHDR: \(reason)"
            case .unsupportedFormat(let colorType, let bitDepth):
                return "unsupported colour type \(colorType) with bit depth \(bitDepth) (supported: 8-bit grey, grey+alpha, RGB, RGBA)"
            case .unsupportedInterlace: return "unsupported interlace method (Adam7); only non-interlaced images are read"
            case .unsupportedChunk(let type): return "unsupported critical chunk \(type)"
            case .missingImageData: return "no IDAT chunk"
            case .missingEnd: return "no IEND chunk (truncated file?)"
            case .badZlibStream(let error): return "bad zlib stream: \(error)"
            case .wrongDecompressedSize(let expected, let actual):
                return "wrong decompressed size: expected \(expected) bytes, got \(actual)"
            case .badFilterType(let row, let type): return "row \(row) has filter type \(type) (0–4 allowed)"
            case .tooLarge(let width, let height): return "image too large (\(width)×\(height))"
            }
        }
    }

    /// The file, or a label for in-memory data.
    public var path: String
    /// What is wrong.
    public var reason: Reason

    /// An error for `path`.
    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    /// `path: reason`.
    public var description: String { "\(path): \(reason)" }
}
