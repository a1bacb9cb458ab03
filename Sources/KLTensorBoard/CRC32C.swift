/// CRC-32C (Castagnoli), the checksum TFRecord files carry on every record's length and data, and
/// TFRecord's masking of it.
///
/// The reflected polynomial 0x82F63B78 with initial value and final XOR 0xFFFFFFFF (the iSCSI and
/// SSE4.2 `crc32` instruction variant), computed byte-wise from a 256-entry table: records here are
/// tens of bytes to a few kilobytes, so nothing faster is needed.
public enum CRC32C {
    /// The reflected Castagnoli polynomial.
    public static let polynomial: UInt32 = 0x82F6_3B78

    /// The constant TFRecord adds after rotating a checksum (see `masked(_:)`).
    public static let maskDelta: UInt32 = 0xA282_EAD8

    /// `table[i]` is the CRC of the single byte `i`, for the byte-wise update.
    private static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
        return crc
    }

    /// The CRC-32C of `bytes`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        ~update(~0, with: bytes)
    }

    /// The CRC-32C of `bytes` (any byte collection; contiguous ones are read in place).
    public static func checksum<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> UInt32 {
        if let crc = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0)) }) {
            return crc
        }
        return Array(bytes).withUnsafeBytes { checksum($0) }
    }

    /// TFRecord's masked form of a checksum, `rotateRight(crc, 15) &+ maskDelta`; the mask keeps
    /// a CRC stored next to the data it covers from being the CRC of data that contains CRCs.
    public static func masked(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ maskDelta
    }

    /// The masked CRC-32C of `bytes`, as TFRecord stores it.
    public static func maskedChecksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        masked(checksum(bytes))
    }

    /// Feeds `bytes` into a running, not yet inverted register `crc`.
    private static func update(_ crc: UInt32, with bytes: UnsafeRawBufferPointer) -> UInt32 {
        table.withUnsafeBufferPointer { table in
            var crc = crc
            for byte in bytes { crc = table[Int(UInt8(truncatingIfNeeded: crc) ^ byte)] ^ (crc >> 8) }
            return crc
        }
    }
}
