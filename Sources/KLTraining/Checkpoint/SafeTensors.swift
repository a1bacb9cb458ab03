import Foundation
import KLTensor
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A set of named tensors plus string metadata in the Hugging Face *safetensors* format.
///
/// **Layout.** An 8-byte little-endian header length `N`; `N` bytes of UTF-8 JSON mapping each tensor
/// name to `{"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}` (offsets into the data
/// buffer that follows the header), plus an optional `"__metadata__"` object of strings; then the
/// data buffer: every tensor's little-endian bytes, back to back in offset order, with no gaps.
///
/// **Writing** always uses `F32`. Tensors are stored in name order, JSON keys are in a fixed order and
/// the header is padded with spaces to a multiple of 8 bytes (as the reference writer does), so equal
/// contents give byte-identical files. The writer adds a checksum of the header (every metadata entry
/// and tensor entry) and the data buffer to the metadata under `checksumKey`.
///
/// **Reading** accepts `F32`, `F64`, `F16`, `BF16`, `I64`, `I32`, `I16`, `I8`, `U64`, `U32`, `U16`,
/// `U8` and `BOOL` tensors and converts their values to `Float` (64-bit integers and doubles round to
/// the nearest `Float`). The header is validated as strictly as the reference implementation does
/// (tensors must tile the data buffer exactly); when the metadata holds a `checksumKey` entry, the
/// header and data are verified against it (the data alone for files written before the checksum
/// covered the header). Files from other tools, which have no such entry, are accepted.
/// Every failure is a `CheckpointError` that names the file.
public struct SafeTensorsFile: Sendable {
    /// The tensors, by name.
    public var tensors: [String: Tensor]
    /// Free-form string metadata (the `__metadata__` header entry), without the `checksumKey` entry.
    public var metadata: [String: String]

    /// The metadata key under which the writer records a checksum: `fnv1a64-full:` followed by 16
    /// lowercase hex digits, the 64-bit FNV-1a of the header's contents (`HeaderDigest`: every other
    /// metadata entry and every tensor's name, dtype, shape and offsets) followed by the data buffer.
    /// Files written before the checksum covered the header carry `fnv1a64:` and the hash of the data
    /// buffer alone; they are still verified that way and accepted. Reading removes the entry from
    /// `metadata` after verifying it; writing replaces any entry of this name.
    public static let checksumKey = "klt.checksum"

    /// The prefix of a checksum over header and data (what the writer records).
    static let fullChecksumPrefix = "fnv1a64-full:"
    /// The prefix of a checksum over the data alone (files written before the header was covered).
    static let dataChecksumPrefix = "fnv1a64:"

    /// The largest header this reader parses, in bytes (the reference implementation's limit).
    public static let maximumHeaderLength = 100_000_000

    /// Creates a file with the given contents.
    public init(tensors: [String: Tensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Reads and validates the safetensors file at `url`.
    ///
    /// - Throws: `CheckpointError` if the file cannot be read, is malformed, or fails its checksum.
    public init(contentsOf url: URL) throws {
        try self.init(contentsOf: url, validatingMetadata: { _ in })
    }

    /// Reads the safetensors file at `url`, calling `validateMetadata` with the verified metadata
    /// (checksum checked, `checksumKey` removed) after the header has been validated and before any
    /// tensor is allocated, so a caller can refuse a file by what its metadata says it holds.
    ///
    /// - Throws: `CheckpointError` if the file cannot be read, is malformed, or fails its checksum;
    ///   whatever `validateMetadata` throws.
    public init(contentsOf url: URL, validatingMetadata validateMetadata: ([String: String]) throws -> Void) throws {
        let source = url.isFileURL ? url.path : url.absoluteString
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw CheckpointError(.io, file: source, "cannot read the file: \(Self.reason(error))")
        }
        self = try data.withUnsafeBytes { try Self.decode($0, source: source, validateMetadata: validateMetadata) }
    }

    /// Parses and validates safetensors bytes; `source` names them in error messages (e.g. a path).
    ///
    /// - Throws: `CheckpointError` if the bytes are malformed or fail their checksum.
    public init(bytes: [UInt8], source: String) throws {
        try self.init(bytes: bytes, source: source, validatingMetadata: { _ in })
    }

    /// Parses and validates safetensors bytes, calling `validateMetadata` as
    /// `init(contentsOf:validatingMetadata:)` does.
    ///
    /// - Throws: `CheckpointError` if the bytes are malformed or fail their checksum; whatever
    ///   `validateMetadata` throws.
    public init(bytes: [UInt8], source: String, validatingMetadata validateMetadata: ([String: String]) throws -> Void) throws {
        self = try bytes.withUnsafeBytes { try Self.decode($0, source: source, validateMetadata: validateMetadata) }
    }

    /// The file's bytes: header length, header and data buffer, including the checksum entry.
    ///
    /// - Throws: `CheckpointError` (`.invalidName`) if a tensor is named `__metadata__`.
    public func encoded() throws -> [UInt8] {
        let plan = try encodingPlan(source: "safetensors encoding")
        var bytes: [UInt8] = []
        bytes.reserveCapacity(plan.header.count + plan.dataLength)
        bytes += plan.header
        for (_, tensor) in plan.tensors {
            Self.withLittleEndianBytes(of: tensor) { bytes += $0 }
        }
        return bytes
    }

    /// Writes the file atomically: the bytes go to a temporary file in the same directory, which is
    /// flushed to disk (`fsync`) and then renamed over `url`. A crash or error therefore leaves either
    /// the previous file or the complete new one, never a partial file; on error the temporary file
    /// is removed. The new file gets mode 0644 (less the umask).
    ///
    /// - Throws: `CheckpointError` if the contents cannot be encoded or the file cannot be written.
    public func write(to url: URL) throws {
        try write(to: url, beforeRename: {})
    }

    /// `write(to:)` with a hook that runs after the temporary file is complete and before the rename,
    /// so tests can simulate a failure at the last moment.
    func write(to url: URL, beforeRename: () throws -> Void) throws {
        let path = url.path
        guard url.isFileURL else {
            throw CheckpointError(.io, file: url.absoluteString, "can only write to a file URL")
        }
        let plan = try encodingPlan(source: path)
        let directory = url.deletingLastPathComponent()
        let suffix = String(UInt64.random(in: 0 ... .max), radix: 16)
        let temporaryPath = directory.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(suffix).tmp").path

        var descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(0o644))
        guard descriptor >= 0 else {
            throw CheckpointError(.io, file: path, "cannot create temporary file \(temporaryPath): \(Self.lastErrorMessage())")
        }
        var renamed = false
        defer {
            if descriptor >= 0 { _ = close(descriptor) }
            if !renamed { _ = unlink(temporaryPath) }
        }
        func fail(_ what: String) -> CheckpointError {
            CheckpointError(.io, file: path, "\(what) \(temporaryPath): \(Self.lastErrorMessage())")
        }

        guard plan.header.withUnsafeBytes({ Self.writeAll(descriptor, $0) }) else { throw fail("cannot write") }
        for (_, tensor) in plan.tensors {
            let ok = Self.withLittleEndianBytes(of: tensor) { Self.writeAll(descriptor, $0) }
            guard ok else { throw fail("cannot write") }
        }
        guard fsync(descriptor) == 0 else { throw fail("cannot flush") }
        let closed = close(descriptor)
        descriptor = -1
        guard closed == 0 else { throw fail("cannot close") }
        try beforeRename()
        guard rename(temporaryPath, path) == 0 else {
            throw CheckpointError(.io, file: path, "cannot rename \(temporaryPath) to \(path): \(Self.lastErrorMessage())")
        }
        renamed = true
        // Make the rename itself durable. Best effort: the new file is complete and in place already.
        let directoryDescriptor = open(directory.path, O_RDONLY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            _ = close(directoryDescriptor)
        }
    }
}

// MARK: - Element types

extension SafeTensorsFile {
    /// The safetensors element types this reader converts to `Float`.
    enum DType: String, CaseIterable {
        case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
        case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
        case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8", bool = "BOOL"

        /// Bytes per element.
        var size: Int {
            switch self {
            case .f64, .i64, .u64: 8
            case .f32, .i32, .u32: 4
            case .f16, .bf16, .i16, .u16: 2
            case .i8, .u8, .bool: 1
            }
        }
    }

    /// Converts `output.count` little-endian elements of type `dtype` from `input` (exactly
    /// `output.count * dtype.size` bytes) to `Float`.
    static func convert(_ input: UnsafeRawBufferPointer, of dtype: DType, into output: UnsafeMutableBufferPointer<Float>) {
        func load<T: FixedWidthInteger>(_: T.Type, _ index: Int) -> T {
            T(littleEndian: input.loadUnaligned(fromByteOffset: index * MemoryLayout<T>.size, as: T.self))
        }
        switch dtype {
        case .f32:
            #if _endian(little)
            if let destination = output.baseAddress, let source = input.baseAddress {
                UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: output.count * 4)
            }
            #else
            for i in output.indices { output[i] = Float(bitPattern: load(UInt32.self, i)) }
            #endif
        case .f64: for i in output.indices { output[i] = Float(Double(bitPattern: load(UInt64.self, i))) }
        case .f16: for i in output.indices { output[i] = floatFromHalf(load(UInt16.self, i)) }
        case .bf16: for i in output.indices { output[i] = Float(bitPattern: UInt32(load(UInt16.self, i)) << 16) }
        case .i64: for i in output.indices { output[i] = Float(load(Int64.self, i)) }
        case .i32: for i in output.indices { output[i] = Float(load(Int32.self, i)) }
        case .i16: for i in output.indices { output[i] = Float(load(Int16.self, i)) }
        case .i8: for i in output.indices { output[i] = Float(load(Int8.self, i)) }
        case .u64: for i in output.indices { output[i] = Float(load(UInt64.self, i)) }
        case .u32: for i in output.indices { output[i] = Float(load(UInt32.self, i)) }
        case .u16: for i in output.indices { output[i] = Float(load(UInt16.self, i)) }
        case .u8: for i in output.indices { output[i] = Float(input[i]) }
        case .bool: for i in output.indices { output[i] = input[i] == 0 ? 0 : 1 }
        }
    }

    /// The `Float` value of IEEE 754 binary16 bits (without `Float16`, which Intel macOS lacks).
    static func floatFromHalf(_ bits: UInt16) -> Float {
        let sign: UInt32 = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x3FF)
        switch exponent {
        case 0:  // zero or subnormal: mantissa · 2⁻²⁴
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:  // infinity or NaN
            return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        default:
            return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
        }
    }
}

// MARK: - Checksum

extension SafeTensorsFile {
    /// 64-bit FNV-1a, fed incrementally.
    struct FNV1a64 {
        private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

        mutating func update(_ bytes: UnsafeRawBufferPointer) {
            var hash = value
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            value = hash
        }

        /// Feeds `value` as 8 little-endian bytes.
        mutating func update(_ value: Int) {
            withUnsafeBytes(of: UInt64(truncatingIfNeeded: value).littleEndian) { update($0) }
        }

        /// Feeds `string`'s length (8 bytes) and UTF-8 bytes, so consecutive strings cannot run together.
        mutating func update(_ string: String) {
            var string = string
            string.withUTF8 { utf8 in
                update(utf8.count)
                update(UnsafeRawBufferPointer(utf8))
            }
        }

        /// `prefix` and the hash as 16 lowercase hex digits.
        func formatted(_ prefix: String) -> String {
            let hex = String(value, radix: 16)
            return prefix + String(repeating: "0", count: 16 - hex.count) + hex
        }
    }

    /// The header's contents in a fixed, unambiguous order for the checksum, independent of JSON
    /// spelling: the metadata entries other than `checksumKey` sorted by key (key, value), then the
    /// tensors sorted by name (name, dtype, rank, sizes, begin and end offsets), strings
    /// length-prefixed and integers as 8 little-endian bytes.
    static func headerDigest(metadata: [String: String], entries: [(name: String, dtype: String, shape: [Int], begin: Int, end: Int)]) -> FNV1a64 {
        var hash = FNV1a64()
        let kept = metadata.filter { $0.key != checksumKey }.sorted { $0.key < $1.key }
        hash.update(kept.count)
        for (key, value) in kept {
            hash.update(key)
            hash.update(value)
        }
        hash.update(entries.count)
        for entry in entries.sorted(by: { $0.name < $1.name }) {
            hash.update(entry.name)
            hash.update(entry.dtype)
            hash.update(entry.shape.count)
            for size in entry.shape { hash.update(size) }
            hash.update(entry.begin)
            hash.update(entry.end)
        }
        return hash
    }
}

// MARK: - Encoding

extension SafeTensorsFile {
    /// The header (length prefix included) and the tensors in storage order.
    struct EncodingPlan {
        var header: [UInt8]
        var tensors: [(name: String, tensor: Tensor)]
        var dataLength: Int
    }

    func encodingPlan(source: String) throws -> EncodingPlan {
        let ordered = tensors.sorted { $0.key < $1.key }.map { (name: $0.key, tensor: $0.value) }
        var entries: [(name: String, dtype: String, shape: [Int], begin: Int, end: Int)] = []
        var offset = 0
        for (name, tensor) in ordered {
            guard name != "__metadata__" else {
                throw CheckpointError(.invalidName, file: source, "a tensor cannot be named '__metadata__' (reserved for the metadata)")
            }
            let byteCount = tensor.count * MemoryLayout<Float>.size
            entries.append((name: name, dtype: DType.f32.rawValue, shape: tensor.shape, begin: offset, end: offset + byteCount))
            offset += byteCount
        }
        var checksum = Self.headerDigest(metadata: metadata, entries: entries)
        for (_, tensor) in ordered { Self.withLittleEndianBytes(of: tensor) { checksum.update($0) } }
        var fullMetadata = metadata
        fullMetadata[Self.checksumKey] = checksum.formatted(Self.fullChecksumPrefix)
        let metadataJSON = fullMetadata.sorted { $0.key < $1.key }
            .map { "\(Self.jsonString($0.key)):\(Self.jsonString($0.value))" }
            .joined(separator: ",")
        let entryJSON = entries.map { entry in
            "\(Self.jsonString(entry.name)):{\"dtype\":\"F32\",\"shape\":[\(entry.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(entry.begin),\(entry.end)]}"
        }
        var json = Array("{\"__metadata__\":{\(metadataJSON)}\(entryJSON.map { "," + $0 }.joined())}".utf8)
        json += repeatElement(UInt8(ascii: " "), count: (8 - json.count % 8) % 8)
        var header = withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) }
        header += json
        return EncodingPlan(header: header, tensors: ordered, dataLength: offset)
    }

    /// `string` as a JSON string literal: quotes, backslashes and control characters escaped.
    static func jsonString(_ string: String) -> String {
        var result = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// Calls `body` with the tensor's values as little-endian `Float32` bytes.
    static func withLittleEndianBytes<R>(of tensor: Tensor, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        #if _endian(little)
        return try tensor.withUnsafeBufferPointer { try body(UnsafeRawBufferPointer($0)) }
        #else
        let swapped = tensor.withUnsafeBufferPointer { $0.map { $0.bitPattern.littleEndian } }
        return try swapped.withUnsafeBytes { try body($0) }
        #endif
    }

    /// Writes all of `bytes` to `descriptor`, retrying partial writes and interruptions.
    static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard var next = bytes.baseAddress else { return true }
        var remaining = bytes.count
        while remaining > 0 {
            let written = posixWrite(descriptor, next, min(remaining, 1 << 30))
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            if written == 0 { errno = EIO; return false }
            next += written
            remaining -= written
        }
        return true
    }
}

/// `write(2)`, under a name that `SafeTensorsFile.write(to:)` does not shadow.
private func posixWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}

// MARK: - Decoding

extension SafeTensorsFile {
    /// One validated header entry.
    private struct Entry {
        var name: String
        var dtype: DType
        var shape: [Int]
        var begin: Int
        var end: Int
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, source: String,
                       validateMetadata: ([String: String]) throws -> Void = { _ in }) throws -> SafeTensorsFile {
        func error(_ kind: CheckpointError.Kind, _ message: String) -> CheckpointError {
            CheckpointError(kind, file: source, message)
        }
        guard bytes.count >= 8 else {
            throw error(.fileTooShort, "file is \(bytes.count) bytes long, shorter than the 8-byte header length of a safetensors file")
        }
        let declared = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
        let available = bytes.count - 8
        guard declared <= UInt64(available) else {
            throw error(.truncatedHeader, "truncated or not a safetensors file: the header length is \(declared) bytes, but only \(available) bytes follow the 8-byte length")
        }
        let headerLength = Int(declared)
        guard headerLength <= maximumHeaderLength else {
            throw error(.headerTooLarge, "header length \(headerLength) bytes exceeds the limit of \(maximumHeaderLength)")
        }
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[8 ..< 8 + headerLength])
        let data = UnsafeRawBufferPointer(rebasing: bytes[(8 + headerLength)...])

        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(headerBytes))
        } catch {
            throw CheckpointError(.invalidHeader, file: source, "the header is not valid JSON: \(reason(error))")
        }
        guard let header = json as? [String: Any] else {
            throw error(.invalidHeader, "the header is not a JSON object")
        }

        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        entries.reserveCapacity(header.count)
        for (name, value) in header {
            if name == "__metadata__" {
                guard let object = value as? [String: Any] else {
                    throw error(.invalidEntry, "'__metadata__' must be an object of strings, got \(brief(value))")
                }
                for (key, item) in object {
                    guard let string = item as? String else {
                        throw error(.invalidEntry, "'__metadata__' entry '\(key)' must be a string, got \(brief(item))")
                    }
                    metadata[key] = string
                }
            } else {
                entries.append(try entry(name, value, dataLength: data.count, source: source))
            }
        }

        // The tensors must tile the data buffer exactly, in offset order.
        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var covered = 0
        var previous: String?
        for entry in entries {
            if entry.begin < covered, let previous {
                throw error(.invalidLayout, "tensor '\(entry.name)' (bytes \(entry.begin)..<\(entry.end)) overlaps tensor '\(previous)', which ends at byte \(covered)")
            }
            if entry.begin > covered {
                throw error(.invalidLayout, "data bytes \(covered)..<\(entry.begin) before tensor '\(entry.name)' belong to no tensor (tensors must be contiguous)")
            }
            covered = entry.end
            previous = entry.name
        }
        if covered != data.count {
            throw error(.invalidLayout, "metadata incomplete buffer: the tensors cover \(covered) of the \(data.count) data bytes (trailing bytes belong to no tensor)")
        }

        if let recorded = metadata.removeValue(forKey: checksumKey) {
            let lowered = recorded.lowercased()
            let covered = lowered.hasPrefix(fullChecksumPrefix) ? "header and data" : "data"
            let prefix = lowered.hasPrefix(fullChecksumPrefix) ? fullChecksumPrefix : dataChecksumPrefix
            guard lowered.hasPrefix(prefix), lowered.count == prefix.count + 16,
                  UInt64(lowered.dropFirst(prefix.count), radix: 16) != nil else {
                throw error(.invalidEntry, "unrecognised '\(checksumKey)' value '\(recorded.prefix(80))' (expected \(fullChecksumPrefix) or \(dataChecksumPrefix) and 16 hex digits)")
            }
            var checksum = prefix == fullChecksumPrefix
                ? headerDigest(metadata: metadata, entries: entries.map { ($0.name, $0.dtype.rawValue, $0.shape, $0.begin, $0.end) })
                : FNV1a64()
            checksum.update(data)
            guard checksum.formatted(prefix) == lowered else {
                throw error(.checksumMismatch, "checksum mismatch: the header records \(recorded), but the \(covered) hash to \(checksum.formatted(prefix)); the file may be corrupt or edited")
            }
        }
        try validateMetadata(metadata)

        var tensors: [String: Tensor] = [:]
        tensors.reserveCapacity(entries.count)
        for entry in entries {
            let input = UnsafeRawBufferPointer(rebasing: data[entry.begin ..< entry.end])
            tensors[entry.name] = Tensor.filled(shape: entry.shape) { convert(input, of: entry.dtype, into: $0) }
        }
        return SafeTensorsFile(tensors: tensors, metadata: metadata)
    }

    /// Validates one tensor entry of the header against a data buffer of `dataLength` bytes.
    private static func entry(_ name: String, _ value: Any, dataLength: Int, source: String) throws -> Entry {
        func error(_ kind: CheckpointError.Kind, _ message: String) -> CheckpointError {
            CheckpointError(kind, file: source, "tensor '\(name)': \(message)")
        }
        guard let fields = value as? [String: Any] else {
            throw error(.invalidEntry, "entry must be an object with dtype, shape and data_offsets, got \(brief(value))")
        }
        guard let dtypeValue = fields["dtype"] else { throw error(.invalidEntry, "missing 'dtype'") }
        guard let dtypeName = dtypeValue as? String else {
            throw error(.invalidEntry, "'dtype' must be a string, got \(brief(dtypeValue))")
        }
        guard let dtype = DType(rawValue: dtypeName) else {
            let supported = DType.allCases.map(\.rawValue).joined(separator: ", ")
            throw error(.unsupportedDType, "unsupported dtype '\(dtypeName.prefix(40))' (supported: \(supported))")
        }
        guard let shapeValue = fields["shape"] else { throw error(.invalidEntry, "missing 'shape'") }
        guard let shapeItems = shapeValue as? [Any], let shape = integers(shapeItems) else {
            throw error(.invalidEntry, "'shape' must be an array of integers, got \(brief(shapeValue))")
        }
        if let negative = shape.first(where: { $0 < 0 }) {
            throw error(.invalidEntry, "negative size \(negative) in shape \(shape)")
        }
        guard let offsetsValue = fields["data_offsets"] else { throw error(.invalidEntry, "missing 'data_offsets'") }
        guard let offsetItems = offsetsValue as? [Any], let offsets = integers(offsetItems), offsets.count == 2 else {
            throw error(.invalidEntry, "'data_offsets' must be an array of two integers, got \(brief(offsetsValue))")
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin >= 0, end >= begin else {
            throw error(.invalidOffsets, "invalid data_offsets [\(begin), \(end)] (need 0 ≤ begin ≤ end)")
        }
        guard end <= dataLength else {
            throw error(.invalidOffsets, "data_offsets [\(begin), \(end)] run past the end of the \(dataLength)-byte data buffer (truncated file?)")
        }
        // Every partial product of the sizes must fit in Int, whichever order later code multiplies
        // them in, so bound the product of the non-zero sizes.
        var bound = 1
        for size in shape {
            let (product, overflow) = bound.multipliedReportingOverflow(by: max(size, 1))
            guard !overflow else { throw error(.invalidEntry, "shape \(shape) is too large") }
            bound = product
        }
        let elementCount = shape.contains(0) ? 0 : bound
        let (byteCount, overflow) = elementCount.multipliedReportingOverflow(by: dtype.size)
        guard !overflow, byteCount == end - begin else {
            throw error(.invalidOffsets, "data_offsets [\(begin), \(end)] hold \(end - begin) bytes, but \(dtypeName) \(shape) needs \(overflow ? "more" : "\(byteCount)")")
        }
        return Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
    }

    /// The values as `Int`s if all are JSON integers (not booleans, not numbers with a fraction or
    /// exponent, not out of `Int` range).
    private static func integers(_ values: [Any]) -> [Int]? {
        var result: [Int] = []
        result.reserveCapacity(values.count)
        for value in values {
            guard let number = value as? NSNumber else { return nil }
            // JSONSerialization gives booleans type "c" and non-integers "d" on Linux and Darwin alike.
            let type = String(cString: number.objCType)
            guard type != "c", type != "B", type != "d", type != "f", let integer = value as? Int else { return nil }
            result.append(integer)
        }
        return result
    }

    /// A short rendering of a JSON value for error messages.
    private static func brief(_ value: Any) -> String {
        let text = "\(value)".replacingOccurrences(of: "\n", with: " ")
        return text.count > 60 ? text.prefix(60) + "…" : text
    }

    /// The most useful message of a Foundation error.
    static func reason(_ error: Error) -> String {
        let nsError = error as NSError
        if let debug = nsError.userInfo[NSDebugDescriptionErrorKey] as? String { return debug }
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError {
            return "\(nsError.localizedDescription) (\(underlying.localizedDescription))"
        }
        return nsError.localizedDescription
    }

    /// `strerror(errno)`.
    static func lastErrorMessage() -> String {
        let code = errno
        return "\(String(cString: strerror(code))) (errno \(code))"
    }
}
