/// Why a deflate, zlib or gzip stream could not be decompressed.
///
/// Decoders throw these instead of crashing on damaged or hostile input; callers that know the
/// file wrap them with its path (`PNGError`, the gzip loaders), so the message names both the file
/// and the fault.
public enum InflateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input ended before the stream did (a truncated file).
    case truncated
    /// A block header has the reserved block type 3.
    case invalidBlockType
    /// A stored block's length and its one's complement disagree.
    case storedLengthMismatch(length: Int, complement: Int)
    /// A Huffman code description is impossible (over-subscribed, or bad repeat codes).
    case invalidCodeLengths(String)
    /// The data holds a bit pattern that is no code of the current table, or a reserved symbol.
    case invalidSymbol
    /// A back-reference points before the start of the output.
    case distanceTooFar(distance: Int, available: Int)
    /// The output would exceed the limit the caller set (a wrong size, or a decompression bomb).
    case outputLimitExceeded(limit: Int)
    /// The zlib or gzip header is not valid (`reason` says which field).
    case invalidHeader(String)
    /// A checksum in the stream does not match the data (`kind` is "Adler-32", "CRC-32" or
    /// "header CRC-16").
    case checksumMismatch(kind: String, expected: UInt32, actual: UInt32)
    /// The gzip trailer's length (`ISIZE`, modulo 2^32) does not match the output.
    case sizeMismatch(expected: UInt32, actual: UInt32)
    /// Bytes follow the end of the stream that are not another gzip member.
    case trailingData(count: Int)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .truncated:
            return "the compressed stream is truncated"
        case .invalidBlockType:
            return "bad deflate stream: reserved block type 3"
        case .storedLengthMismatch(let length, let complement):
            return "bad deflate stream: stored block length \(length) does not match its complement \(complement)"
        case .invalidCodeLengths(let reason):
            return "bad deflate stream: invalid Huffman code lengths (\(reason))"
        case .invalidSymbol:
            return "bad deflate stream: invalid Huffman code or reserved symbol"
        case .distanceTooFar(let distance, let available):
            return "bad deflate stream: distance \(distance) reaches before the start of the output (\(available) bytes so far)"
        case .outputLimitExceeded(let limit):
            return "the decompressed data is larger than the expected \(limit) bytes"
        case .invalidHeader(let reason):
            return "bad stream header: \(reason)"
        case .checksumMismatch(let kind, let expected, let actual):
            return "\(kind) mismatch: the stream says \(hex(expected)), the data gives \(hex(actual))"
        case .sizeMismatch(let expected, let actual):
            return "size mismatch: the gzip trailer says \(expected) bytes (mod 2^32), the data has \(actual)"
        case .trailingData(let count):
            return "\(count) unexpected bytes follow the end of the compressed stream"
        }
    }

    /// `value` as eight hexadecimal digits.
    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}
