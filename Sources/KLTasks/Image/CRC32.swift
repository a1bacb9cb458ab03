/// The CRC-32 checksum of ISO 3309 / ITU-T V.42 (polynomial 0xEDB88320, reflected, initial and
/// final XOR 0xFFFFFFFF), as used by PNG chunks and the gzip trailer.
///
/// Exposed so that loaders of other formats (gzip members, zip entries) can check their data with
/// the same, tested code.
public enum CRC32 {
    /// The checksum of `bytes`.
    public static func checksum(_ bytes: some Collection<UInt8>) -> UInt32 {
        update(0, with: bytes)
    }

    /// Continues a checksum: `update(checksum(a), with: b) == checksum(a + b)`, so data that
    /// arrives in pieces (a chunk's type, then its data) need not be concatenated first.
    public static func update(_ checksum: UInt32, with bytes: some Collection<UInt8>) -> UInt32 {
        if let done = bytes.withContiguousStorageIfAvailable({ update(checksum, buffer: UnsafeRawBufferPointer($0)) }) {
            return done
        }
        var crc = ~checksum
        for byte in bytes {
            crc = table[Int(UInt8(truncatingIfNeeded: crc) ^ byte)] ^ (crc >> 8)
        }
        return ~crc
    }

    /// Continues a checksum over raw memory, eight bytes per step (slicing-by-8).
    static func update(_ checksum: UInt32, buffer: UnsafeRawBufferPointer) -> UInt32 {
        var crc = ~checksum
        var index = 0
        let count = buffer.count
        table.withUnsafeBufferPointer { table in
            while index + 8 <= count {
                let low = crc ^ (UInt32(buffer[index]) | UInt32(buffer[index + 1]) << 8
                    | UInt32(buffer[index + 2]) << 16 | UInt32(buffer[index + 3]) << 24)
                let high = UInt32(buffer[index + 4]) | UInt32(buffer[index + 5]) << 8
                    | UInt32(buffer[index + 6]) << 16 | UInt32(buffer[index + 7]) << 24
                crc = table[7 * 256 + Int(low & 0xFF)] ^ table[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ table[5 * 256 + Int((low >> 16) & 0xFF)] ^ table[4 * 256 + Int(low >> 24)]
                    ^ table[3 * 256 + Int(high & 0xFF)] ^ table[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ table[256 + Int((high >> 16) & 0xFF)] ^ table[Int(high >> 24)]
                index += 8
            }
            while index < count {
                crc = table[Int(UInt8(truncatingIfNeeded: crc) ^ buffer[index])] ^ (crc >> 8)
                index += 1
            }
        }
        return ~crc
    }

    /// Eight 256-entry tables: table 0 is the classic byte-at-a-time table, and table `k` advances
    /// a byte's contribution by `k` further zero bytes (for slicing-by-8).
    private static let table: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 8 * 256)
        for n in 0..<256 {
            var c = UInt32(n)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            table[n] = c
        }
        for n in 0..<256 {
            var c = table[n]
            for k in 1..<8 {
                c = table[Int(c & 0xFF)] ^ (c >> 8)
                table[k * 256 + n] = c
            }
        }
        return table
    }()
}
