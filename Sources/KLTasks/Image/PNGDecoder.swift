import Foundation

extension PNG {
    /// Decodes a PNG file's bytes to a grey image (see the type's documentation for the formats
    /// read). `path` names the data in errors. Never traps on malformed or truncated input.
    public static func decode(_ data: Data, path: String) throws -> GrayImage {
        try decode([UInt8](data), path: path)
    }

    /// Decodes a PNG file's bytes to a grey image (see the type's documentation for the formats
    /// read). `path` names the data in errors. Never traps on malformed or truncated input.
    public static func decode(_ bytes: [UInt8], path: String = "<memory>") throws -> GrayImage {
        func fail(_ reason: PNGError.Reason) -> PNGError { PNGError(path: path, reason: reason) }
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else { throw fail(.badSignature) }
        var index = 8
        var header: Header?
        var compressed = Data()
        var sawImageData = false
        var sawEnd = false
        while index < bytes.count {
            guard bytes.count - index >= 8 else { throw fail(.truncatedChunk(chunk: "header")) }
            let length = Int(bigEndian32(bytes, at: index))
            let typeBytes = bytes[(index + 4)..<(index + 8)]
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard typeBytes.allSatisfy({ (65...90).contains($0) || (97...122).contains($0) }) else {
                throw fail(.unsupportedChunk("with invalid type bytes \(Array(typeBytes))"))
            }
            guard length <= Int(Int32.max), bytes.count - (index + 8) >= length + 4 else {
                throw fail(.truncatedChunk(chunk: type))
            }
            let dataRange = (index + 8)..<(index + 8 + length)
            let stored = bigEndian32(bytes, at: dataRange.upperBound)
            let actual = Zlib.crc32(bytes[dataRange], continuing: Zlib.crc32(typeBytes))
            guard stored == actual else { throw fail(.crcMismatch(chunk: type, expected: stored, actual: actual)) }
            index = dataRange.upperBound + 4
            if header == nil {
                guard type == "IHDR" else { throw fail(.badHeader("the first chunk is \(type), not IHDR")) }
                header = try Header(bytes[dataRange], fail: fail)
                continue
            }
            switch type {
            case "IDAT":
                compressed.append(contentsOf: bytes[dataRange])
                sawImageData = true
            case "IEND":
                sawEnd = true
            case "PLTE":
                break  // only a suggested palette for the colour types read here
            case "IHDR":
                throw fail(.badHeader("a second IHDR chunk"))
            default:
                // Bit 5 of the first letter clear (upper case) marks a critical chunk.
                if typeBytes.first.map({ $0 & 0x20 == 0 }) ?? false { throw fail(.unsupportedChunk(type)) }
            }
            if sawEnd { break }
        }
        guard let header else { throw fail(.truncatedChunk(chunk: "IHDR")) }
        guard sawEnd else { throw fail(.missingEnd) }
        guard sawImageData else { throw fail(.missingImageData) }
        let stride = header.width * header.channels
        let expected = header.height * (stride + 1)
        let raw: [UInt8]
        do {
            raw = try Zlib.decompress(compressed, format: .zlib, limit: expected)
        } catch InflateError.outputLimitExceeded {
            throw fail(.wrongDecompressedSize(expected: expected, actual: expected + 1))
        } catch let error as InflateError {
            throw fail(.badZlibStream(error))
        }
        guard raw.count == expected else { throw fail(.wrongDecompressedSize(expected: expected, actual: raw.count)) }
        let samples = try unfilter(raw, height: header.height, stride: stride, bytesPerPixel: header.channels, fail: fail)
        return GrayImage(width: header.width, height: header.height, pixels: grey(samples, channels: header.channels))
    }

    /// The fields of `IHDR` that matter, validated.
    private struct Header {
        let width: Int
        let height: Int
        /// Samples per pixel (one byte each): 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA.
        let channels: Int

        init(_ data: ArraySlice<UInt8>, fail: (PNGError.Reason) -> PNGError) throws {
            guard data.count == 13 else { throw fail(.badHeader("IHDR has \(data.count) bytes, expected 13")) }
            let bytes = Array(data)
            width = Int(PNG.bigEndian32(bytes, at: 0))
            height = Int(PNG.bigEndian32(bytes, at: 4))
            guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max) else {
                throw fail(.badHeader("size \(width)×\(height)"))
            }
            guard width.multipliedReportingOverflow(by: height).partialValue <= PNG.maximumPixelCount,
                  width <= PNG.maximumPixelCount, height <= PNG.maximumPixelCount else {
                throw fail(.tooLarge(width: width, height: height))
            }
            let bitDepth = Int(bytes[8]), colorType = Int(bytes[9])
            switch (colorType, bitDepth) {
            case (0, 8): channels = 1
            case (4, 8): channels = 2
            case (2, 8): channels = 3
            case (6, 8): channels = 4
            default: throw fail(.unsupportedFormat(colorType: colorType, bitDepth: bitDepth))
            }
            guard bytes[10] == 0 else { throw fail(.badHeader("compression method \(bytes[10])")) }
            guard bytes[11] == 0 else { throw fail(.badHeader("filter method \(bytes[11])")) }
            switch bytes[12] {
            case 0: break
            case 1: throw fail(.unsupportedInterlace)
            default: throw fail(.badHeader("interlace method \(bytes[12])"))
            }
        }
    }

    /// Undoes the per-row filters (none, sub, up, average, Paeth) in place of `raw`'s rows.
    private static func unfilter(
        _ raw: [UInt8], height: Int, stride: Int, bytesPerPixel: Int, fail: (PNGError.Reason) -> PNGError
    ) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: height * stride)
        for row in 0..<height {
            let filter = raw[row * (stride + 1)]
            let source = row * (stride + 1) + 1
            let target = row * stride
            let above = target - stride  // only read when row > 0
            for i in 0..<stride {
                let x = raw[source + i]
                let a = i >= bytesPerPixel ? out[target + i - bytesPerPixel] : 0
                let b = row > 0 ? out[above + i] : 0
                let value: UInt8
                switch filter {
                case 0: value = x
                case 1: value = x &+ a
                case 2: value = x &+ b
                case 3: value = x &+ UInt8((Int(a) + Int(b)) / 2)
                case 4:
                    let c = i >= bytesPerPixel && row > 0 ? out[above + i - bytesPerPixel] : 0
                    value = x &+ paeth(a, b, c)
                default: throw fail(.badFilterType(row: row, type: filter))
                }
                out[target + i] = value
            }
        }
        return out
    }

    /// The Paeth predictor: whichever of left, above and upper-left is closest to `a + b − c`.
    @inline(__always)
    private static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    /// One grey byte per pixel: the grey sample itself, or LRA's luma of the RGB samples (scaled
    /// by 255.5 and truncated, as TensorFlow converts floats to bytes); alpha is dropped.
    private static func grey(_ samples: [UInt8], channels: Int) -> [UInt8] {
        switch channels {
        case 1: return samples
        case 2: return (0..<(samples.count / 2)).map { samples[2 * $0] }
        default:
            return (0..<(samples.count / channels)).map { pixel in
                let r = Double(samples[channels * pixel]), g = Double(samples[channels * pixel + 1])
                let b = Double(samples[channels * pixel + 2])
                let luma = (0.2989 * r + 0.5870 * g + 0.1140 * b) / 255
                return UInt8(min(255, luma * 255.5))
            }
        }
    }

    /// The big-endian 32-bit integer at `bytes[index]` (the caller checks the bounds).
    static func bigEndian32(_ bytes: [UInt8], at index: Int) -> UInt32 {
        UInt32(bytes[index]) << 24 | UInt32(bytes[index + 1]) << 16 | UInt32(bytes[index + 2]) << 8 | UInt32(bytes[index + 3])
    }
}
