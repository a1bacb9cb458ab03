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

/// Replaces a PNG chunk's data byte at `offset` (from the file start) and recomputes the CRC of
/// the chunk that starts at `chunkStart`, so only the intended field is wrong.
private func patched(_ png: [UInt8], chunkStart: Int, offset: Int, value: UInt8) -> [UInt8] {
    var bytes = png
    bytes[offset] = value
    let length = Int(PNG.bigEndian32(bytes, at: chunkStart))
    let crc = CRC32.checksum(bytes[(chunkStart + 4)..<(chunkStart + 8 + length)])
    let crcOffset = chunkStart + 8 + length
    bytes[crcOffset] = UInt8(crc >> 24)
    bytes[crcOffset + 1] = UInt8(truncatingIfNeeded: crc >> 16)
    bytes[crcOffset + 2] = UInt8(truncatingIfNeeded: crc >> 8)
    bytes[crcOffset + 3] = UInt8(truncatingIfNeeded: crc)
    return bytes
}

@Suite struct ChecksumTests {
    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
        let bytes = sampleBytes(1_000, seed: 3)
        #expect(CRC32.update(CRC32.checksum(bytes[..<333]), with: bytes[333...]) == CRC32.checksum(bytes))
        // The slicing-by-8 path (contiguous) and the byte-wise path (a lazy collection) agree.
        #expect(CRC32.checksum(bytes.lazy.map { $0 }) == CRC32.checksum(bytes))
    }

    @Test func adler32MatchesKnownValues() {
        #expect(Adler32.checksum(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(Adler32.checksum([UInt8]()) == 1)
        let big = [UInt8](repeating: 255, count: 100_000)  // exercises the modulo runs
        #expect(Adler32.update(Adler32.checksum(big[..<50_000]), with: big[50_000...]) == Adler32.checksum(big))
    }
}

@Suite struct InflateTests {
    @Test(arguments: [Deflate.Method.stored, .fixedHuffman])
    func deflateRoundTrips(method: Deflate.Method) throws {
        for count in [0, 1, 2, 3, 100, 65_535, 65_536, 200_000] {
            let bytes = sampleBytes(count, seed: UInt64(count))
            #expect(try Inflate.decompress(deflate: Deflate.compress(bytes, method: method)) == bytes, "\(count) bytes")
            #expect(try Inflate.decompress(zlib: Deflate.zlib(bytes, method: method)) == bytes, "\(count) bytes")
        }
    }

    @Test func fixedHuffmanCompresses() {
        let bytes = [UInt8](repeating: 0, count: 1_000) + Array("abcabcabcabc".utf8)
        #expect(Deflate.compress(bytes).count < 40)
        #expect(Deflate.compress(bytes, method: .stored).count == bytes.count + 5)
    }

    /// `gzip -9` output (dynamic Huffman blocks, a file name in the header) of known text.
    @Test func decodesGzipNineOutput() throws {
        let gz = try [UInt8](Data(contentsOf: fixtures("pathfinder").appendingPathComponent("lorem.txt.gz")))
        #expect(gz[3] & 0x08 != 0)  // FNAME present
        #expect((gz[20] >> 1) & 3 == 2)  // the first block is dynamic Huffman
        let expected = (0..<60).map { "Line \($0): Pathfinder inflate fixture, the quick brown fox jumps over the lazy dog \($0 * $0 % 97)\n" }.joined()
        let text = try Inflate.decompress(gzip: gz)
        #expect(text == Array(expected.utf8))
        #expect(try Inflate.decompress(gzip: Data(gz)) == text)
        // Two concatenated members decode to the concatenation; trailing zero padding is ignored.
        #expect(try Inflate.decompress(gzip: gz + gz + [0, 0, 0]) == text + text)
    }

    @Test func readsOptionalGzipHeaderFields() throws {
        let payload = Array("optional gzip header fields".utf8)
        var member: [UInt8] = [0x1F, 0x8B, 8, 0x02 | 0x04 | 0x08 | 0x10, 0, 0, 0, 0, 0, 255]
        member += [5, 0, 1, 2, 3, 4, 5]  // FEXTRA: length 5, then 5 bytes
        member += Array("name.txt".utf8) + [0]  // FNAME
        member += Array("a comment".utf8) + [0]  // FCOMMENT
        let headerCRC = CRC32.checksum(member) & 0xFFFF
        member += [UInt8(headerCRC & 0xFF), UInt8(headerCRC >> 8)]  // FHCRC
        member += Deflate.compress(payload)
        let crc = CRC32.checksum(payload), size = UInt32(payload.count)
        member += [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: crc >> $0) } + [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: size >> $0) }
        #expect(try Inflate.decompress(gzip: member) == payload)

        var badHeaderCRC = member
        badHeaderCRC[10] ^= 1  // inside FEXTRA: covered by the header CRC
        #expect(throws: InflateError.self) { try Inflate.decompress(gzip: badHeaderCRC) }
        var badCRC = member
        badCRC[badCRC.count - 8] ^= 1
        #expect(throws: InflateError.checksumMismatch(kind: "CRC-32", expected: crc ^ 1, actual: crc)) { try Inflate.decompress(gzip: badCRC) }
        var badSize = member
        badSize[badSize.count - 4] ^= 1
        #expect(throws: InflateError.sizeMismatch(expected: size ^ 1, actual: size)) { try Inflate.decompress(gzip: badSize) }
        #expect(throws: InflateError.trailingData(count: 3)) { try Inflate.decompress(gzip: member + [1, 2, 3]) }
        var reserved = member
        reserved[3] |= 0x80
        #expect(throws: InflateError.self) { try Inflate.decompress(gzip: reserved) }
    }

    @Test func rejectsBadZlibStreams() throws {
        let stream = Deflate.zlib(Array("hello, hello, hello".utf8))
        var badMethod = stream
        badMethod[0] = 0x79
        #expect(throws: InflateError.self) { try Inflate.decompress(zlib: badMethod) }
        var badCheck = stream
        badCheck[1] ^= 1
        #expect(throws: InflateError.self) { try Inflate.decompress(zlib: badCheck) }
        var badAdler = stream
        badAdler[badAdler.count - 1] ^= 1
        #expect(throws: InflateError.self) { try Inflate.decompress(zlib: badAdler) }
        #expect(throws: InflateError.invalidBlockType) { try Inflate.decompress(deflate: [0x07]) }
        // A stored block whose length and complement disagree.
        #expect(throws: InflateError.storedLengthMismatch(length: 1, complement: 0)) {
            try Inflate.decompress(deflate: [0x01, 0x01, 0x00, 0x00, 0x00, 0x41])
        }
        #expect(throws: InflateError.outputLimitExceeded(limit: 10)) {
            try Inflate.decompress(zlib: Deflate.zlib([UInt8](repeating: 7, count: 100)), limit: 10)
        }
    }

    /// Every proper prefix of a valid stream is an error, never a crash or a silent success.
    @Test func truncatedStreamsThrow() throws {
        let gz = try [UInt8](Data(contentsOf: fixtures("pathfinder").appendingPathComponent("lorem.txt.gz")))
        for length in 0..<gz.count {
            #expect(throws: InflateError.self, "gzip prefix of \(length) bytes") { try Inflate.decompress(gzip: Array(gz[..<length])) }
        }
        let zlib = Deflate.zlib(sampleBytes(300, seed: 9))
        for length in 0..<zlib.count {
            #expect(throws: InflateError.self, "zlib prefix of \(length) bytes") { try Inflate.decompress(zlib: Array(zlib[..<length])) }
        }
    }

    /// Random corruption must give an error or some output, but never a trap or a hang.
    @Test func corruptedStreamsDoNotCrash() {
        let original = Deflate.zlib(sampleBytes(2_000, seed: 11))
        var random = RandomGenerator(seed: 5)
        for _ in 0..<300 {
            var bytes = original
            for _ in 0..<(1 + random.nextInt(below: 3)) {
                bytes[2 + random.nextInt(below: bytes.count - 2)] = UInt8(random.nextInt(below: 256))
            }
            _ = try? Inflate.decompress(zlib: bytes, limit: 100_000)
        }
    }
}

@Suite struct PNGTests {
    /// A Python-written 40 × 30 grey PNG: level-9 zlib (dynamic Huffman), rows filtered with types
    /// 0–4 in turn, the stream split over five `IDAT` chunks, a `tEXt` chunk before them.
    @Test func decodesAllFiltersAndSplitImageData() throws {
        let url = try fixtures("pathfinder").appendingPathComponent("filters.png")
        let image = try PNG.read(contentsOf: url)
        #expect(image.width == 40 && image.height == 30)
        for row in 0..<30 {
            for column in 0..<40 {
                let hash = (UInt64(row * 40 + column) * 2_654_435_761) % (1 << 32)
                let expected = UInt8((hash >> 28) * 16 + UInt64(row % 4))
                #expect(image[row, column] == expected, "pixel (\(row), \(column))")
            }
        }
    }

    /// Colour is converted with LRA's weights, scaled by 255.5 and truncated.
    @Test func convertsRGBToGrey() throws {
        let image = try PNG.read(contentsOf: fixtures("pathfinder").appendingPathComponent("rgb.png"))
        #expect(image.width == 5 && image.height == 3)
        for row in 0..<3 {
            for column in 0..<5 {
                let r = Double((row * 80 + column * 40) % 256), g = Double((column * 60) % 256), b = Double((row * 100 + 7) % 256)
                let expected = UInt8(min(255, (0.2989 * r + 0.5870 * g + 0.1140 * b) / 255 * 255.5))
                #expect(image[row, column] == expected)
            }
        }
    }

    @Test(arguments: [Deflate.Method.stored, .fixedHuffman])
    func encodedImagesRoundTrip(method: Deflate.Method) throws {
        var random = RandomGenerator(seed: 1)
        for (width, height) in [(1, 1), (32, 32), (7, 3), (300, 2)] {
            let image = GrayImage(width: width, height: height, pixels: (0..<(width * height)).map { _ in UInt8(random.nextInt(below: 256)) })
            let bytes = PNG.encode(image, method: method)
            #expect(Array(bytes.prefix(8)) == PNG.signature)
            #expect(try PNG.decode(bytes) == image)
        }
        #expect(PNG.encode(GrayImage(width: 32, height: 32)) == PNG.encode(GrayImage(width: 32, height: 32)))
    }

    @Test func writesFilesAtomically() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let directory = scratch.url
        let image = GrayImage(width: 4, height: 2, pixels: [0, 1, 2, 3, 252, 253, 254, 255])
        let url = directory.appendingPathComponent("a.png")
        try PNG.write(image, to: url)
        #expect(try PNG.read(contentsOf: url) == image)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["a.png"])
        #expect(throws: DataError.self) { try PNG.read(contentsOf: directory.appendingPathComponent("missing.png")) }
    }

    /// Asserts that decoding `bytes` fails with `reason`, in a message that names the file.
    private func expectFailure(_ bytes: [UInt8], _ reason: PNGError.Reason, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try PNG.decode(bytes, path: "images/bad.png")
            Issue.record("decoding succeeded, expected \(reason)", sourceLocation: sourceLocation)
        } catch let error as PNGError {
            #expect(error.reason == reason, sourceLocation: sourceLocation)
            #expect(error.description.hasPrefix("images/bad.png: "), sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func reportsMalformedFiles() {
        let good = PNG.encode(GrayImage(width: 3, height: 2, pixels: [1, 2, 3, 4, 5, 6]))
        let ihdr = 8  // the IHDR chunk starts right after the signature; its data at 16
        var signature = good
        signature[1] = 0
        expectFailure(signature, .badSignature)
        expectFailure([], .badSignature)

        var crc = good
        crc[17] ^= 0xFF  // width, without fixing the CRC
        let stored = PNG.bigEndian32(good, at: 29)
        expectFailure(crc, .crcMismatch(chunk: "IHDR", expected: stored, actual: CRC32.checksum(crc[12..<29])))

        expectFailure(patched(good, chunkStart: ihdr, offset: 25, value: 3), .unsupportedFormat(colorType: 3, bitDepth: 8))
        expectFailure(patched(good, chunkStart: ihdr, offset: 24, value: 16), .unsupportedFormat(colorType: 0, bitDepth: 16))
        expectFailure(patched(good, chunkStart: ihdr, offset: 24, value: 4), .unsupportedFormat(colorType: 0, bitDepth: 4))
        expectFailure(patched(good, chunkStart: ihdr, offset: 28, value: 1), .unsupportedInterlace)
        // Height 3 instead of 2: the image data is one row short.
        expectFailure(patched(good, chunkStart: ihdr, offset: 23, value: 3), .wrongDecompressedSize(expected: 12, actual: 8))
        // Height 1: the image data is one row too long.
        expectFailure(patched(good, chunkStart: ihdr, offset: 23, value: 1), .wrongDecompressedSize(expected: 4, actual: 5))

        // A filter type of 5 in the first row.
        let rows: [UInt8] = [5, 1, 2, 3, 0, 4, 5, 6]
        var badFilter = Array(good[..<33])
        let idat = Deflate.zlib(rows)
        badFilter += [0, 0, 0, UInt8(idat.count)] + Array("IDAT".utf8) + idat
        let idatCRC = CRC32.checksum(Array("IDAT".utf8) + idat)
        badFilter += [UInt8(idatCRC >> 24), UInt8(truncatingIfNeeded: idatCRC >> 16), UInt8(truncatingIfNeeded: idatCRC >> 8), UInt8(truncatingIfNeeded: idatCRC)]
        badFilter += Array(good[(good.count - 12)...])
        expectFailure(badFilter, .badFilterType(row: 0, type: 5))

        // No IDAT, and no IEND.
        let withoutData = Array(good[..<33]) + Array(good[(good.count - 12)...])
        expectFailure(withoutData, .missingImageData)
        expectFailure(Array(good[..<(good.count - 12)]), .missingEnd)
    }

    /// Every proper prefix of a valid file is a `PNGError` naming the file, never a crash.
    @Test func truncatedFilesThrow() throws {
        let url = try fixtures("pathfinder").appendingPathComponent("filters.png")
        let bytes = try [UInt8](Data(contentsOf: url))
        for length in 0..<bytes.count {
            do {
                _ = try PNG.decode(Array(bytes[..<length]), path: url.path)
                Issue.record("a \(length)-byte prefix decoded")
            } catch let error as PNGError {
                #expect(error.path == url.path)
            }
        }
    }

    @Test func badZlibDataIsReported() throws {
        let good = PNG.encode(GrayImage(width: 8, height: 8, pixels: [UInt8](repeating: 9, count: 64)), method: .stored)
        // Corrupt the stored block's length complement inside IDAT (chunk at 33, data at 41).
        let idat = 33
        let bad = patched(good, chunkStart: idat, offset: idat + 8 + 4, value: good[idat + 8 + 4] ^ 0xFF)
        do {
            _ = try PNG.decode(bad, path: "x.png")
            Issue.record("decoding succeeded")
        } catch let error as PNGError {
            guard case .badZlibStream = error.reason else {
                Issue.record("unexpected reason \(error.reason)")
                return
            }
            #expect(error.description.contains("x.png: bad zlib stream"))
        }
    }
}
