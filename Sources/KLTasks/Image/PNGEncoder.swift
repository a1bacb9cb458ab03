extension PNG {
    /// The PNG file of `image`: 8-bit greyscale (colour type 0), not interlaced, filter 0 (none)
    /// on every row, the rows in one `IDAT` chunk compressed by zlib at `compression`, and `IEND`.
    /// Deterministic: the same image gives the same file (with the same zlib version; another
    /// zlib may compress differently, and every conforming decoder reads either).
    public static func encode(_ image: GrayImage, compression: CompressionLevel = .default) -> [UInt8] {
        var file = signature
        var header: [UInt8] = []
        appendBigEndian(UInt32(image.width), to: &header)
        appendBigEndian(UInt32(image.height), to: &header)
        header.append(contentsOf: [8, 0, 0, 0, 0])  // bit depth, colour type, compression, filter, interlace
        appendChunk("IHDR", header, to: &file)
        var rows: [UInt8] = []
        rows.reserveCapacity(image.height * (image.width + 1))
        for row in 0..<image.height {
            rows.append(0)  // filter type 0: none
            rows.append(contentsOf: image.pixels[(row * image.width)..<((row + 1) * image.width)])
        }
        appendChunk("IDAT", Zlib.compress(rows, level: compression), to: &file)
        appendChunk("IEND", [], to: &file)
        return file
    }

    /// Appends a chunk: big-endian data length, the four-letter type, the data, and the CRC-32 of
    /// type and data.
    private static func appendChunk(_ type: String, _ data: [UInt8], to file: inout [UInt8]) {
        appendBigEndian(UInt32(data.count), to: &file)
        let typeBytes = Array(type.utf8)
        file.append(contentsOf: typeBytes)
        file.append(contentsOf: data)
        appendBigEndian(Zlib.crc32(data, continuing: Zlib.crc32(typeBytes)), to: &file)
    }

    /// Appends `value` as four big-endian bytes.
    private static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16),
                                  UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)])
    }
}
