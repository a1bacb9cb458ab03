/// The protocol-buffer wire format, written by hand for the few messages TensorBoard's event files
/// need (`Event`, `Summary`, `HistogramProto`), so the module needs neither swift-protobuf nor
/// generated code.
///
/// Bytes are appended to one growable buffer that callers reuse across records
/// (`removeAll()` keeps its capacity), so encoding a record allocates nothing once the buffer has
/// grown. Nested messages are written size-first: the caller computes the nested message's encoded
/// size (`varintSize(_:)` and friends) and writes its header with `appendMessageHeader(field:length:)`,
/// then the fields, so no temporary buffer is needed.
public struct ProtobufEncoder: Sendable {
    /// A field's wire type, the low three bits of its key.
    public enum WireType: UInt8, Sendable {
        /// Base-128 varint (int32, int64, uint64, bool, enum).
        case varint = 0
        /// Eight little-endian bytes (double, fixed64).
        case fixed64 = 1
        /// A varint length and that many bytes (string, bytes, nested message, packed repeated).
        case lengthDelimited = 2
        /// Four little-endian bytes (float, fixed32).
        case fixed32 = 5
    }

    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    /// An empty encoder with room for `capacity` bytes before it reallocates.
    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Forgets the bytes written, keeping the buffer's capacity for the next record.
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
    }

    // MARK: Raw values

    /// Appends `value` as a base-128 varint (7 bits a byte, least significant first, high bit set on
    /// every byte but the last): 1 to 10 bytes.
    public mutating func appendVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// Appends four bytes, little-endian.
    public mutating func appendFixed32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    /// Appends eight bytes, little-endian.
    public mutating func appendFixed64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// Appends raw bytes as they are.
    public mutating func appendBytes(_ raw: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: raw)
    }

    // MARK: Fields

    /// Appends a field key: `field << 3 | wireType`, as a varint.
    public mutating func appendKey(field: Int, wireType: WireType) {
        precondition(field > 0 && field < 1 << 29, "protobuf field numbers are 1...2^29-1, not \(field)")
        appendVarint(UInt64(field) << 3 | UInt64(wireType.rawValue))
    }

    /// Appends an `int64` field (wire type varint). Negative values take ten bytes, as in protobuf
    /// (two's complement, not zigzag).
    public mutating func appendField(_ field: Int, int64 value: Int64) {
        appendKey(field: field, wireType: .varint)
        appendVarint(UInt64(bitPattern: value))
    }

    /// Appends a `double` field (wire type fixed64), any value including NaN and infinities.
    public mutating func appendField(_ field: Int, double value: Double) {
        appendKey(field: field, wireType: .fixed64)
        appendFixed64(value.bitPattern)
    }

    /// Appends a `float` field (wire type fixed32), any value including NaN and infinities.
    public mutating func appendField(_ field: Int, float value: Float) {
        appendKey(field: field, wireType: .fixed32)
        appendFixed32(value.bitPattern)
    }

    /// Appends a `string` field: its UTF-8 bytes, length-delimited.
    public mutating func appendField(_ field: Int, string value: String) {
        var value = value
        value.withUTF8 { utf8 in
            appendMessageHeader(field: field, length: utf8.count)
            appendBytes(UnsafeRawBufferPointer(utf8))
        }
    }

    /// Appends a packed `repeated double` field: one length-delimited run of 8-byte values.
    /// An empty array writes nothing, as protobuf encoders do.
    public mutating func appendField(_ field: Int, packedDoubles values: [Double]) {
        guard !values.isEmpty else { return }
        appendMessageHeader(field: field, length: 8 * values.count)
        for value in values { appendFixed64(value.bitPattern) }
    }

    /// Appends the key and length of a length-delimited field (a nested message), whose `length`
    /// bytes the caller appends next.
    public mutating func appendMessageHeader(field: Int, length: Int) {
        precondition(length >= 0, "a length-delimited field cannot have length \(length)")
        appendKey(field: field, wireType: .lengthDelimited)
        appendVarint(UInt64(length))
    }

    // MARK: Sizes, for writing nested messages size-first

    /// The number of bytes `appendVarint(value)` writes (1 to 10).
    public static func varintSize(_ value: UInt64) -> Int {
        // Each byte carries 7 bits; a zero value still takes one byte.
        (64 - (value | 1).leadingZeroBitCount + 6) / 7
    }

    /// The number of bytes a field key takes.
    public static func keySize(field: Int) -> Int {
        varintSize(UInt64(field) << 3)
    }

    /// The size of a whole length-delimited field (key, length, contents) whose contents are
    /// `length` bytes.
    public static func lengthDelimitedFieldSize(field: Int, length: Int) -> Int {
        keySize(field: field) + varintSize(UInt64(length)) + length
    }
}
