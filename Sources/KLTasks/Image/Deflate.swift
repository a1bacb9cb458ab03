/// Compression to deflate (RFC 1951) and zlib (RFC 1950) streams, for the PNG files the library
/// writes.
///
/// Two methods, both simple enough to be obviously correct: `.stored` copies the data in
/// uncompressed blocks, and `.fixedHuffman` finds repeats greedily (3-byte hash chains over a
/// 32 KiB window) and codes them with deflate's fixed Huffman code. The latter shrinks a mostly
/// black Pathfinder image about four-fold; neither aims at zlib's ratios. Every stream decodes with
/// any conforming inflater (zlib, `Inflate`).
public enum Deflate {
    /// How the data is coded.
    public enum Method: Sendable, Hashable {
        /// Uncompressed blocks of up to 65,535 bytes.
        case stored
        /// Greedy LZ77 matching with the fixed Huffman code, in one block.
        case fixedHuffman
    }

    /// A raw deflate stream of `bytes`.
    public static func compress(_ bytes: [UInt8], method: Method = .fixedHuffman) -> [UInt8] {
        var writer = DeflateBitWriter()
        switch method {
        case .stored: writeStored(bytes, to: &writer)
        case .fixedHuffman: writeFixedHuffman(bytes, to: &writer)
        }
        return writer.finish()
    }

    /// A zlib stream of `bytes`: header `78 01` (deflate, 32 KiB window, fastest-level hint), the
    /// deflate stream, and the big-endian Adler-32 of `bytes`.
    public static func zlib(_ bytes: [UInt8], method: Method = .fixedHuffman) -> [UInt8] {
        var stream: [UInt8] = [0x78, 0x01]
        stream.append(contentsOf: compress(bytes, method: method))
        let checksum = Adler32.checksum(bytes)
        stream.append(contentsOf: [UInt8(checksum >> 24), UInt8(truncatingIfNeeded: checksum >> 16),
                                   UInt8(truncatingIfNeeded: checksum >> 8), UInt8(truncatingIfNeeded: checksum)])
        return stream
    }

    /// Stored blocks; an empty input still gets one (empty, final) block.
    private static func writeStored(_ bytes: [UInt8], to writer: inout DeflateBitWriter) {
        let blockSize = 65_535
        var start = 0
        repeat {
            let end = min(start + blockSize, bytes.count)
            writer.write(end == bytes.count ? 1 : 0, bits: 1)  // BFINAL
            writer.write(0, bits: 2)  // BTYPE 00: stored
            writer.alignToByte()
            let length = end - start
            writer.writeBytes([UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)])
            writer.writeBytes(bytes[start..<end])
            start = end
        } while start < bytes.count
    }

    /// One final fixed-Huffman block: greedy longest matches (length 3…258, distance ≤ 32,768)
    /// from hash chains of at most `maximumChain` candidates, literals elsewhere.
    private static func writeFixedHuffman(_ input: [UInt8], to writer: inout DeflateBitWriter) {
        writer.write(1, bits: 1)  // BFINAL
        writer.write(1, bits: 2)  // BTYPE 01: fixed Huffman
        let count = input.count
        let windowSize = 32_768, maximumChain = 64, hashBits = 13
        var head = [Int](repeating: -1, count: 1 << hashBits)
        var previous = [Int](repeating: -1, count: windowSize)
        input.withUnsafeBufferPointer { bytes in
            head.withUnsafeMutableBufferPointer { head in
                previous.withUnsafeMutableBufferPointer { previous in
                    @inline(__always) func hash(_ index: Int) -> Int {
                        let key = Int(bytes[index]) << 16 | Int(bytes[index + 1]) << 8 | Int(bytes[index + 2])
                        return (key &* 2_654_435_761) >> (32 - hashBits) & ((1 << hashBits) - 1)
                    }
                    @inline(__always) func insert(_ index: Int) {
                        guard index + 2 < count else { return }
                        let h = hash(index)
                        previous[index & (windowSize - 1)] = head[h]
                        head[h] = index
                    }
                    var index = 0
                    while index < count {
                        var bestLength = 0, bestDistance = 0
                        if index + 2 < count {
                            var candidate = head[hash(index)]
                            var chain = 0
                            let longest = min(258, count - index)
                            while candidate >= 0 && index - candidate <= windowSize && chain < maximumChain {
                                var length = 0
                                while length < longest && bytes[candidate + length] == bytes[index + length] { length += 1 }
                                if length > bestLength {
                                    bestLength = length
                                    bestDistance = index - candidate
                                    if length == longest { break }
                                }
                                candidate = previous[candidate & (windowSize - 1)]
                                chain += 1
                            }
                        }
                        if bestLength >= 3 {
                            writeLength(bestLength, distance: bestDistance, to: &writer)
                            for position in index..<(index + bestLength) { insert(position) }
                            index += bestLength
                        } else {
                            writeLiteral(Int(bytes[index]), to: &writer)
                            insert(index)
                            index += 1
                        }
                    }
                }
            }
        }
        writeLiteral(256, to: &writer)  // end of block
    }

    /// The fixed literal/length code (RFC 1951 §3.2.6) of every symbol 0…287, bit-reversed for
    /// LSB-first output: `(reversed code, length)`.
    private static let fixedLiteralCodes: [(code: Int, length: Int)] = (0..<288).map { symbol in
        let (code, length): (Int, Int)
        switch symbol {
        case 0..<144: (code, length) = (0x30 + symbol, 8)
        case 144..<256: (code, length) = (0x190 + symbol - 144, 9)
        case 256..<280: (code, length) = (symbol - 256, 7)
        default: (code, length) = (0xC0 + symbol - 280, 8)
        }
        return (DeflateBitWriter.reversed(code, length: length), length)
    }

    /// Writes literal/length symbol `symbol` with the fixed code.
    @inline(__always)
    private static func writeLiteral(_ symbol: Int, to writer: inout DeflateBitWriter) {
        let entry = fixedLiteralCodes[symbol]
        writer.write(entry.code, bits: entry.length)
    }

    /// Writes a back-reference: the length symbol and extra bits, then the distance symbol (five
    /// fixed bits) and extra bits.
    private static func writeLength(_ length: Int, distance: Int, to writer: inout DeflateBitWriter) {
        var lengthIndex = DeflateDecoder.lengthBase.count - 1
        while DeflateDecoder.lengthBase[lengthIndex] > length { lengthIndex -= 1 }
        writeLiteral(257 + lengthIndex, to: &writer)
        writer.write(length - DeflateDecoder.lengthBase[lengthIndex], bits: DeflateDecoder.lengthExtra[lengthIndex])
        var distanceIndex = DeflateDecoder.distanceBase.count - 1
        while DeflateDecoder.distanceBase[distanceIndex] > distance { distanceIndex -= 1 }
        writer.writeCode(distanceIndex, length: 5)
        writer.write(distance - DeflateDecoder.distanceBase[distanceIndex], bits: DeflateDecoder.distanceExtra[distanceIndex])
    }
}
