/// Packs bits into bytes least significant bit first, as deflate streams are read.
struct DeflateBitWriter {
    /// The finished bytes.
    private var bytes: [UInt8] = []
    /// Bits not yet forming a whole byte, the oldest lowest.
    private var pending: UInt64 = 0
    /// How many bits `pending` holds.
    private var pendingCount = 0

    /// Appends the low `bits` bits of `value`, lowest first (header fields and extra bits).
    @inline(__always)
    mutating func write(_ value: Int, bits: Int) {
        pending |= UInt64(value & ((1 << bits) - 1)) << UInt64(pendingCount)
        pendingCount += bits
        while pendingCount >= 8 {
            bytes.append(UInt8(truncatingIfNeeded: pending))
            pending >>= 8
            pendingCount -= 8
        }
    }

    /// Appends a Huffman code of `length` bits, most significant bit first (as RFC 1951 sends codes).
    mutating func writeCode(_ code: Int, length: Int) {
        write(Self.reversed(code, length: length), bits: length)
    }

    /// The low `length` bits of `code` in reverse order.
    static func reversed(_ code: Int, length: Int) -> Int {
        var reversed = 0
        for bit in 0..<length where code & (1 << (length - 1 - bit)) != 0 { reversed |= 1 << bit }
        return reversed
    }

    /// Pads with zero bits to the next byte boundary.
    mutating func alignToByte() {
        if pendingCount % 8 != 0 { write(0, bits: 8 - pendingCount % 8) }
    }

    /// Appends whole bytes (the writer must be byte-aligned).
    mutating func writeBytes(_ data: some Collection<UInt8>) {
        bytes.append(contentsOf: data)
    }

    /// Flushes the last partial byte and returns the stream.
    mutating func finish() -> [UInt8] {
        alignToByte()
        return bytes
    }
}
