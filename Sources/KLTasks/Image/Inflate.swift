import Foundation

/// Decompression of deflate data (RFC 1951) in its three wrappings: raw, zlib (RFC 1950, inside
/// PNG) and gzip (RFC 1952, the `.gz` files of MNIST-style data sets).
///
/// Pure Swift, with no system library, so every platform decodes the same way. Each entry point
/// checks what its format guarantees (zlib's header check and Adler-32, gzip's CRC-32 and length)
/// and throws `InflateError` for damaged or truncated data instead of trapping. `limit` bounds
/// the output, so a caller that knows the expected size (a PNG's rows) cannot be made to allocate
/// without bound.
public enum Inflate {
    /// Decompresses a raw deflate stream that fills `deflate` (trailing bytes are an error).
    public static func decompress(deflate: [UInt8], limit: Int = .max) throws -> [UInt8] {
        try deflate.withUnsafeBytes { bytes in
            var decoder = DeflateDecoder(input: bytes, limit: limit)
            try decoder.decode()
            let trailing = bytes.count - decoder.endPosition
            guard trailing == 0 else { throw InflateError.trailingData(count: trailing) }
            return decoder.output
        }
    }

    /// Decompresses a zlib stream: checks the two-byte header (method 8, window ≤ 32 KiB, no
    /// preset dictionary, `(CMF·256 + FLG) mod 31 == 0`), inflates, and checks the big-endian
    /// Adler-32 of the output. Bytes after the checksum are an error.
    public static func decompress(zlib: [UInt8], limit: Int = .max, expectedSize: Int? = nil) throws -> [UInt8] {
        try zlib.withUnsafeBytes { bytes in
            guard bytes.count >= 2 else { throw InflateError.truncated }
            let method = bytes[0], flags = bytes[1]
            guard method & 0x0F == 8 else { throw InflateError.invalidHeader("zlib compression method \(method & 0x0F), expected 8 (deflate)") }
            guard method >> 4 <= 7 else { throw InflateError.invalidHeader("zlib window size field \(method >> 4) is above 7") }
            guard (Int(method) << 8 | Int(flags)) % 31 == 0 else { throw InflateError.invalidHeader("zlib header check bits are wrong") }
            guard flags & 0x20 == 0 else { throw InflateError.invalidHeader("zlib preset dictionaries are not supported") }
            var decoder = DeflateDecoder(input: bytes, start: 2, limit: limit, expectedSize: expectedSize)
            try decoder.decode()
            let end = decoder.endPosition
            guard end + 4 <= bytes.count else { throw InflateError.truncated }
            let stored = UInt32(bytes[end]) << 24 | UInt32(bytes[end + 1]) << 16 | UInt32(bytes[end + 2]) << 8 | UInt32(bytes[end + 3])
            let actual = Adler32.checksum(decoder.output)
            guard stored == actual else { throw InflateError.checksumMismatch(kind: "Adler-32", expected: stored, actual: actual) }
            let trailing = bytes.count - (end + 4)
            guard trailing == 0 else { throw InflateError.trailingData(count: trailing) }
            return decoder.output
        }
    }

    /// Decompresses a gzip file: one or more members (as `gzip -d` accepts concatenated files),
    /// each with its header (optional extra field, name, comment and header CRC-16 are read and
    /// checked), deflate data, and CRC-32 and length trailer. Trailing zero bytes (tape padding)
    /// are ignored; any other trailing bytes are an error.
    public static func decompress(gzip: [UInt8], limit: Int = .max) throws -> [UInt8] {
        try gzip.withUnsafeBytes { bytes in
            var output: [UInt8] = []
            var start = 0
            repeat {
                let member = try decompressMember(bytes, at: start, limit: limit - output.count)
                if output.isEmpty { output = member.output } else { output.append(contentsOf: member.output) }
                start = member.end
                if bytes[start...].allSatisfy({ $0 == 0 }) { break }
                guard bytes.count - start >= 2, bytes[start] == 0x1F, bytes[start + 1] == 0x8B else {
                    throw InflateError.trailingData(count: bytes.count - start)
                }
            } while true
            return output
        }
    }

    /// The first `count` bytes gzip data decompresses to (all of them when it holds fewer), decoding
    /// no further than that, so a reader can check a header (what it promises, its magic number)
    /// before it inflates the rest. Only the first member is read; its CRC-32 and length are not
    /// checked (the whole output is not there to check).
    public static func prefix(gzip: [UInt8], count: Int) throws -> [UInt8] {
        try gzip.withUnsafeBytes { bytes in
            var decoder = DeflateDecoder(input: bytes, start: try memberDataStart(bytes, at: 0), limit: max(count, 0),
                                         stopsAtLimit: true)
            try decoder.decode()
            return decoder.output
        }
    }

    /// `prefix(gzip:count:)` for `Data`.
    public static func prefix(gzip: Data, count: Int) throws -> [UInt8] {
        try prefix(gzip: [UInt8](gzip), count: count)
    }

    /// `decompress(deflate:limit:)` for `Data`.
    public static func decompress(deflate: Data, limit: Int = .max) throws -> [UInt8] {
        try decompress(deflate: [UInt8](deflate), limit: limit)
    }

    /// `decompress(zlib:limit:expectedSize:)` for `Data`.
    public static func decompress(zlib: Data, limit: Int = .max, expectedSize: Int? = nil) throws -> [UInt8] {
        try decompress(zlib: [UInt8](zlib), limit: limit, expectedSize: expectedSize)
    }

    /// `decompress(gzip:limit:)` for `Data`.
    public static func decompress(gzip: Data, limit: Int = .max) throws -> [UInt8] {
        try decompress(gzip: [UInt8](gzip), limit: limit)
    }

    /// Decodes the gzip member that starts at `bytes[start]`; returns its output and the index
    /// after its trailer.
    private static func decompressMember(
        _ bytes: UnsafeRawBufferPointer, at start: Int, limit: Int
    ) throws -> (output: [UInt8], end: Int) {
        var decoder = DeflateDecoder(input: bytes, start: try memberDataStart(bytes, at: start), limit: limit)
        try decoder.decode()
        let index = decoder.endPosition
        guard bytes.count - index >= 8 else { throw InflateError.truncated }
        let storedCRC = littleEndian32(bytes, at: index)
        let storedSize = littleEndian32(bytes, at: index + 4)
        let actualCRC = CRC32.checksum(decoder.output)
        guard storedCRC == actualCRC else { throw InflateError.checksumMismatch(kind: "CRC-32", expected: storedCRC, actual: actualCRC) }
        let actualSize = UInt32(truncatingIfNeeded: decoder.output.count)
        guard storedSize == actualSize else { throw InflateError.sizeMismatch(expected: storedSize, actual: actualSize) }
        return (decoder.output, index + 8)
    }

    /// Checks the gzip member header that starts at `bytes[start]` (magic, method, flags, the
    /// optional extra field, name, comment and header CRC-16) and returns the index of its first
    /// deflate byte.
    private static func memberDataStart(_ bytes: UnsafeRawBufferPointer, at start: Int) throws -> Int {
        var index = start
        func need(_ count: Int) throws {
            guard bytes.count - index >= count else { throw InflateError.truncated }
        }
        try need(10)
        guard bytes[index] == 0x1F, bytes[index + 1] == 0x8B else { throw InflateError.invalidHeader("not a gzip file (bad magic bytes)") }
        guard bytes[index + 2] == 8 else { throw InflateError.invalidHeader("gzip compression method \(bytes[index + 2]), expected 8 (deflate)") }
        let flags = bytes[index + 3]
        guard flags & 0xE0 == 0 else { throw InflateError.invalidHeader("reserved gzip flag bits are set") }
        index += 10  // ID1 ID2 CM FLG MTIME(4) XFL OS
        if flags & 0x04 != 0 {  // FEXTRA: a little-endian length, then that many bytes
            try need(2)
            let length = Int(bytes[index]) | Int(bytes[index + 1]) << 8
            index += 2
            try need(length)
            index += length
        }
        for flag: UInt8 in [0x08, 0x10] where flags & flag != 0 {  // FNAME, FCOMMENT: zero-terminated
            while true {
                try need(1)
                index += 1
                if bytes[index - 1] == 0 { break }
            }
        }
        if flags & 0x02 != 0 {  // FHCRC: the low 16 bits of the CRC-32 of the header so far
            try need(2)
            let stored = UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8
            let actual = CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[start..<index])) & 0xFFFF
            guard stored == actual else { throw InflateError.checksumMismatch(kind: "gzip header CRC-16", expected: stored, actual: actual) }
            index += 2
        }
        return index
    }

    /// The little-endian 32-bit integer at `bytes[index]` (four bytes must be there).
    private static func littleEndian32(_ bytes: UnsafeRawBufferPointer, at index: Int) -> UInt32 {
        UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]) << 16 | UInt32(bytes[index + 3]) << 24
    }
}
