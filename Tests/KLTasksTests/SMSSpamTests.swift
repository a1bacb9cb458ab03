import Foundation
import Testing
@testable import KLTasks

/// The SMS spam loader on a file with the real one's quirks: quoted fields with commas, line breaks
/// and doubled quotes, CRLF, and a record that swallowed other messages (dropped).
@Suite struct SMSSpamTests {
    static let file = ",spam,text\r\n"
        + "0,0,\"Go until jurong point, crazy..\"\r\n"
        + "1,1,Free entry in 2 a wkly comp\n"
        + "2,0,\"He said \"\"hi\"\"\nthen left\"\n"
        + "3,0,\"Keep-in-touch\"\" gdeve..\nham\tOk. I asked for money\nspam\tFREE for 1st week\"\n"
        + "4,1,WINNER!! claim now\n"

    @Test func quotedFieldsParseAndMergedRecordsAreDropped() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let url = try scratch.file(SMSSpam.fileName, Self.file)
        let messages = try SMSSpam.messages(contentsOf: url)
        #expect(messages.map(\.label) == [0, 1, 0, 1])
        #expect(messages.map { String(decoding: $0.bytes, as: UTF8.self) }
            == ["Go until jurong point, crazy..", "Free entry in 2 a wkly comp", "He said \"hi\"\nthen left", "WINNER!! claim now"])
        #expect(messages.map(\.line) == [2, 3, 4, 9])
        let splits = try SMSSpam.load(from: scratch.url, seed: 1)
        #expect(splits.train.count + splits.validation.count + splits.test.count == 4 && splits.classCount == 2)
    }

    @Test func badRecordsAreRefusedNamingTheLine() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let badLabel = try scratch.file("bad.csv", ",spam,text\n0,0,fine\n1,maybe,what\n")
        #expect(throws: TextDataError.malformedLine(path: badLabel.path, line: 3, expected: "number,label,text (label 0 = ham or 1 = spam)", found: "1,maybe,what")) {
            try SMSSpam.messages(contentsOf: badLabel)
        }
        let open = try scratch.file("open.csv", ",spam,text\n0,0,\"never closed\n1,1,x\n")
        do {
            _ = try SMSSpam.messages(contentsOf: open)
            Issue.record("expected an open quote to be refused")
        } catch let TextDataError.malformedLine(path, line, expected, _) {
            #expect(path == open.path && line == 2 && expected == "a closing double quote")
        }
    }
}
