/// The Adler-32 checksum of RFC 1950, which ends every zlib stream.
///
/// Exposed next to `CRC32` so that any zlib reader or writer in the library uses the same code.
public enum Adler32 {
    /// The checksum of `bytes` (1 for no bytes).
    public static func checksum(_ bytes: some Collection<UInt8>) -> UInt32 {
        update(1, with: bytes)
    }

    /// Continues a checksum: `update(checksum(a), with: b) == checksum(a + b)`.
    public static func update(_ checksum: UInt32, with bytes: some Collection<UInt8>) -> UInt32 {
        let modulus: UInt32 = 65_521
        // The largest run that cannot overflow 32 bits before the modulo (zlib's NMAX).
        let run = 5_552
        var a = checksum & 0xFFFF
        var b = checksum >> 16
        var pending = 0
        for byte in bytes {
            a &+= UInt32(byte)
            b &+= a
            pending += 1
            if pending == run {
                a %= modulus
                b %= modulus
                pending = 0
            }
        }
        return (b % modulus) << 16 | (a % modulus)
    }
}
