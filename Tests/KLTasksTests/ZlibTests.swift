import Foundation
import KLTensor
import Testing
@testable import KLTasks

/// Deterministic bytes: a few distinct values in long and short runs, then pseudo-random noise,
/// so both matches and literals are exercised.
private func sampleBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var random = RandomGenerator(seed: seed)
    var bytes: [UInt8] = []
    while bytes.count < count {
        let run = 1 + random.nextInt(below: 40)
        let value = UInt8(random.nextInt(below: 256))
        bytes.append(contentsOf: repeatElement(random.nextInt(below: 3) == 0 ? value : UInt8(bytes.count % 7), count: run))
        if random.nextInt(below: 5) == 0 { bytes.append(contentsOf: (0..<20).map { _ in UInt8(random.nextInt(below: 256)) }) }
    }
    return Array(bytes.prefix(count))
}

/// `bytes` as four little-endian bytes.
private func littleEndian(_ value: UInt32) -> [UInt8] { [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: value >> $0) } }

/// A gzip member of `bytes`: `header` (the ten fixed bytes by default), the raw deflate data (a
/// zlib stream less its two-byte header and Adler-32), the CRC-32 and the length.
func gzipMember(_ bytes: [UInt8], header: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]) -> [UInt8] {
    let zlib = Zlib.compress(bytes, level: .default)
    return header + zlib[2..<(zlib.count - 4)] + littleEndian(Zlib.crc32(bytes)) + littleEndian(UInt32(truncatingIfNeeded: bytes.count))
}

/// Our CRC-32 wrapper: the standard check value, continuation, and non-contiguous input.
@Suite struct ChecksumTests {
    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(Zlib.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(Zlib.crc32([UInt8]()) == 0)
        let bytes = sampleBytes(1_000, seed: 3)
        #expect(Zlib.crc32(bytes[333...], continuing: Zlib.crc32(bytes[..<333])) == Zlib.crc32(bytes))
        // The contiguous path and the copying one (a lazy collection) agree.
        #expect(Zlib.crc32(bytes.lazy.map { $0 }) == Zlib.crc32(bytes))
    }
}

/// Compression and bounded decompression through zlib: round trips, what the formats allow, and
/// every way a stream can be wrong reported as an `InflateError`.
@Suite struct InflateTests {
    @Test(arguments: [CompressionLevel.stored, CompressionLevel(1), .default, CompressionLevel(9)])
    func zlibRoundTrips(level: CompressionLevel) throws {
        for count in [0, 1, 2, 3, 100, 65_535, 65_536, 200_000] {
            let bytes = sampleBytes(count, seed: UInt64(count))
            let stream = Zlib.compress(bytes, level: level)
            #expect(try Zlib.decompress(Data(stream), format: .zlib, limit: .max) == bytes, "\(count) bytes")
            #expect(try Zlib.decompress(Data(stream), format: .zlib, limit: count) == bytes, "\(count) bytes, exact limit")
        }
    }

    @Test func compresses() {
        let bytes = [UInt8](repeating: 0, count: 1_000) + Array("abcabcabcabc".utf8)
        #expect(Zlib.compress(bytes, level: .default).count < 40)
        #expect(Zlib.compress(bytes, level: .stored).count > bytes.count)
        #expect(Zlib.compress(bytes, level: .stored).prefix(2) == [0x78, 0x01])  // deflate, 32 KiB window, level 0
    }

    /// `gzip -9` output (dynamic Huffman blocks, a file name in the header) of known text.
    @Test func decodesGzipNineOutput() throws {
        let gz = try [UInt8](Data(contentsOf: fixtures("pathfinder").appendingPathComponent("lorem.txt.gz")))
        #expect(gz[3] & 0x08 != 0)  // FNAME present
        #expect((gz[20] >> 1) & 3 == 2)  // the first block is dynamic Huffman
        let expected = (0..<60).map { "Line \($0): Pathfinder inflate fixture, the quick brown fox jumps over the lazy dog \($0 * $0 % 97)\n" }.joined()
        let text = try Zlib.decompress(Data(gz), format: .gzip, limit: .max)
        #expect(text == Array(expected.utf8))
        // Two concatenated members decode to the concatenation; trailing zero padding is ignored.
        #expect(try Zlib.decompress(Data(gz + gz + [0, 0, 0]), format: .gzip, limit: .max) == text + text)
        #expect(throws: InflateError.outputLimitExceeded(limit: text.count)) {
            try Zlib.decompress(Data(gz + gz), format: .gzip, limit: text.count)
        }
    }

    @Test func readsOptionalGzipHeaderFields() throws {
        let payload = Array("optional gzip header fields".utf8)
        var header: [UInt8] = [0x1F, 0x8B, 8, 0x02 | 0x04 | 0x08 | 0x10, 0, 0, 0, 0, 0, 255]
        header += [5, 0, 1, 2, 3, 4, 5]  // FEXTRA: length 5, then 5 bytes
        header += Array("name.txt".utf8) + [0]  // FNAME
        header += Array("a comment".utf8) + [0]  // FCOMMENT
        let headerCRC = Zlib.crc32(header) & 0xFFFF
        header += [UInt8(headerCRC & 0xFF), UInt8(headerCRC >> 8)]  // FHCRC
        let member = gzipMember(payload, header: header)
        func decompress(_ bytes: [UInt8]) throws -> [UInt8] { try Zlib.decompress(Data(bytes), format: .gzip, limit: .max) }
        #expect(try decompress(member) == payload)

        var badHeaderCRC = member
        badHeaderCRC[12] ^= 1  // FEXTRA's first data byte: covered by the header CRC
        #expect(throws: InflateError.invalidData(reason: "header crc mismatch")) { try decompress(badHeaderCRC) }
        var badCRC = member
        badCRC[badCRC.count - 8] ^= 1
        #expect(throws: InflateError.invalidData(reason: "incorrect data check")) { try decompress(badCRC) }
        var badSize = member
        badSize[badSize.count - 4] ^= 1
        #expect(throws: InflateError.invalidData(reason: "incorrect length check")) { try decompress(badSize) }
        #expect(throws: InflateError.trailingData(count: 3)) { try decompress(member + [1, 2, 3]) }
        #expect(throws: InflateError.trailingData(count: 1)) { try decompress(member + [0x1F]) }
        var reserved = member
        reserved[3] |= 0x80
        #expect(throws: InflateError.invalidData(reason: "unknown header flags set")) { try decompress(reserved) }
        #expect(throws: InflateError.invalidData(reason: "incorrect header check")) { try decompress(Array("not gzip".utf8)) }
    }

    @Test func rejectsBadZlibStreams() throws {
        func decompress(_ bytes: [UInt8], limit: Int = .max) throws -> [UInt8] {
            try Zlib.decompress(Data(bytes), format: .zlib, limit: limit)
        }
        let stream = Zlib.compress(Array("hello, hello, hello".utf8), level: .default)
        var badMethod = stream
        badMethod[0] = badMethod[0] & 0xF0 | 9  // method 9, with the header check bits made right again
        badMethod[1] = badMethod[1] & 0xE0
        badMethod[1] |= UInt8((31 - (Int(badMethod[0]) << 8 | Int(badMethod[1])) % 31) % 31)
        #expect(throws: InflateError.invalidData(reason: "unknown compression method")) { try decompress(badMethod) }
        var badCheck = stream
        badCheck[1] ^= 1
        #expect(throws: InflateError.invalidData(reason: "incorrect header check")) { try decompress(badCheck) }
        var badAdler = stream
        badAdler[badAdler.count - 1] ^= 1
        #expect(throws: InflateError.invalidData(reason: "incorrect data check")) { try decompress(badAdler) }
        #expect(throws: InflateError.trailingData(count: 2)) { try decompress(stream + [0, 0]) }
        // After a valid header (78 01): the reserved block type 3; a stored block whose length and
        // complement disagree; a header asking for a preset dictionary (FDICT, then its Adler-32).
        #expect(throws: InflateError.invalidData(reason: "invalid block type")) { try decompress([0x78, 0x01, 0x07]) }
        #expect(throws: InflateError.invalidData(reason: "invalid stored block lengths")) {
            try decompress([0x78, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x41])
        }
        #expect(throws: InflateError.presetDictionary) { try decompress([0x78, 0x20, 0, 0, 0, 1, 0x03, 0x00]) }
        #expect(throws: InflateError.outputLimitExceeded(limit: 10)) {
            try decompress(Zlib.compress([UInt8](repeating: 7, count: 100), level: .default), limit: 10)
        }
    }

    /// The inflater produces what it is asked for and no more, a piece at a time, with output
    /// memory that follows what it produced rather than what was promised.
    @Test func inflatesInBoundedPieces() throws {
        let bytes = (0..<100_000).map { UInt8($0 % 251) }
        let inflater = try Inflater(Data(gzipMember(bytes)), format: .gzip)
        var output: [UInt8] = []
        try inflater.read(into: &output, upTo: 16)
        #expect(output == Array(bytes.prefix(16)))
        try inflater.read(into: &output, upTo: 50_000)
        #expect(output == Array(bytes.prefix(50_000)))
        #expect(throws: InflateError.outputLimitExceeded(limit: 50_000)) { try inflater.finish() }

        // A 64 MiB bomb read 16 bytes at a time allocates nothing near its size.
        let bomb = try Inflater(Data(gzipMember([UInt8](repeating: 0, count: 64 << 20))), format: .gzip)
        var header: [UInt8] = []
        try bomb.read(into: &header, upTo: 16)
        #expect(header == [UInt8](repeating: 0, count: 16) && header.capacity < 1 << 16)

        // Asking for more than the data holds gives all of it; then it is at its end.
        let whole = try Inflater(Data(gzipMember(bytes)), format: .gzip)
        var all: [UInt8] = []
        try whole.read(into: &all, upTo: 1 << 30)
        #expect(all == bytes && whole.isAtEnd)
        try whole.finish()
    }

    /// Every proper prefix of a valid stream is an error, never a crash or a silent success.
    @Test func truncatedStreamsThrow() throws {
        let gz = try [UInt8](Data(contentsOf: fixtures("pathfinder").appendingPathComponent("lorem.txt.gz")))
        for length in 0..<gz.count {
            #expect(throws: InflateError.truncated, "gzip prefix of \(length) bytes") {
                try Zlib.decompress(Data(gz[..<length]), format: .gzip, limit: .max)
            }
        }
        let zlib = Zlib.compress(sampleBytes(300, seed: 9), level: .default)
        for length in 0..<zlib.count {
            #expect(throws: InflateError.truncated, "zlib prefix of \(length) bytes") {
                try Zlib.decompress(Data(zlib[..<length]), format: .zlib, limit: .max)
            }
        }
    }

    /// Random corruption must give an error or some output, but never a trap or a hang.
    @Test(arguments: [Zlib.Format.zlib, .gzip])
    func corruptedStreamsDoNotCrash(format: Zlib.Format) {
        let bytes = sampleBytes(2_000, seed: 11)
        let original = format == .zlib ? Zlib.compress(bytes, level: .default) : gzipMember(bytes)
        var random = RandomGenerator(seed: 5)
        for _ in 0..<300 {
            var corrupted = original
            for _ in 0..<(1 + random.nextInt(below: 3)) {
                corrupted[2 + random.nextInt(below: corrupted.count - 2)] = UInt8(random.nextInt(below: 256))
            }
            _ = try? Zlib.decompress(Data(corrupted), format: format, limit: 100_000)
        }
    }
}
