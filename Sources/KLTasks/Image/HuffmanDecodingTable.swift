/// A canonical Huffman code of deflate (RFC 1951 §3.2.2), built from code lengths, for decoding.
///
/// Codes of up to `primaryBits` bits are found by one lookup of the next stream bits (the common
/// case); longer codes, and bit patterns that are no code at all, fall back to a bit-by-bit walk
/// over the canonical ordering (as in zlib's `puff`). Over-subscribed length sets are rejected;
/// incomplete ones are accepted, and an unused pattern raises `InflateError.invalidSymbol` only if
/// it actually occurs.
struct HuffmanDecodingTable: Sendable {
    /// Bits resolved by the direct lookup.
    static let primaryBits = 10
    /// The longest code deflate allows.
    static let maximumBits = 15

    /// Indexed by the next `primaryBits` stream bits: `symbol << 4 | length`, or 0 when the code
    /// is longer than `primaryBits` (or the pattern is unused).
    private var primary: [UInt16]
    /// How many codes have each length (index 0 unused).
    private var counts: [Int]
    /// The symbols ordered by code length, then by symbol value (the canonical order).
    private var symbols: [UInt16]

    /// Builds the code for `lengths[symbol]` (0: the symbol does not occur). Throws
    /// `InflateError.invalidCodeLengths` when the lengths over-subscribe the code space.
    init(lengths: ArraySlice<UInt8>) throws {
        var counts = [Int](repeating: 0, count: Self.maximumBits + 1)
        for length in lengths {
            guard length <= Self.maximumBits else { throw InflateError.invalidCodeLengths("a length above 15") }
            counts[Int(length)] += 1
        }
        counts[0] = 0
        var left = 1
        for length in 1...Self.maximumBits {
            left <<= 1
            left -= counts[length]
            if left < 0 { throw InflateError.invalidCodeLengths("over-subscribed code") }
        }
        var offsets = [Int](repeating: 0, count: Self.maximumBits + 2)
        for length in 1...Self.maximumBits { offsets[length + 1] = offsets[length] + counts[length] }
        var symbols = [UInt16](repeating: 0, count: offsets[Self.maximumBits + 1])
        var primary = [UInt16](repeating: 0, count: 1 << Self.primaryBits)
        var nextCode = [Int](repeating: 0, count: Self.maximumBits + 2)
        var code = 0
        for length in 1...Self.maximumBits {
            code = (code + counts[length - 1]) << 1
            nextCode[length] = code
        }
        for (symbol, length) in lengths.enumerated() where length > 0 {
            let length = Int(length)
            symbols[offsets[length]] = UInt16(symbol)
            offsets[length] += 1
            let assigned = nextCode[length]
            nextCode[length] += 1
            guard length <= Self.primaryBits else { continue }
            // Stream bits arrive least significant first, but codes are defined most significant
            // first: index the table by the reversed code, repeated over the unused high bits.
            var reversed = 0
            for bit in 0..<length where assigned & (1 << (length - 1 - bit)) != 0 { reversed |= 1 << bit }
            let entry = UInt16(symbol << 4 | length)
            var fill = reversed
            while fill < primary.count {
                primary[fill] = entry
                fill += 1 << length
            }
        }
        self.primary = primary
        self.counts = counts
        self.symbols = symbols
    }

    /// Decodes one symbol from the low bits of `bits` (at least `maximumBits` of them valid, the
    /// next stream bit lowest): returns the symbol and its code length, or nil if the pattern is
    /// no code.
    @inline(__always)
    func decode(_ bits: UInt64) -> (symbol: Int, length: Int)? {
        let entry = primary[Int(bits & UInt64((1 << Self.primaryBits) - 1))]
        if entry != 0 { return (Int(entry >> 4), Int(entry & 15)) }
        return decodeSlowly(bits)
    }

    /// The canonical bit-by-bit walk for codes longer than `primaryBits` (and unused patterns).
    private func decodeSlowly(_ bits: UInt64) -> (symbol: Int, length: Int)? {
        var code = 0, first = 0, index = 0
        for length in 1...Self.maximumBits {
            code |= Int((bits >> UInt64(length - 1)) & 1)
            let count = counts[length]
            if code - first < count { return (Int(symbols[index + code - first]), length) }
            index += count
            first = (first + count) << 1
            code <<= 1
        }
        return nil
    }
}
