import Testing
import KLTensorBoard

@Suite struct ProtobufEncoderTests {
    private func varint(_ value: UInt64) -> [UInt8] {
        var encoder = ProtobufEncoder()
        encoder.appendVarint(value)
        #expect(ProtobufEncoder.varintSize(value) == encoder.bytes.count)
        return encoder.bytes
    }

    @Test func varints() {
        #expect(varint(0) == [0x00])
        #expect(varint(1) == [0x01])
        #expect(varint(127) == [0x7F])
        #expect(varint(128) == [0x80, 0x01])
        #expect(varint(300) == [0xAC, 0x02])
        #expect(varint(UInt64(Int64.max)) == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
        #expect(varint(UInt64.max).count == 10)
    }

    @Test func negativeInt64TakesTenBytes() {
        var encoder = ProtobufEncoder()
        encoder.appendField(2, int64: -1)
        #expect(encoder.bytes == [0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
        encoder.removeAll()
        encoder.appendField(2, int64: Int64.min)
        #expect(encoder.bytes == [0x10, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])
    }

    @Test func fixedWidthFields() {
        var encoder = ProtobufEncoder()
        encoder.appendField(1, double: 1.5)            // key 1<<3|1, then 0x3FF8000000000000 little-endian
        encoder.appendField(2, float: 2)               // key 2<<3|5, then 0x40000000 little-endian
        #expect(encoder.bytes == [0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0x15, 0, 0, 0, 0x40])
        encoder.removeAll()
        encoder.appendField(2, float: .nan)
        #expect(encoder.bytes == [0x15, 0x00, 0x00, 0xC0, 0x7F])      // NaN is written as it is
    }

    @Test func stringsAndPackedDoubles() {
        var encoder = ProtobufEncoder()
        encoder.appendField(1, string: "héllo")        // UTF-8: 6 bytes
        #expect(encoder.bytes == [0x0A, 0x06, 0x68, 0xC3, 0xA9, 0x6C, 0x6C, 0x6F])
        encoder.removeAll()
        encoder.appendField(6, packedDoubles: [1, -2])
        #expect(encoder.bytes == [0x32, 0x10, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0, 0, 0, 0, 0, 0, 0x00, 0xC0])
        encoder.removeAll()
        encoder.appendField(7, packedDoubles: [])
        #expect(encoder.bytes.isEmpty)
        #expect(ProtobufEncoder.lengthDelimitedFieldSize(field: 6, length: 16) == 18)
        #expect(ProtobufEncoder.keySize(field: 16) == 2)
    }
}
