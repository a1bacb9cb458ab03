/// Why a zlib stream (PNG image data) or gzip file could not be decompressed.
///
/// `Inflater` throws these instead of crashing on damaged or hostile input; callers that know the
/// file wrap them with its path (`PNGError`, the gzip loaders), so the message names both the file
/// and the fault.
public enum InflateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input ended before the stream did (a truncated file).
    case truncated
    /// zlib found the data invalid; `reason` is zlib's own message, such as "incorrect header
    /// check" (a bad zlib header, or data that is not gzip), "unknown compression method",
    /// "unknown header flags set", "header crc mismatch", "invalid block type", "invalid stored
    /// block lengths", "invalid distance too far back", "incorrect data check" (a wrong Adler-32
    /// or CRC-32) or "incorrect length check" (a wrong gzip length).
    case invalidData(reason: String)
    /// The stream asks for a preset dictionary, which neither PNG nor gzip uses.
    case presetDictionary
    /// The output would exceed the limit the caller set (a wrong size, or a decompression bomb).
    case outputLimitExceeded(limit: Int)
    /// Bytes follow the end of the stream that are not another gzip member.
    case trailingData(count: Int)
    /// zlib itself failed (`code` is its return code; `Z_MEM_ERROR`, -4, when memory ran out).
    case zlibFailure(code: Int32, reason: String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .truncated:
            return "the compressed stream is truncated"
        case .invalidData(let reason):
            return "bad compressed data: \(reason)"
        case .presetDictionary:
            return "bad stream header: the stream needs a preset dictionary, which PNG and gzip do not use"
        case .outputLimitExceeded(let limit):
            return "the decompressed data is larger than the expected \(limit) bytes"
        case .trailingData(let count):
            return "\(count) unexpected bytes follow the end of the compressed stream"
        case .zlibFailure(let code, let reason):
            return "zlib failed (code \(code)): \(reason)"
        }
    }
}
