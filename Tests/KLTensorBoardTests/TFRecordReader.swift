import KLTensorBoard

/// A TFRecord reader for the tests, written from the format rather than from the writer: splits a
/// file's bytes into records, checking both masked CRC-32Cs of each.
struct TFRecordReader {
    enum Failure: Error, Equatable {
        case truncated(record: Int)
        case lengthCRCMismatch(record: Int)
        case dataCRCMismatch(record: Int)
    }

    /// The records' data, in order. With `toleratingTruncatedTail`, an incomplete last record is
    /// dropped (as TensorBoard's reader does); otherwise it is an error.
    static func records(in bytes: [UInt8], toleratingTruncatedTail: Bool = false) throws -> [[UInt8]] {
        var records: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            let index = records.count
            guard bytes.count - offset >= 12 else {
                if toleratingTruncatedTail { break }
                throw Failure.truncated(record: index)
            }
            let lengthBytes = Array(bytes[offset..<offset + 8])
            guard littleEndian(bytes, at: offset + 8, width: 4) == UInt64(CRC32C.masked(CRC32C.checksum(lengthBytes))) else {
                throw Failure.lengthCRCMismatch(record: index)
            }
            let length = Int(littleEndian(bytes, at: offset, width: 8))
            let start = offset + 12
            guard bytes.count - start >= length + 4 else {
                if toleratingTruncatedTail { break }
                throw Failure.truncated(record: index)
            }
            let data = Array(bytes[start..<start + length])
            guard littleEndian(bytes, at: start + length, width: 4) == UInt64(CRC32C.masked(CRC32C.checksum(data))) else {
                throw Failure.dataCRCMismatch(record: index)
            }
            records.append(data)
            offset = start + length + 4
        }
        return records
    }
}

func littleEndian(_ bytes: [UInt8], at offset: Int, width: Int) -> UInt64 {
    (0..<width).reduce(0) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
}

/// A minimal protobuf wire-format reader for the tests: the fields of one message, in order.
struct WireField {
    var number: Int
    var wireType: Int
    var value: UInt64          // varint or fixed value
    var bytes: [UInt8]         // length-delimited contents

    enum Failure: Error { case malformed(String) }

    static func fields(of message: [UInt8]) throws -> [WireField] {
        var fields: [WireField] = []
        var offset = 0
        func varint() throws -> UInt64 {
            var result: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard offset < message.count, shift < 64 else { throw Failure.malformed("varint at \(offset)") }
                let byte = message[offset]
                offset += 1
                result |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return result }
                shift += 7
            }
        }
        while offset < message.count {
            let key = try varint()
            var field = WireField(number: Int(key >> 3), wireType: Int(key & 7), value: 0, bytes: [])
            switch field.wireType {
            case 0: field.value = try varint()
            case 1, 5:
                let width = field.wireType == 1 ? 8 : 4
                guard offset + width <= message.count else { throw Failure.malformed("fixed at \(offset)") }
                field.value = littleEndian(message, at: offset, width: width)
                offset += width
            case 2:
                let length = Int(try varint())
                guard offset + length <= message.count else { throw Failure.malformed("length at \(offset)") }
                field.bytes = Array(message[offset..<offset + length])
                offset += length
            default: throw Failure.malformed("wire type \(field.wireType)")
            }
            fields.append(field)
        }
        return fields
    }

    var double: Double { Double(bitPattern: value) }
    var packedDoubles: [Double] {
        stride(from: 0, to: bytes.count, by: 8).map { Double(bitPattern: littleEndian(bytes, at: $0, width: 8)) }
    }
}

/// An `Event` decoded with `WireField`, holding the fields the writer produces.
struct DecodedEvent {
    var wallTime: Double?
    var step: Int64 = 0
    var fileVersion: String?
    var tag: String?
    var simpleValue: Float?
    var histogram: Histogram?

    init(_ bytes: [UInt8]) throws {
        for field in try WireField.fields(of: bytes) {
            switch (field.number, field.wireType) {
            case (1, 1): wallTime = field.double
            case (2, 0): step = Int64(bitPattern: field.value)
            case (3, 2): fileVersion = String(decoding: field.bytes, as: UTF8.self)
            case (5, 2):
                let values = try WireField.fields(of: field.bytes)
                guard values.count == 1, values[0].number == 1 else { throw WireField.Failure.malformed("summary") }
                for part in try WireField.fields(of: values[0].bytes) {
                    switch (part.number, part.wireType) {
                    case (1, 2): tag = String(decoding: part.bytes, as: UTF8.self)
                    case (2, 5): simpleValue = Float(bitPattern: UInt32(part.value))
                    case (5, 2): histogram = try Self.histogram(part.bytes)
                    default: throw WireField.Failure.malformed("value field \(part.number)")
                    }
                }
            default: throw WireField.Failure.malformed("event field \(field.number)")
            }
        }
    }

    private static func histogram(_ bytes: [UInt8]) throws -> Histogram {
        var scalars = [Double](repeating: 0, count: 6)
        var limits: [Double] = [], counts: [Double] = []
        for field in try WireField.fields(of: bytes) {
            switch (field.number, field.wireType) {
            case (1...5, 1): scalars[field.number] = field.double
            case (6, 2): limits = field.packedDoubles
            case (7, 2): counts = field.packedDoubles
            default: throw WireField.Failure.malformed("histogram field \(field.number)")
            }
        }
        return Histogram(minimum: scalars[1], maximum: scalars[2], count: scalars[3], sum: scalars[4],
                         sumOfSquares: scalars[5], bucketLimits: limits, bucketCounts: counts)
    }
}
