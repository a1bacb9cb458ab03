import Foundation
import KLTestSupport
import Testing
import KLTensor
@testable import KLTraining

/// Little-endian bytes of `values` as F32.
private func f32Bytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } }
}

/// A safetensors file built by hand: the 8-byte length of `header`, `header`, then `data`.
private func rawFile(_ header: String, data: [UInt8] = []) -> [UInt8] {
    let json = Array(header.utf8)
    return withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) } + json + data
}

/// The header length and JSON text of an encoded file.
private func headerOf(_ bytes: [UInt8]) -> (length: Int, text: String) {
    let length = Int(bytes[0 ..< 8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
    return (length, String(decoding: bytes[8 ..< 8 + length], as: UTF8.self))
}

/// A fresh empty directory, removed by `body`'s caller when done.
private func withTemporaryDirectory<R>(_ body: (URL) throws -> R) throws -> R {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("SafeTensorsTests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}

/// The `CheckpointError` that `body` throws, or `nil` (recording an issue) if it throws none.
private func checkpointError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> CheckpointError? {
    do {
        try body()
        Issue.record("expected a CheckpointError, got success", sourceLocation: sourceLocation)
    } catch let error as CheckpointError {
        return error
    } catch {
        Issue.record("expected a CheckpointError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

private func sampleTensors() -> [String: Tensor] {
    [
        "encoder.weight": Tensor(shape: [2, 3], scalars: [1, -2, 3.5, 0, .greatestFiniteMagnitude, -.leastNonzeroMagnitude]),
        "encoder.bias": Tensor(shape: [3], scalars: [0.25, -0.5, 1e-8]),
        "scale": Tensor(3.25),
        "empty": Tensor(shape: [0], scalars: []),
        "empty2d": Tensor(shape: [3, 0], scalars: []),
        "cube": Tensor(shape: [2, 1, 2], scalars: [1, 2, 3, 4]),
        "special": Tensor(shape: [3], scalars: [.infinity, -.infinity, -0.0]),
    ]
}

private func expectSameTensors(_ actual: [String: Tensor], _ expected: [String: Tensor],
                               sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.keys.sorted() == expected.keys.sorted(), sourceLocation: sourceLocation)
    for (name, tensor) in expected {
        guard let read = actual[name] else { continue }
        #expect(read.shape == tensor.shape, "\(name)", sourceLocation: sourceLocation)
        #expect(read.scalars.map(\.bitPattern) == tensor.scalars.map(\.bitPattern), "\(name)", sourceLocation: sourceLocation)
    }
}

@Suite struct SafeTensorsTests {
    // MARK: Round trips and format

    @Test func roundTripsThroughAFile() throws {
        let metadata = ["step": "1200", "model": "transformer \"tiny\"\nline two\t✓", "empty": ""]
        let original = SafeTensorsFile(tensors: sampleTensors(), metadata: metadata)
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("model.safetensors")
            try original.write(to: url)
            let read = try SafeTensorsFile(contentsOf: url)
            expectSameTensors(read.tensors, original.tensors)
            #expect(read.metadata == metadata)
            #expect(try Array(Data(contentsOf: url)) == original.encoded())
            // Overwriting replaces the contents and leaves no temporary files behind.
            try SafeTensorsFile(tensors: ["x": Tensor(1)]).write(to: url)
            #expect(try SafeTensorsFile(contentsOf: url).tensors["x"]?.scalars == [1])
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.safetensors"])
        }
    }

    @Test func roundTripsInMemoryIncludingAnEmptyFile() throws {
        let original = SafeTensorsFile(tensors: sampleTensors(), metadata: ["a": "b"])
        let read = try SafeTensorsFile(bytes: original.encoded(), source: "memory")
        expectSameTensors(read.tensors, original.tensors)
        #expect(read.metadata == ["a": "b"])

        let empty = try SafeTensorsFile(bytes: SafeTensorsFile(tensors: [:]).encoded(), source: "empty")
        #expect(empty.tensors.isEmpty && empty.metadata.isEmpty)
    }

    @Test func encodingIsDeterministicAndMatchesTheGoldenBytes() throws {
        var tensors: [String: Tensor] = [:]
        tensors["b"] = Tensor(0.5)
        tensors["a"] = Tensor(shape: [2], scalars: [1, -2.5])
        let bytes = try SafeTensorsFile(tensors: tensors, metadata: ["step": "7"]).encoded()
        // The checksum covers the header's contents and the data (computed independently in Python).
        let json = #"{"__metadata__":{"klt.checksum":"fnv1a64-full:82a1f65ad27bd056","step":"7"},"#
            + #""a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
            + #""b":{"dtype":"F32","shape":[],"data_offsets":[8,12]}}"#
            + String(repeating: " ", count: 2)
        let expected = [184, 0, 0, 0, 0, 0, 0, 0] + Array(json.utf8)
            + [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0, 0x00, 0x00, 0x00, 0x3F]
        #expect(bytes == expected)

        // Same contents built in another order: same bytes.
        let reordered = SafeTensorsFile(tensors: ["a": tensors["a"]!, "b": tensors["b"]!], metadata: ["step": "7"])
        #expect(try reordered.encoded() == bytes)
    }

    @Test func headerIsPaddedWithSpacesToEightBytes() throws {
        for count in 0 ..< 12 {
            let names = (0 ..< count).map { String(repeating: "n", count: $0 + 1) }
            let file = SafeTensorsFile(tensors: Dictionary(uniqueKeysWithValues: names.map { ($0, Tensor(1)) }))
            let bytes = try file.encoded()
            let (length, text) = headerOf(bytes)
            #expect(length % 8 == 0)
            #expect(text.first == "{")
            #expect(text.drop { $0 != "}" }.isEmpty == false)
            let trimmed = text.reversed().drop { $0 == " " }
            #expect(trimmed.first == "}")
            #expect(text.count - trimmed.count < 8)
        }
    }

    @Test func readsAHandBuiltFile() throws {
        // Entries in a different order from their data, metadata last, extra whitespace and padding.
        let header = #"{"b": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},"#
            + #" "a": {"shape": [], "dtype": "F32", "data_offsets": [8, 12]},"#
            + #" "__metadata__": {"format": "pt"}}     "#
        let bytes = rawFile(header, data: [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0, 0x00, 0x00, 0x00, 0x3F])
        let file = try SafeTensorsFile(bytes: bytes, source: "hand.safetensors")
        #expect(file.tensors["b"]?.shape == [2])
        #expect(file.tensors["b"]?.scalars == [1, -2.5])
        #expect(file.tensors["a"]?.shape == [])
        #expect(file.tensors["a"]?.scalars == [0.5])
        #expect(file.metadata == ["format": "pt"])
    }

    @Test func convertsOtherDTypes() throws {
        func le<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
            values.flatMap { withUnsafeBytes(of: $0.littleEndian) { Array($0) } }
        }
        let f64 = le([1.5, -1e-3].map { (x: Double) in x.bitPattern })
        let f16 = le([0x3C00, 0xC000, 0x7BFF, 0x0001, 0x8000, 0x7C00, 0xFC00, 0x3555] as [UInt16])
        let bf16 = le([0x3F80, 0xC040, 0x7F80] as [UInt16])
        let i64 = le([-3, 1 << 40] as [Int64])
        let i32 = le([-7, 7] as [Int32])
        let u8: [UInt8] = [0, 255]
        let bool: [UInt8] = [1, 0]
        var data: [UInt8] = []
        var entries: [String] = []
        for (name, dtype, count, bytes) in [("f64", "F64", 2, f64), ("f16", "F16", 8, f16), ("bf16", "BF16", 3, bf16),
                                            ("i64", "I64", 2, i64), ("i32", "I32", 2, i32), ("u8", "U8", 2, u8),
                                            ("bool", "BOOL", 2, bool)] {
            entries.append(#""\#(name)":{"dtype":"\#(dtype)","shape":[\#(count)],"data_offsets":[\#(data.count),\#(data.count + bytes.count)]}"#)
            data += bytes
        }
        let file = try SafeTensorsFile(bytes: rawFile("{" + entries.joined(separator: ",") + "}", data: data), source: "dtypes")
        #expect(file.tensors["f64"]?.scalars == [1.5, Float(-1e-3 as Double)])
        #expect(file.tensors["f16"]?.scalars.dropLast() == [1, -2, 65504, 0x1p-24, -0.0, .infinity, -.infinity])
        #expect(abs((file.tensors["f16"]?.scalars.last ?? 0) - 1.0 / 3.0) < 1e-3)
        #expect(file.tensors["f16"]?.scalars[4].sign == .minus)
        #expect(file.tensors["bf16"]?.scalars == [1, -3, .infinity])
        #expect(file.tensors["i64"]?.scalars == [-3, 0x1p40])
        #expect(file.tensors["i32"]?.scalars == [-7, 7])
        #expect(file.tensors["u8"]?.scalars == [0, 255])
        #expect(file.tensors["bool"]?.scalars == [1, 0])
        #expect(SafeTensorsFile.floatFromHalf(0x7E00).isNaN)
        #expect(SafeTensorsFile.floatFromHalf(0x03FF) == 1023 * 0x1p-24)
    }

    // MARK: Corruption

    struct Corruption: Sendable, CustomTestStringConvertible {
        var label: String
        var bytes: [UInt8]
        var kind: CheckpointError.Kind
        var testDescription: String { label }

        init(_ label: String, _ kind: CheckpointError.Kind, _ bytes: [UInt8]) {
            (self.label, self.kind, self.bytes) = (label, kind, bytes)
        }

        init(_ label: String, _ kind: CheckpointError.Kind, header: String, data: [UInt8] = []) {
            self.init(label, kind, rawFile(header, data: data))
        }

        /// A file with one tensor `t` whose entry has `fields`, and `dataCount` data bytes.
        init(_ label: String, _ kind: CheckpointError.Kind, entry fields: String, dataCount: Int = 8) {
            self.init(label, kind, header: #"{"t":{\#(fields)}}"#, data: Array(repeating: 0, count: dataCount))
        }
    }

    static let corruptions: [Corruption] = [
        Corruption("empty file", .fileTooShort, []),
        Corruption("shorter than 8 bytes", .fileTooShort, [2, 0, 0, 0, 0]),
        Corruption("header length past the end", .truncatedHeader, [100, 0, 0, 0, 0, 0, 0, 0] + Array(#"{"a":1}"#.utf8)),
        Corruption("header length 2^64-1", .truncatedHeader, Array(repeating: 0xFF, count: 16)),
        Corruption("header not JSON", .invalidHeader, header: #"{"t": {"dtype": "F32""#),
        Corruption("header not UTF-8", .invalidHeader, [7, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D]),
        Corruption("header is an array", .invalidHeader, header: "[1, 2]"),
        Corruption("header is a string", .invalidHeader, header: #""F32""#),
        Corruption("header nested too deeply", .invalidHeader, header: String(repeating: "[", count: 100_000)),
        Corruption("entry is a number", .invalidEntry, header: #"{"t": 3}"#),
        Corruption("missing dtype", .invalidEntry, entry: #""shape":[2],"data_offsets":[0,8]"#),
        Corruption("missing shape", .invalidEntry, entry: #""dtype":"F32","data_offsets":[0,8]"#),
        Corruption("missing data_offsets", .invalidEntry, entry: #""dtype":"F32","shape":[2]"#),
        Corruption("dtype not a string", .invalidEntry, entry: #""dtype":32,"shape":[2],"data_offsets":[0,8]"#),
        Corruption("unknown dtype", .unsupportedDType, entry: #""dtype":"F31","shape":[2],"data_offsets":[0,8]"#),
        Corruption("float8 dtype", .unsupportedDType, entry: #""dtype":"F8_E4M3","shape":[8],"data_offsets":[0,8]"#),
        Corruption("shape not an array", .invalidEntry, entry: #""dtype":"F32","shape":2,"data_offsets":[0,8]"#),
        Corruption("shape holds a string", .invalidEntry, entry: #""dtype":"F32","shape":["2"],"data_offsets":[0,8]"#),
        Corruption("shape holds a fraction", .invalidEntry, entry: #""dtype":"F32","shape":[2.5],"data_offsets":[0,8]"#),
        Corruption("shape holds a boolean", .invalidEntry, entry: #""dtype":"F32","shape":[true, 2],"data_offsets":[0,8]"#),
        Corruption("shape holds null", .invalidEntry, entry: #""dtype":"F32","shape":[null],"data_offsets":[0,8]"#),
        Corruption("negative shape", .invalidEntry, entry: #""dtype":"F32","shape":[-2],"data_offsets":[0,8]"#),
        Corruption("negative sizes that multiply to the right count", .invalidEntry,
                   entry: #""dtype":"F32","shape":[-1,-2],"data_offsets":[0,8]"#),
        Corruption("shape beyond Int", .invalidEntry, entry: #""dtype":"F32","shape":[18446744073709551615],"data_offsets":[0,8]"#),
        Corruption("shape product overflows", .invalidEntry,
                   entry: #""dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]"#),
        Corruption("shape product overflows behind a zero", .invalidEntry,
                   entry: #""dtype":"F32","shape":[0,4611686018427387904,4],"data_offsets":[0,0]"#, dataCount: 0),
        Corruption("byte count overflows", .invalidOffsets,
                   entry: #""dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,8]"#),
        Corruption("data_offsets not an array", .invalidEntry, entry: #""dtype":"F32","shape":[2],"data_offsets":8"#),
        Corruption("one data offset", .invalidEntry, entry: #""dtype":"F32","shape":[2],"data_offsets":[8]"#),
        Corruption("three data offsets", .invalidEntry, entry: #""dtype":"F32","shape":[2],"data_offsets":[0,8,16]"#),
        Corruption("negative offset", .invalidOffsets, entry: #""dtype":"F32","shape":[2],"data_offsets":[-8,0]"#),
        Corruption("end before begin", .invalidOffsets, entry: #""dtype":"F32","shape":[2],"data_offsets":[8,0]"#),
        Corruption("offsets past the data", .invalidOffsets, entry: #""dtype":"F32","shape":[2],"data_offsets":[8,16]"#),
        Corruption("huge offsets", .invalidOffsets,
                   entry: #""dtype":"F32","shape":[2],"data_offsets":[9223372036854775800,9223372036854775807]"#),
        Corruption("too few bytes for the shape", .invalidOffsets, entry: #""dtype":"F32","shape":[3],"data_offsets":[0,8]"#),
        Corruption("too many bytes for the shape", .invalidOffsets, entry: #""dtype":"F32","shape":[1],"data_offsets":[0,8]"#),
        Corruption("overlapping tensors", .invalidLayout,
                   header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                   data: Array(repeating: 0, count: 12)),
        Corruption("the same bytes twice", .invalidLayout,
                   header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,
                   data: Array(repeating: 0, count: 8)),
        Corruption("empty tensor inside another", .invalidLayout,
                   header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}"#,
                   data: Array(repeating: 0, count: 8)),
        Corruption("gap between tensors", .invalidLayout,
                   header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#,
                   data: Array(repeating: 0, count: 12)),
        Corruption("gap at the start", .invalidLayout, entry: #""dtype":"F32","shape":[1],"data_offsets":[4,8]"#),
        Corruption("trailing bytes", .invalidLayout, entry: #""dtype":"F32","shape":[1],"data_offsets":[0,4]"#),
        Corruption("data but no tensors", .invalidLayout, header: "{}", data: [1, 2, 3, 4]),
        Corruption("metadata not an object", .invalidEntry, header: #"{"__metadata__": ["a"]}"#),
        Corruption("metadata value not a string", .invalidEntry, header: #"{"__metadata__": {"step": 7}}"#),
        Corruption("malformed checksum", .invalidEntry, header: #"{"__metadata__": {"klt.checksum": "crc:12"}}"#),
        Corruption("wrong checksum", .checksumMismatch, header: #"{"__metadata__": {"klt.checksum": "fnv1a64:0000000000000000"}}"#),
    ]

    @Test(arguments: corruptions)
    func rejectsCorruption(_ corruption: Corruption) {
        let source = "/checkpoints/corrupt-\(corruption.label.replacingOccurrences(of: " ", with: "-")).safetensors"
        let error = checkpointError { _ = try SafeTensorsFile(bytes: corruption.bytes, source: source) }
        #expect(error?.kind == corruption.kind, "\(error?.description ?? "")")
        #expect(error?.description.hasPrefix(source + ": ") == true)
        #expect((error?.message.count ?? 0) > 10)
    }

    @Test func rejectsEveryTruncation() throws {
        let bytes = try SafeTensorsFile(tensors: sampleTensors(), metadata: ["k": "v"]).encoded()
        let headerEnd = 8 + headerOf(bytes).length
        for length in 0 ..< bytes.count {
            let error = checkpointError { _ = try SafeTensorsFile(bytes: Array(bytes.prefix(length)), source: "cut.safetensors") }
            #expect(error?.description.contains("cut.safetensors") == true)
            let expected: CheckpointError.Kind = length < 8 ? .fileTooShort : length < headerEnd ? .truncatedHeader : .invalidOffsets
            #expect(error?.kind == expected, "cut at \(length): \(error?.description ?? "")")
        }
    }

    @Test func survivesFlippedHeaderBytesWithoutCrashing() throws {
        let bytes = try SafeTensorsFile(tensors: sampleTensors()).encoded()
        let headerEnd = 8 + headerOf(bytes).length
        for position in 0 ..< headerEnd {
            for mask: UInt8 in [0x01, 0x80, 0xFF] {
                var corrupted = bytes
                corrupted[position] ^= mask
                // Either an error or (for a harmless change, e.g. in padding) a successful parse.
                _ = try? SafeTensorsFile(bytes: corrupted, source: "flipped")
            }
        }
    }

    @Test func survivesRandomGarbage() {
        var generator = TestData(seed: 42)
        for _ in 0 ..< 500 {
            let length = Int.random(in: 0 ..< 64, using: &generator)
            var bytes = (0 ..< length).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
            if bytes.count >= 8, Bool.random(using: &generator) {
                let headerLength = UInt64.random(in: 0 ... UInt64(bytes.count - 8), using: &generator)
                withUnsafeBytes(of: headerLength.littleEndian) { bytes.replaceSubrange(0 ..< 8, with: $0) }
            }
            let error = checkpointError { _ = try SafeTensorsFile(bytes: bytes, source: "garbage.bin") }
            #expect(error?.description.hasPrefix("garbage.bin: ") == true)
        }
    }

    // MARK: Integrity

    @Test func flippedDataByteFailsTheChecksumOfOurFiles() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("weights.safetensors")
            try SafeTensorsFile(tensors: sampleTensors()).write(to: url)
            var bytes = try Array(Data(contentsOf: url))
            bytes[bytes.count - 5] ^= 0x10
            try Data(bytes).write(to: url)
            let error = checkpointError { _ = try SafeTensorsFile(contentsOf: url) }
            #expect(error?.kind == .checksumMismatch)
            #expect(error?.description.contains("weights.safetensors") == true)
            #expect(error?.description.contains("checksum mismatch") == true)
            #expect(error?.description.contains("corrupt") == true)
        }
    }

    @Test func editedMetadataOrTensorEntriesFailTheChecksum() throws {
        let bytes = try SafeTensorsFile(tensors: ["w": Tensor(shape: [2], scalars: [1, 2])], metadata: ["klt.state": #"{"step":12}"#]).encoded()
        let (length, text) = headerOf(bytes)
        // Same length, so only the checksum can tell: a metadata value, then a tensor's shape.
        for (original, edited) in [(#"\"step\":12"#, #"\"step\":99"#), (#""shape":[2]"#, #""shape":[1]"#)] {
            #expect(text.contains(original))
            let header = Array(text.replacingOccurrences(of: original, with: edited).utf8)
            var changed = Array(bytes[0 ..< 8]) + header + Array(bytes[(8 + length)...])
            if original.contains("shape") {   // keep the entry consistent: 1 F32 value and 4 bytes more data
                changed = rawFile(String(decoding: header, as: UTF8.self).replacingOccurrences(of: "[0,8]", with: "[0,4]"), data: f32Bytes([1]))
            }
            let error = checkpointError { _ = try SafeTensorsFile(bytes: changed, source: "edited.safetensors") }
            #expect(error?.kind == .checksumMismatch, "\(edited): \(String(describing: error))")
            #expect(error?.description.contains("header and data") == true)
        }
    }

    /// Files written before the checksum covered the header carry `fnv1a64:` over the data alone;
    /// they still load (these are the golden bytes of that writer).
    @Test func filesWithTheDataOnlyChecksumStillLoad() throws {
        let json = #"{"__metadata__":{"klt.checksum":"fnv1a64:00f39869ef34f295","step":"7"},"#
            + #""a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
            + #""b":{"dtype":"F32","shape":[],"data_offsets":[8,12]}}"#
            + String(repeating: " ", count: 7)
        let data: [UInt8] = [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0, 0x00, 0x00, 0x00, 0x3F]
        let file = try SafeTensorsFile(bytes: rawFile(json, data: data), source: "old.safetensors")
        #expect(file.metadata == ["step": "7"])
        #expect(file.tensors["a"]?.scalars == [1, -2.5] && file.tensors["b"]?.scalars == [0.5])
        var flipped = data
        flipped[0] ^= 1
        #expect(checkpointError { _ = try SafeTensorsFile(bytes: rawFile(json, data: flipped), source: "old.safetensors") }?.kind == .checksumMismatch)
    }

    @Test func metadataIsValidatedBeforeTensorsAreRead() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("m.safetensors")
            try SafeTensorsFile(tensors: ["w": Tensor(1)], metadata: ["a": "b"]).write(to: url)
            var seen: [String: String]?
            _ = try SafeTensorsFile(contentsOf: url) { seen = $0 }
            #expect(seen == ["a": "b"])
            struct Refused: Error {}
            #expect(throws: Refused.self) { try SafeTensorsFile(contentsOf: url) { _ in throw Refused() } }
        }
    }

    @Test func flippedDataByteGoesUnnoticedWithoutAChecksum() throws {
        // Files from other tools carry no checksum: safetensors itself cannot detect this.
        var bytes = rawFile(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: f32Bytes([1, 2]))
        bytes[bytes.count - 1] ^= 0x80
        let file = try SafeTensorsFile(bytes: bytes, source: "foreign.safetensors")
        #expect(file.tensors["w"]?.scalars == [1, -2])
    }

    @Test func checksumEntryIsVerifiedAndRemovedFromMetadata() throws {
        let written = SafeTensorsFile(tensors: ["w": Tensor(2)], metadata: ["klt.checksum": "fnv1a64:0123456789abcdef", "x": "y"])
        let bytes = try written.encoded()
        #expect(!headerOf(bytes).text.contains("0123456789abcdef"))
        let read = try SafeTensorsFile(bytes: bytes, source: "memory")
        #expect(read.metadata == ["x": "y"])
    }

    // MARK: Writing

    @Test func writingIntoAMissingDirectoryFailsNamingThePath() throws {
        let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/sub/model.safetensors")
        let error = checkpointError { try SafeTensorsFile(tensors: ["w": Tensor(1)]).write(to: url) }
        #expect(error?.kind == .io)
        #expect(error?.description.contains(url.path) == true)
    }

    @Test func readingAMissingFileFailsNamingThePath() {
        let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/model.safetensors")
        let error = checkpointError { _ = try SafeTensorsFile(contentsOf: url) }
        #expect(error?.kind == .io)
        #expect(error?.description.contains(url.path) == true)
    }

    @Test func failedWriteLeavesTheExistingFileUntouched() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("model.safetensors")
            try SafeTensorsFile(tensors: ["w": Tensor(1)]).write(to: url)
            let before = try Data(contentsOf: url)

            // Failure after the new contents are complete, just before the rename.
            let replacement = SafeTensorsFile(tensors: ["w": Tensor(2), "v": Tensor(shape: [100], scalars: Array(repeating: 3, count: 100))])
            var crashed = false
            do {
                try replacement.write(to: url, beforeRename: { throw SimulatedCrash() })
            } catch is SimulatedCrash {
                crashed = true
            }
            #expect(crashed)
            #expect(try Data(contentsOf: url) == before)

            // Failure before anything is written.
            let error = checkpointError { try SafeTensorsFile(tensors: ["__metadata__": Tensor(2)]).write(to: url) }
            #expect(error?.kind == .invalidName)
            #expect(try Data(contentsOf: url) == before)

            // Failure to rename (the target is a directory).
            let blocked = directory.appendingPathComponent("blocked.safetensors")
            try FileManager.default.createDirectory(at: blocked.appendingPathComponent("inside"), withIntermediateDirectories: true)
            let renameError = checkpointError { try replacement.write(to: blocked) }
            #expect(renameError?.kind == .io)
            #expect(renameError?.description.contains("blocked.safetensors") == true)

            // No temporary files are left behind.
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            #expect(names == ["blocked.safetensors", "model.safetensors"])
        }
    }
}

/// The failure injected just before the rename.
private struct SimulatedCrash: Error {}


