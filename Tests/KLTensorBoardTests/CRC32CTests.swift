import Testing
import KLTensorBoard

@Suite struct CRC32CTests {
    @Test func knownAnswers() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)   // the CRC catalogue's check value
        #expect(CRC32C.checksum([UInt8]()) == 0)
        // RFC 3720 (iSCSI) appendix B.4 test vectors.
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map(UInt8.init)) == 0x46DD_794E)
    }

    @Test func contiguousAndNonContiguousInputsAgree() {
        let bytes = Array("The quick brown fox".utf8)
        #expect(CRC32C.checksum(bytes) == CRC32C.checksum(bytes.lazy.map { $0 }))
        #expect(bytes.withUnsafeBytes { CRC32C.checksum($0) } == CRC32C.checksum(bytes))
    }

    @Test func masking() {
        #expect(CRC32C.masked(0) == 0xA282_EAD8)
        // rotate right by 15, then add the delta with 32-bit wrap-around.
        #expect(CRC32C.masked(0xE306_9283) == 0xC78A_B0E5)
        #expect(CRC32C.masked(0xFFFF_FFFF) == 0xA282_EAD7)                  // wraps
        #expect(Array("123456789".utf8).withUnsafeBytes { CRC32C.maskedChecksum($0) } == 0xC78A_B0E5)
        // Values TensorBoard's own Python `masked_crc32c` gives.
        #expect(CRC32C.masked(CRC32C.checksum([UInt8](repeating: 0, count: 32))) == 0x0FD7_FFFA)
        #expect(CRC32C.masked(CRC32C.checksum([23, 0, 0, 0, 0, 0, 0, 0])) == 0x1EF8_CEE7)
    }
}
