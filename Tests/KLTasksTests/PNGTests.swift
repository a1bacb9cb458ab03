import Foundation
import KLTensor
import Testing
@testable import KLTasks

/// Replaces a PNG chunk's data byte at `offset` (from the file start) and recomputes the CRC of
/// the chunk that starts at `chunkStart`, so only the intended field is wrong.
private func patched(_ png: [UInt8], chunkStart: Int, offset: Int, value: UInt8) -> [UInt8] {
    var bytes = png
    bytes[offset] = value
    let length = Int(PNG.bigEndian32(bytes, at: chunkStart))
    let crc = Zlib.crc32(bytes[(chunkStart + 4)..<(chunkStart + 8 + length)])
    let crcOffset = chunkStart + 8 + length
    bytes[crcOffset] = UInt8(crc >> 24)
    bytes[crcOffset + 1] = UInt8(truncatingIfNeeded: crc >> 16)
    bytes[crcOffset + 2] = UInt8(truncatingIfNeeded: crc >> 8)
    bytes[crcOffset + 3] = UInt8(truncatingIfNeeded: crc)
    return bytes
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

    @Test(arguments: [CompressionLevel.stored, CompressionLevel(1), .default, CompressionLevel(9)])
    func encodedImagesRoundTrip(compression: CompressionLevel) throws {
        var random = RandomGenerator(seed: 1)
        for (width, height) in [(1, 1), (32, 32), (7, 3), (300, 2)] {
            let image = GrayImage(width: width, height: height, pixels: (0..<(width * height)).map { _ in UInt8(random.nextInt(below: 256)) })
            let bytes = PNG.encode(image, compression: compression)
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
        expectFailure(crc, .crcMismatch(chunk: "IHDR", expected: stored, actual: Zlib.crc32(crc[12..<29])))

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
        let idat = Zlib.compress(rows, level: .default)
        badFilter += [0, 0, 0, UInt8(idat.count)] + Array("IDAT".utf8) + idat
        let idatCRC = Zlib.crc32(Array("IDAT".utf8) + idat)
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
        let good = PNG.encode(GrayImage(width: 8, height: 8, pixels: [UInt8](repeating: 9, count: 64)), compression: .stored)
        // Corrupt the stored block's length inside IDAT (chunk at 33, data at 41: the zlib header,
        // the block header byte, then LEN), so it no longer matches its complement.
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
