import Foundation
import Testing
import KLTensorBoard

@Suite struct EventFileWriterTests {
    @Test func fileIsNamedAndStartsWithTheVersionEvent() throws {
        let temporary = try TemporaryDirectory()
        let directory = temporary.url.appendingPathComponent("run/a")     // created by the writer
        let writer = try EventFileWriter(directory: directory)
        writer.close()
        let name = writer.url.lastPathComponent
        #expect(writer.url.deletingLastPathComponent().standardizedFileURL.path == directory.standardizedFileURL.path)
        #expect(name.hasPrefix("events.out.tfevents."))
        let seconds = Int(name.split(separator: ".")[3])!
        #expect(abs(Double(seconds) - Date().timeIntervalSince1970) < 600)
        let records = try TFRecordReader.records(in: Array(try Data(contentsOf: writer.url)))
        #expect(records.count == 1)
        let version = try DecodedEvent(records[0])
        #expect(version.fileVersion == "brain.Event:2" && version.wallTime != nil && version.tag == nil)
    }

    @Test func writersInTheSameDirectoryGetDistinctFiles() throws {
        let temporary = try TemporaryDirectory()
        let writers = try (0..<3).map { _ in try EventFileWriter(directory: temporary.url) }
        #expect(Set(writers.map(\.url)).count == 3)
    }

    @Test func hundredsOfRecordsReadBackWithValidChecksums() throws {
        let temporary = try TemporaryDirectory()
        let writer = try EventFileWriter(directory: temporary.url)
        for step in 0..<300 {
            try writer.addScalar("train/loss", 1 / Double(step + 1), step: step, wallTime: 1000 + Double(step))
            if step % 100 == 0 {
                try writer.addHistogram("weights", values: (0..<1000).map { Float($0 - 500) / 100 }, step: step)
            }
        }
        try writer.addScalar("train/diverged", .nan, step: 300, wallTime: 2000)
        try writer.addScalar("train/diverged", -.infinity, step: 301, wallTime: 2001)
        try writer.flush()
        writer.close()

        let records = try TFRecordReader.records(in: Array(try Data(contentsOf: writer.url)))
        #expect(records.count == 1 + 300 + 3 + 2)
        let events = try records.dropFirst().map(DecodedEvent.init)
        let losses = events.filter { $0.tag == "train/loss" }
        #expect(losses.map(\.step) == (0..<300).map(Int64.init))
        #expect(losses.map(\.simpleValue) == (0..<300).map { Float(1 / Double($0 + 1)) })
        #expect(losses.map(\.wallTime) == (0..<300).map { 1000 + Double($0) })
        let histograms = events.compactMap(\.histogram)
        #expect(histograms.count == 3 && histograms.allSatisfy { $0.count == 1000 && $0.minimum == -5 && $0.maximum == Double(Float(499) / 100) })
        let diverged = events.filter { $0.tag == "train/diverged" }.compactMap(\.simpleValue)
        #expect(diverged.count == 2 && diverged[0].isNaN && diverged[1] == -.infinity)
    }

    @Test func aKilledWriterLeavesAtMostATruncatedLastRecord() throws {
        let temporary = try TemporaryDirectory()
        let writer = try EventFileWriter(directory: temporary.url)
        for step in 1...5 { try writer.addScalar("loss", Double(step), step: step) }
        writer.close()
        var bytes = Array(try Data(contentsOf: writer.url))
        bytes.removeLast(7)                                            // a write cut short by a kill
        #expect(throws: TFRecordReader.Failure.truncated(record: 5)) { try TFRecordReader.records(in: bytes) }
        let records = try TFRecordReader.records(in: bytes, toleratingTruncatedTail: true)
        #expect(try records.dropFirst().map { try DecodedEvent($0).step } == [1, 2, 3, 4])
    }

    @Test func corruptionIsCaughtByTheChecksums() throws {
        let temporary = try TemporaryDirectory()
        let writer = try EventFileWriter(directory: temporary.url)
        try writer.addScalar("loss", 1, step: 1)
        writer.close()
        let bytes = Array(try Data(contentsOf: writer.url))
        let first = Int(littleEndian(bytes, at: 0, width: 8)) + 16     // the second record's offset
        var badLength = bytes
        badLength[first] ^= 1
        #expect(throws: TFRecordReader.Failure.lengthCRCMismatch(record: 1)) { try TFRecordReader.records(in: badLength) }
        var badData = bytes
        badData[first + 14] ^= 0x10
        #expect(throws: TFRecordReader.Failure.dataCRCMismatch(record: 1)) { try TFRecordReader.records(in: badData) }
    }

    @Test func badInputThrowsClearErrors() throws {
        let temporary = try TemporaryDirectory()
        let writer = try EventFileWriter(directory: temporary.url)
        #expect(throws: TensorBoardError.emptyTag) { try writer.addScalar("", 1, step: 0) }
        #expect(throws: TensorBoardError.negativeStep(tag: "loss", step: -1)) { try writer.addScalar("loss", 1, step: -1) }
        #expect(throws: TensorBoardError.emptyTag) { try writer.addHistogram("", values: [1], step: 0) }
        #expect(throws: TensorBoardError.negativeStep(tag: "w", step: -3)) { try writer.addHistogram("w", values: [1], step: -3) }
        #expect(TensorBoardError.negativeStep(tag: "loss", step: -1).description.contains("negative"))
        writer.close()
        writer.close()                                                 // closing twice is harmless
        #expect(throws: TensorBoardError.closed(path: writer.url.path)) { try writer.addScalar("loss", 1, step: 0) }
        #expect(throws: TensorBoardError.closed(path: writer.url.path)) { try writer.flush() }
        // Nothing but the version event reached the file.
        #expect(try TFRecordReader.records(in: Array(try Data(contentsOf: writer.url))).count == 1)
    }

    @Test func aDirectoryThatCannotBeCreatedThrows() throws {
        let temporary = try TemporaryDirectory()
        let file = temporary.url.appendingPathComponent("not-a-directory")
        try Data("x".utf8).write(to: file)
        #expect(throws: (any Error).self) { try EventFileWriter(directory: file.appendingPathComponent("run")) }
    }

    @Test func framingMatchesTheFormat() {
        var frame: [UInt8] = []
        let data = SummaryEvent(wallTime: 1.5, step: 3, content: .scalar(tag: "a", value: 2)).encoded
        TFRecordWriter.frame(data, into: &frame)
        #expect(frame.count == data.count + 16)
        #expect(Array(frame[0..<8]) == [23, 0, 0, 0, 0, 0, 0, 0])
        #expect(littleEndian(frame, at: 8, width: 4) == 0x1EF8_CEE7)   // TensorBoard's masked_crc32c of the length
        #expect(Array(frame[12..<35]) == data)
        #expect(littleEndian(frame, at: 35, width: 4) == 0x9D3A_1CE8)  // and of the data
    }
}
