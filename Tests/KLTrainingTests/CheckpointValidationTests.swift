import Foundation
import KLTasks
import KLTensor
import Testing
@testable import KLTraining
@testable import KLTransformer

/// Checkpoints whose metadata was edited are refused: by the checksum, which covers the header, or,
/// where the checksum was recomputed (or the file predates header checksums), by the validation of
/// the configuration and state before any tensor is allocated or any model built.
@Suite struct CheckpointValidationTests {
    /// A fresh checkpoint of a tiny trained-looking model, and its directory (remove when done).
    static func checkpoint() throws -> (url: URL, directory: URL) {
        let model = try SequenceClassifier(configuration: TrainerTests.configuration(), seed: 3)
        let directory = TrainerTests.temporaryDirectory()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("best.safetensors")
        let state = TrainingState(step: 4, bestValidationAccuracy: 0.5, bestStep: 4, dropoutGenerator: RandomGenerator(seed: 1),
                                  featureRandomness: model.featureMaps.map(\.randomness),
                                  settings: TrainerTests.settings(steps: 4, evaluationInterval: 4))
        try Checkpoint.save(model: model, optimizer: AdamW(parameters: model.parameters), state: state, to: url)
        return (url, directory)
    }

    /// The file with one integer field of a metadata entry's JSON set to `value` (inserted when
    /// absent), edited as text so nothing else changes; with `recomputeOldChecksum`, the checksum is
    /// rewritten in the pre-header form (the data alone), as a careful editor or an old checkpoint
    /// would have it.
    static func edited(_ url: URL, entry: String, field: String, value: Int, recomputeOldChecksum: Bool) throws -> URL {
        let bytes = try [UInt8](Data(contentsOf: url))
        let length = Int(bytes[0 ..< 8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        var header = String(decoding: bytes[8 ..< 8 + length], as: UTF8.self)
        let data = Array(bytes[(8 + length)...])
        // Inside the metadata string the entry's JSON is escaped: \"field\":value.
        let key = #"\""# + field + #"\":"#
        if let range = header.range(of: key) {
            let digits = header[range.upperBound...].prefix { $0 == "-" || $0.isNumber }
            header.replaceSubrange(range.upperBound ..< digits.endIndex, with: "\(value)")
        } else {
            let start = try #require(header.range(of: "\"\(entry)\":\"{"))
            header.insert(contentsOf: key + "\(value),", at: start.upperBound)
        }
        if recomputeOldChecksum {
            var checksum = SafeTensorsFile.FNV1a64()
            data.withUnsafeBytes { checksum.update($0) }
            let recorded = try #require(header.range(of: #""klt.checksum":"[^"]*""#, options: .regularExpression))
            header.replaceSubrange(recorded, with: #""klt.checksum":""# + checksum.formatted(SafeTensorsFile.dataChecksumPrefix) + "\"")
        }
        let json = Array(header.utf8)
        let copy = url.deletingLastPathComponent().appendingPathComponent("edited-\(field).safetensors")
        try Data(withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) } + json + data).write(to: copy)
        return copy
    }

    /// The message `Checkpoint.read` refuses `url` with, or nil when it reads.
    static func refusal(_ url: URL) -> String? {
        do {
            _ = try Checkpoint.read(from: url)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func editedMetadataFailsTheChecksum() throws {
        let (url, directory) = try Self.checkpoint()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(Self.refusal(url) == nil)
        for (entry, field, value) in [("klt.state", "step", 3), ("klt.configuration", "layers", 2)] {
            let copy = try Self.edited(url, entry: entry, field: field, value: value, recomputeOldChecksum: false)
            let message = Self.refusal(copy)
            #expect(message?.contains("checksum mismatch") == true && message?.contains(copy.path) == true, "\(field): \(message ?? "read")")
        }
    }

    @Test func checkpointsWithTheOldChecksumStillLoad() throws {
        let (url, directory) = try Self.checkpoint()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Rewritten with the same value: only the checksum's form changes.
        let old = try Self.edited(url, entry: "klt.state", field: "step", value: 4, recomputeOldChecksum: true)
        let contents = try Checkpoint.read(from: old)
        #expect(contents.state.step == 4)
        try Checkpoint.restore(contents, into: try SequenceClassifier(configuration: TrainerTests.configuration(), seed: 9))
    }

    /// The issue's edited configurations (vocabulary 2³³, maxLength 10⁹, feature argument 10⁹, width
    /// 2⁴⁰, 10⁵ layers) and impossible states, behind a valid (old-form) checksum. A negative step
    /// count in the settings trapped (the range 0...steps) before the settings were checked.
    @Test(arguments: [
        ("klt.configuration", "vocabularySize", 1 << 33, "vocabularySize"), ("klt.configuration", "maxLength", 1_000_000_000, "maxLength"),
        ("klt.configuration", "featureDimensionsArgument", 1_000_000_000, "featureDimensionsArgument"),
        ("klt.configuration", "modelDimension", 1 << 40, "modelDimension"), ("klt.configuration", "layers", 100_000, "layers"),
        ("klt.state", "step", -1, "step -1"), ("klt.state", "bestStep", 9, "best step 9"),
        ("klt.state", "steps", -1, "steps must be positive, got -1"),
    ])
    func editedValuesAreRefusedBeforeAnythingIsBuilt(entry: String, field: String, value: Int, expected: String) throws {
        let (url, directory) = try Self.checkpoint()
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = try Self.edited(url, entry: entry, field: field, value: value, recomputeOldChecksum: true)
        let message = Self.refusal(copy)
        #expect(message?.contains(copy.path) == true && message?.contains(expected) == true, "\(message ?? "read")")
    }
}
