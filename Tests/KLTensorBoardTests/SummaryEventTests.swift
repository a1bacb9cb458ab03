import Testing
import KLTensorBoard

@Suite struct SummaryEventTests {
    @Test func scalarEventByteForByte() {
        let event = SummaryEvent(wallTime: 1.5, step: 3, content: .scalar(tag: "a", value: 2))
        #expect(event.encoded == [
            0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F,   // Event.wall_time (1, fixed64) = 1.5
            0x10, 0x03,                           // Event.step (2, varint) = 3
            0x2A, 0x0A,                           // Event.summary (5, length-delimited), 10 bytes
            0x0A, 0x08,                           //   Summary.value (1, length-delimited), 8 bytes
            0x0A, 0x01, 0x61,                     //     Value.tag (1) = "a"
            0x15, 0, 0, 0, 0x40,                  //     Value.simple_value (2, fixed32) = 2.0
        ])
    }

    @Test func sessionStartEventByteForByte() {
        let event = SummaryEvent(wallTime: 1.5, step: 21, content: .sessionStart)
        #expect(event.encoded == [
            0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F,   // Event.wall_time (1, fixed64) = 1.5
            0x10, 0x15,                           // Event.step (2, varint) = 21
            0x3A, 0x02,                           // Event.session_log (7, length-delimited), 2 bytes
            0x08, 0x01,                           //   SessionLog.status (1, varint) = START
        ])
    }

    @Test func fileVersionEventHasWallTimeAndVersionOnly() {
        let event = SummaryEvent(wallTime: 1.5, content: .fileVersion(SummaryEvent.currentFileVersion))
        #expect(event.encoded == [0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0x1A, 0x0D] + Array("brain.Event:2".utf8))
    }

    @Test func histogramEventNestsItsSizesCorrectly() throws {
        let histogram = Histogram(values: [-1, 0.5, 0.5, 3])
        let event = SummaryEvent(wallTime: 10, step: 300, content: .histogram(tag: "w", histogram))
        let decoded = try DecodedEvent(event.encoded)
        #expect(decoded.wallTime == 10 && decoded.step == 300 && decoded.tag == "w")
        #expect(decoded.histogram == histogram)
    }

    @Test func longTagsAndLargeStepsUseMultiByteLengths() throws {
        let tag = String(repeating: "x", count: 200)          // length varint of two bytes
        let event = SummaryEvent(wallTime: 0, step: Int64(1) << 40, content: .scalar(tag: tag, value: -0.25))
        let decoded = try DecodedEvent(event.encoded)
        #expect(decoded.tag == tag && decoded.step == Int64(1) << 40 && decoded.simpleValue == -0.25)
    }
}
