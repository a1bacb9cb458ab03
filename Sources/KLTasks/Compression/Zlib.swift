internal import CZlib
import Foundation

/// The system zlib, for the compressed data the library reads and writes: the gzip'd IDX files of
/// MNIST-style data sets, and the zlib stream and chunk CRCs of PNG files.
///
/// zlib decodes and checks what the formats carry (the zlib header and Adler-32; each gzip
/// member's header, header CRC, CRC-32 and length). This wrapper adds what zlib leaves to its
/// caller: output bounded by what the caller expects (`Inflater` never produces more than it is
/// asked for, and `Inflater.finish()` refuses data that holds more), truncation and trailing bytes
/// reported, and every zlib return code checked and turned into an `InflateError`.
enum Zlib {
    /// How a deflate stream is wrapped.
    enum Format: Sendable {
        /// RFC 1950: a two-byte header, the deflate data and its Adler-32 (PNG image data). Nothing
        /// may follow the stream.
        case zlib
        /// RFC 1952: one or more gzip members (as `gzip -d` reads concatenated files), each with
        /// its header, deflate data, CRC-32 and length. Zero bytes after the last member (tape
        /// padding) are ignored; anything else after it is an error.
        case gzip

        /// zlib's `windowBits` for `inflateInit2`: a 32 KiB window, plus 16 for a gzip wrapper.
        var windowBits: Int32 { self == .zlib ? 15 : 15 + 16 }
    }

    /// The most bytes handed to zlib in one call: its lengths are 32-bit.
    static let maximumPiece = 1 << 30

    /// The CRC-32 of ISO 3309 (PNG chunks, gzip) of `bytes`, continuing `crc` (the CRC of the bytes
    /// before them; 0 to start), so that `crc32(b, continuing: crc32(a)) == crc32(a + b)`.
    static func crc32(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        var value = uLong(crc)
        var offset = 0
        while offset < bytes.count {
            let count = min(bytes.count - offset, maximumPiece)
            value = CZlib.crc32(value, bytes.baseAddress!.assumingMemoryBound(to: Bytef.self) + offset, uInt(count))
            offset += count
        }
        return UInt32(truncatingIfNeeded: value)
    }

    /// `crc32(_:continuing:)` of a collection of bytes (copied first when not contiguous).
    static func crc32(_ bytes: some Collection<UInt8>, continuing crc: UInt32 = 0) -> UInt32 {
        if let value = bytes.withContiguousStorageIfAvailable({ crc32(UnsafeRawBufferPointer($0), continuing: crc) }) {
            return value
        }
        return Array(bytes).withUnsafeBytes { crc32($0, continuing: crc) }
    }

    /// The zlib stream (RFC 1950) of `bytes` at `level`, with zlib's default window (32 KiB) and
    /// memory level. The output is the same for the same input and zlib version. zlib fails here
    /// only when memory runs out, which traps like any failed allocation in Swift.
    static func compress(_ bytes: [UInt8], level: CompressionLevel) -> [UInt8] {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            deflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        let started = CZlib_deflateInit2(stream, Int32(level.value), 15, 8, Z_DEFAULT_STRATEGY)
        precondition(started == Z_OK, "zlib's deflateInit2 failed with code \(started)")
        var output = [UInt8](repeating: 0, count: Int(deflateBound(stream, uLong(bytes.count))))
        var read = 0, written = 0
        while true {
            // deflateBound is documented to be enough for one call; should a zlib fall short anyway
            // (1.2.13 does by a few bytes for level 0 with windows below 32 KiB), the output grows.
            if written == output.count { output.append(contentsOf: repeatElement(0, count: max(64, output.count / 2))) }
            let (status, outputWasFull) = bytes.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { output in
                    let inPiece = min(input.count - read, maximumPiece), outPiece = min(output.count - written, maximumPiece)
                    stream.pointee.next_in = input.baseAddress.map { UnsafeMutablePointer(mutating: $0 + read) }
                    stream.pointee.avail_in = uInt(inPiece)
                    stream.pointee.next_out = output.baseAddress! + written
                    stream.pointee.avail_out = uInt(outPiece)
                    let status = deflate(stream, read + inPiece == input.count ? Z_FINISH : Z_NO_FLUSH)
                    read += inPiece - Int(stream.pointee.avail_in)
                    written += outPiece - Int(stream.pointee.avail_out)
                    stream.pointee.next_in = nil
                    stream.pointee.next_out = nil
                    return (status, stream.pointee.avail_out == 0)
                }
            }
            if status == Z_STREAM_END { break }
            // Z_BUF_ERROR only says that deflate needs more output space, which the next round adds.
            precondition(status == Z_OK || (status == Z_BUF_ERROR && outputWasFull), "zlib's deflate failed with code \(status)")
        }
        output.removeLast(output.count - written)
        return output
    }

    /// Inflates the whole of `data` (every gzip member) into at most `limit` bytes: more is
    /// `InflateError.outputLimitExceeded`, and so is any other fault an `InflateError`.
    static func decompress(_ data: Data, format: Format, limit: Int) throws -> [UInt8] {
        let inflater = try Inflater(data, format: format)
        var output: [UInt8] = []
        try inflater.read(into: &output, upTo: limit)
        try inflater.finish()
        return output
    }

    /// The `InflateError` for a failed zlib call (`status` below zero, or `Z_NEED_DICT`).
    fileprivate static func error(_ status: Int32, _ stream: UnsafeMutablePointer<z_stream>) -> InflateError {
        let message = stream.pointee.msg.map { String(cString: $0) }
        switch status {
        case Z_DATA_ERROR: return .invalidData(reason: message ?? "invalid deflate data")
        case Z_NEED_DICT: return .presetDictionary
        case Z_MEM_ERROR: return .zlibFailure(code: status, reason: "out of memory")
        default: return .zlibFailure(code: status, reason: message ?? "zlib error \(status)")
        }
    }
}

/// A zlib inflate stream over compressed bytes in memory, read a bounded piece at a time.
///
/// `read(into:upTo:)` produces exactly as many bytes as asked for (fewer only where the data
/// ends), so a reader can inflate a file's header, learn from it how large the file must be, and
/// then inflate exactly that much, never more: output memory grows with what the data actually
/// holds, not with what a header claims. `finish()` then checks that nothing is left. Truncated or
/// damaged data throws an `InflateError`; nothing here traps on bad input.
final class Inflater {
    /// zlib's state, at a fixed address (zlib checks that the stream has not moved).
    private let stream: UnsafeMutablePointer<z_stream>
    /// The compressed bytes.
    private let input: Data
    /// The wrapping, for what may follow a stream.
    private let format: Zlib.Format
    /// The offset in `input` of the first byte zlib has not consumed.
    private var position = 0
    /// The bytes produced so far, over all calls and members.
    private(set) var producedCount = 0
    /// Whether the data is used up: its last stream has ended (and only padding follows).
    private(set) var isAtEnd = false

    /// An inflater of `input`; throws `InflateError.zlibFailure` when zlib cannot start (no memory).
    init(_ input: Data, format: Zlib.Format) throws {
        self.input = input
        self.format = format
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = CZlib_inflateInit2(stream, format.windowBits)
        // On failure `deinit` still runs, and inflateEnd of a stream zlib never set up does nothing.
        guard status == Z_OK else { throw Zlib.error(status, stream) }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Inflates until `output` holds `count` bytes, or fewer when the data ends (properly) first.
    /// Output memory is added as the data delivers it: first room for 64 KiB or four times the
    /// compressed bytes left, whichever is more, then for as much again as `output` holds, never
    /// past `count`; so a small file that claims a large size cannot make it allocate that much.
    /// On a throw, `output`'s contents are unspecified.
    func read(into output: inout [UInt8], upTo count: Int) throws {
        while output.count < count && !isAtEnd {
            let start = output.count
            let piece = min(count - start, max(1 << 16, start, 4 * (input.count - position)))
            output.append(contentsOf: repeatElement(0, count: piece))
            var written = 0
            defer { output.removeLast(piece - written) }
            try output.withUnsafeMutableBytes { buffer in
                while written < piece && !isAtEnd {
                    written += try inflate(into: UnsafeMutableRawBufferPointer(rebasing: buffer[(start + written)..<(start + piece)]))
                }
            }
        }
    }

    /// Checks that the data holds no more output (else `InflateError.outputLimitExceeded`, with
    /// the bytes produced so far as the limit), and that its streams are complete, their checksums
    /// right, and nothing follows them that the format does not allow.
    func finish() throws {
        var extra: [UInt8] = []
        while !isAtEnd {
            try read(into: &extra, upTo: 1)
            guard extra.isEmpty else { throw InflateError.outputLimitExceeded(limit: producedCount - extra.count) }
        }
    }

    /// One call of zlib's `inflate` into `buffer` (not empty), with all the remaining input (up
    /// to 1 GiB); returns the bytes written. At the end of a stream, starts the next gzip member
    /// or marks the end of the data.
    private func inflate(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let (status, consumed, written, room) = input.withUnsafeBytes { raw in
            let inPiece = min(raw.count - position, Zlib.maximumPiece), outPiece = min(buffer.count, Zlib.maximumPiece)
            stream.pointee.next_in = raw.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self) + position) }
            stream.pointee.avail_in = uInt(inPiece)
            stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(outPiece)
            // Z_FINISH: all the input is there; zlib then needs no window when a stream ends in one call.
            let status = CZlib.inflate(stream, Z_FINISH)
            let consumed = inPiece - Int(stream.pointee.avail_in), written = outPiece - Int(stream.pointee.avail_out)
            stream.pointee.next_in = nil
            stream.pointee.next_out = nil
            return (status, consumed, written, outPiece)
        }
        position += consumed
        producedCount += written
        switch status {
        case Z_STREAM_END:
            try endOfStream()
        case Z_OK, Z_BUF_ERROR:
            // Not done: the output is full, or the input ran out (truncation). With space left and
            // input consumed to the end, no more can come.
            if written < room && position == input.count { throw InflateError.truncated }
            if consumed == 0 && written == 0 { throw Zlib.error(status, stream) }
        default:
            throw Zlib.error(status, stream)
        }
        return written
    }

    /// After a stream's end: another gzip member restarts the inflater, zero padding after gzip
    /// data or nothing at all ends it, anything else is `InflateError.trailingData`.
    private func endOfStream() throws {
        let rest = input[(input.startIndex + position)...]
        if format == .gzip && rest.count >= 2 && rest.first == 0x1F && rest.dropFirst().first == 0x8B {
            let status = inflateReset(stream)
            guard status == Z_OK else { throw Zlib.error(status, stream) }
            return
        }
        guard rest.isEmpty || (format == .gzip && rest.allSatisfy { $0 == 0 }) else {
            throw InflateError.trailingData(count: rest.count)
        }
        isAtEnd = true
    }
}
