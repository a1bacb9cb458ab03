/// Decodes one raw deflate stream (RFC 1951): stored, fixed-Huffman and dynamic-Huffman blocks,
/// until the block marked final.
///
/// Reads from a borrowed buffer through a 64-bit bit buffer. Past the end of the input it supplies
/// zero bits but notes the overrun, and every decoding step checks it, so a truncated stream ends
/// in `InflateError.truncated` instead of decoding invented data. Every other malformation is an
/// `InflateError` too; nothing in here traps on bad input.
struct DeflateDecoder {
    /// The compressed bytes.
    private let input: UnsafeRawBufferPointer
    /// The index of the next input byte to load into `bitBuffer`.
    private var position: Int
    /// Loaded bits not yet consumed, the next one lowest.
    private var bitBuffer: UInt64 = 0
    /// How many bits of `bitBuffer` are valid.
    private var bitCount = 0
    /// The decompressed bytes so far.
    private(set) var output: [UInt8] = []
    /// The most output allowed.
    private let limit: Int
    /// Whether reaching `limit` ends decoding (a prefix of the output is wanted) instead of being an error.
    private let stopsAtLimit: Bool
    /// Whether decoding stopped at `limit` before the final block ended (only with `stopsAtLimit`).
    private(set) var reachedLimit = false

    /// A decoder of the stream that starts at `input[start]`, producing at most `limit` bytes: more
    /// is `InflateError.outputLimitExceeded`, or with `stopsAtLimit` the end of decoding, with the
    /// first `limit` bytes in `output` and `reachedLimit` set.
    init(input: UnsafeRawBufferPointer, start: Int = 0, limit: Int = .max, expectedSize: Int? = nil, stopsAtLimit: Bool = false) {
        self.input = input
        position = start
        self.limit = limit
        self.stopsAtLimit = stopsAtLimit
        output.reserveCapacity(min(expectedSize ?? input.count * 4, limit, 1 << 28))
    }

    /// The index of the first input byte after the stream (valid once `decode()` has returned):
    /// the final block's last byte, padding bits included, is the one before it.
    var endPosition: Int { position - bitCount / 8 }

    /// Decodes every block up to and including the final one.
    mutating func decode() throws {
        var isFinal = false
        while !isFinal && !reachedLimit {
            isFinal = try bits(1) == 1
            switch try bits(2) {
            case 0: try storedBlock()
            case 1: try huffmanBlock(literals: Self.fixedLiterals, distances: Self.fixedDistances)
            case 2:
                let (literals, distances) = try dynamicTables()
                try huffmanBlock(literals: literals, distances: distances)
            default: throw InflateError.invalidBlockType
            }
        }
    }

    // MARK: Bits

    /// Tops `bitBuffer` up to at least 57 bits, with zero bytes past the end of the input.
    @inline(__always)
    private mutating func refill() {
        while bitCount <= 56 {
            let byte: UInt8 = position < input.count ? input[position] : 0
            bitBuffer |= UInt64(byte) << UInt64(bitCount)
            bitCount += 8
            position += 1
        }
    }

    /// Whether more bits have been consumed than the input holds.
    @inline(__always)
    private var isOverrun: Bool { (position - input.count) * 8 > bitCount }

    /// How many of `wanted` more output bytes may be produced: all of them within the limit; past it,
    /// what is left (marking `reachedLimit`) when stopping at the limit, else an error.
    private mutating func room(for wanted: Int) throws -> Int {
        let left = limit - output.count
        if wanted <= left { return wanted }
        guard stopsAtLimit else { throw InflateError.outputLimitExceeded(limit: limit) }
        reachedLimit = true
        return left
    }

    /// Drops `count` bits (already loaded).
    @inline(__always)
    private mutating func consume(_ count: Int) throws {
        bitBuffer >>= UInt64(count)
        bitCount -= count
        if isOverrun { throw InflateError.truncated }
    }

    /// Reads `count` (≤ 32) bits as an unsigned integer, first bit lowest.
    @inline(__always)
    private mutating func bits(_ count: Int) throws -> Int {
        if count == 0 { return 0 }
        refill()
        let value = Int(bitBuffer & ((1 << UInt64(count)) - 1))
        try consume(count)
        return value
    }

    /// Reads one symbol of `table`.
    @inline(__always)
    private mutating func symbol(_ table: HuffmanDecodingTable) throws -> Int {
        refill()
        guard let (symbol, length) = table.decode(bitBuffer) else {
            // A pattern that reaches into the zero padding past the input means truncation.
            if (position - input.count) * 8 > bitCount - HuffmanDecodingTable.maximumBits { throw InflateError.truncated }
            throw InflateError.invalidSymbol
        }
        try consume(length)
        return symbol
    }

    // MARK: Blocks

    /// Copies a stored block: byte-aligned LEN, NLEN (its complement), then LEN raw bytes.
    private mutating func storedBlock() throws {
        try consume(bitCount % 8)
        // Give back the whole bytes still buffered, and read the rest straight from the input.
        position -= bitCount / 8
        bitBuffer = 0
        bitCount = 0
        guard position + 4 <= input.count else { throw InflateError.truncated }
        let length = Int(input[position]) | Int(input[position + 1]) << 8
        let complement = Int(input[position + 2]) | Int(input[position + 3]) << 8
        guard length == complement ^ 0xFFFF else {
            throw InflateError.storedLengthMismatch(length: length, complement: complement)
        }
        position += 4
        guard position + length <= input.count else { throw InflateError.truncated }
        let copied = try room(for: length)
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[position..<(position + copied)]))
        position += length
    }

    /// Decodes literal, length and distance symbols with the given codes until end-of-block (256).
    private mutating func huffmanBlock(literals: HuffmanDecodingTable, distances: HuffmanDecodingTable) throws {
        while true {
            let symbol = try self.symbol(literals)
            if symbol < 256 {
                if output.count >= limit {
                    _ = try room(for: 1)
                    return
                }
                output.append(UInt8(symbol))
                continue
            }
            if symbol == 256 { return }
            let lengthIndex = symbol - 257
            guard lengthIndex < 29 else { throw InflateError.invalidSymbol }
            let length = Self.lengthBase[lengthIndex] + (try bits(Self.lengthExtra[lengthIndex]))
            let distanceSymbol = try self.symbol(distances)
            guard distanceSymbol < 30 else { throw InflateError.invalidSymbol }
            let distance = Self.distanceBase[distanceSymbol] + (try bits(Self.distanceExtra[distanceSymbol]))
            let available = output.count
            guard distance <= available else { throw InflateError.distanceTooFar(distance: distance, available: available) }
            let copied = try room(for: length)
            // Byte by byte, which is also right for overlapping copies (distance < length repeat
            // the last `distance` bytes). Appending a slice of `output` to itself would copy the
            // whole buffer each time.
            var from = available - distance
            for _ in 0..<copied {
                output.append(output[from])
                from += 1
            }
            if reachedLimit { return }
        }
    }

    /// Reads a dynamic block's header: the code-length code, then the literal/length and distance
    /// code lengths it encodes (with repeat codes 16, 17, 18).
    private mutating func dynamicTables() throws -> (HuffmanDecodingTable, HuffmanDecodingTable) {
        let literalCount = try bits(5) + 257
        let distanceCount = try bits(5) + 1
        let codeLengthCount = try bits(4) + 4
        guard literalCount <= 286 else { throw InflateError.invalidCodeLengths("\(literalCount) literal/length codes") }
        guard distanceCount <= 30 else { throw InflateError.invalidCodeLengths("\(distanceCount) distance codes") }
        var codeLengthLengths = [UInt8](repeating: 0, count: 19)
        for index in 0..<codeLengthCount {
            codeLengthLengths[Self.codeLengthOrder[index]] = UInt8(try bits(3))
        }
        let codeLengthTable = try HuffmanDecodingTable(lengths: codeLengthLengths[...])
        let total = literalCount + distanceCount
        var lengths = [UInt8](repeating: 0, count: total)
        var index = 0
        while index < total {
            let symbol = try self.symbol(codeLengthTable)
            if symbol < 16 {
                lengths[index] = UInt8(symbol)
                index += 1
                continue
            }
            let value: UInt8
            let repeats: Int
            switch symbol {
            case 16:
                guard index > 0 else { throw InflateError.invalidCodeLengths("repeat with no previous length") }
                value = lengths[index - 1]
                repeats = 3 + (try bits(2))
            case 17:
                value = 0
                repeats = 3 + (try bits(3))
            default:
                value = 0
                repeats = 11 + (try bits(7))
            }
            guard index + repeats <= total else { throw InflateError.invalidCodeLengths("repeat past the last code") }
            for _ in 0..<repeats {
                lengths[index] = value
                index += 1
            }
        }
        guard lengths[256] != 0 else { throw InflateError.invalidCodeLengths("no end-of-block code") }
        return (
            try HuffmanDecodingTable(lengths: lengths[0..<literalCount]),
            try HuffmanDecodingTable(lengths: lengths[literalCount...]))
    }

    // MARK: Constants (RFC 1951 §3.2.5–3.2.7)

    /// The order in which code-length code lengths are sent.
    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
    /// The shortest length of each length symbol 257…285.
    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    /// The extra bits of each length symbol.
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    /// The shortest distance of each distance symbol 0…29.
    static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    /// The extra bits of each distance symbol.
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    /// The fixed literal/length code: 0–143 in 8 bits, 144–255 in 9, 256–279 in 7, 280–287 in 8.
    static let fixedLiterals: HuffmanDecodingTable = {
        var lengths = [UInt8](repeating: 8, count: 288)
        for symbol in 144..<256 { lengths[symbol] = 9 }
        for symbol in 256..<280 { lengths[symbol] = 7 }
        // The lengths are a fixed, complete code, so construction cannot fail.
        return try! HuffmanDecodingTable(lengths: lengths[...])
    }()

    /// The fixed distance code: 30 symbols (plus the two reserved ones) in 5 bits.
    static let fixedDistances: HuffmanDecodingTable = {
        try! HuffmanDecodingTable(lengths: [UInt8](repeating: 5, count: 32)[...])
    }()
}
