import Foundation
import Testing
@testable import KLTasks

@Suite struct TSVDatasetTests {
    let smallSplits: ListOpsSplits = try! ListOpsGenerator(configuration: .init(
        minLength: 10, maxLength: 50, trainCount: 30, validationCount: 8, testCount: 7, seed: 2)).generate()

    @Test func writtenFilesRoundTrip() throws {
        let directory = try ScratchDirectory()
        defer { directory.cleanUp() }
        let urls = try smallSplits.write(to: directory.url.appendingPathComponent("listops"))
        #expect(urls.train.lastPathComponent == "basic_train.tsv")
        #expect(urls.validation.lastPathComponent == "basic_val.tsv")
        #expect(urls.test.lastPathComponent == "basic_test.tsv")
        let text = try String(contentsOf: urls.validation, encoding: .utf8)
        #expect(text.hasPrefix("Source\tTarget\n"))
        #expect(text.split(separator: "\n").count == 1 + 8)
        let files = try FileManager.default.contentsOfDirectory(atPath: urls.train.deletingLastPathComponent().path)
        #expect(files.sorted() == ["basic_test.tsv", "basic_train.tsv", "basic_val.tsv"])   // no temporary files left
        #expect(try ListOpsSplits(contentsOf: urls.train.deletingLastPathComponent()) == smallSplits)
    }

    @Test func datasetTokenisesAndTruncates() throws {
        let directory = try ScratchDirectory()
        defer { directory.cleanUp() }
        try smallSplits.write(to: directory.url)
        let full = try ListOpsDataset.splits(in: directory.url, maximumLength: nil)
        #expect(full.train.count == 30)
        #expect(full.train.examples.map(\.label) == smallSplits.train.map(\.label))
        #expect(full.train.examples.map(\.tokens.count) == smallSplits.train.map(\.length))
        #expect(full.train.examples[0].tokens == ListOpsTokenizer().encode(smallSplits.train[0].source))
        #expect(ListOpsDataset(smallSplits.train, maximumLength: nil).examples == full.train.examples)

        let cut = try ListOpsDataset(contentsOf: directory.url.appendingPathComponent("basic_test.tsv"), maximumLength: 8)
        for (example, original) in zip(cut.examples, smallSplits.test) {
            #expect(example.tokens.count == 8)
            #expect(example.originalLength == original.length)
            #expect(example.isTruncated)
        }
    }

    @Test func datasetTokenisesExactlyAsTheTokenizer() {
        let tokenizer = ListOpsTokenizer()
        let sources = smallSplits.train.map(\.source) + [
            "( ( ( [MAX 2 ) 9 ) ] )", "[FIRST 3 ] (( )) ( )", "a\tb\nc  [SM", "[MAXIMUMXX 12 [MI ]]",
            "é 3 ( ]", "x\r 3", "", "   ", "( )",
        ]
        for source in sources {
            let expected = tokenizer.encode(source)
            let example = ListOpsDataset([ListOpsExample(source: source, label: 1)], maximumLength: nil).examples[0]
            #expect(example.tokens == expected, "\(source.debugDescription)")
            let cut = ListOpsDataset([ListOpsExample(source: source, label: 1)], maximumLength: 2).examples[0]
            #expect(cut.tokens == Array(expected.prefix(2)))
            #expect(cut.originalLength == expected.count)
        }
    }

    @Test func toleratesCarriageReturnsAndTrailingBlankLines() throws {
        let directory = try ScratchDirectory()
        defer { directory.cleanUp() }
        let file = try directory.file("crlf.tsv", "Source\tTarget\r\n( ( ( [MAX 2 ) 9 ) ] )\t9\r\n[SM 1 2 ]\t 3 \r\n\r\n\n")
        let rows = try TSVDataset(contentsOf: file, classCount: 10).rows
        #expect(rows == [
            .init(source: "( ( ( [MAX 2 ) 9 ) ] )", label: 9, line: 2),
            .init(source: "[SM 1 2 ]", label: 3, line: 3),
        ])
        let headerless = try directory.file("plain.tsv", "a b\t1\n")
        #expect(try TSVDataset(contentsOf: headerless, classCount: 2, requiresHeader: false).rows.count == 1)
    }

    /// Reading `contents` fails with a message that names the file and `line`.
    private func expectError(
        _ contents: String, line: Int, mentioning phrase: String, classCount: Int = 10
    ) throws {
        let directory = try ScratchDirectory()
        defer { directory.cleanUp() }
        let file = try directory.file("bad.tsv", contents)
        do {
            _ = try TSVDataset(contentsOf: file, classCount: classCount)
            Issue.record("expected an error for \(contents.debugDescription)")
        } catch let error as DataError {
            let message = error.description
            #expect(message.contains("bad.tsv:\(line):"), "\(message)")
            #expect(message.contains(phrase), "\(message)")
        }
    }

    @Test func badFilesGiveErrorsWithFileAndLine() throws {
        try expectError("Source\tTarget\n[MAX 1 2 ]\t2\n[MAX 1 2 ] 2\n", line: 3, mentioning: "missing column")
        try expectError("Source\tTarget\n[MAX 1 2 ]\t2\tx\n", line: 2, mentioning: "too many columns")
        try expectError("Source\tTarget\n[MAX 1 2 ]\t2\n[MIN 1 2 ]\ttwo\n", line: 3, mentioning: "not an integer")
        try expectError("Source\tTarget\n[MAX 1 2 ]\t2\n\n[MIN 1 2 ]\t1.5\n", line: 3, mentioning: "missing column")
        try expectError("Source\tTarget\n[MAX 1 2 ]\t10\n", line: 2, mentioning: "out of range 0..<10")
        try expectError("Source\tTarget\n[MAX 1 2 ]\t-1\n", line: 2, mentioning: "out of range")
        try expectError("Source\tTarget\n\t1\n", line: 2, mentioning: "source column is empty")
        try expectError("", line: 1, mentioning: "empty")
        try expectError("\n\r\n", line: 1, mentioning: "empty")
        try expectError("[MAX 1 2 ]\t2\n", line: 1, mentioning: "missing header")
    }

    @Test func unreadableFilesAreReported() throws {
        let directory = try ScratchDirectory()
        defer { directory.cleanUp() }
        let missing = directory.url.appendingPathComponent("absent.tsv")
        #expect {
            try TSVDataset(contentsOf: missing, classCount: 10)
        } throws: { error in
            (error as? DataError)?.description.contains("absent.tsv") == true
                && (error as? DataError)?.description.contains("no such file") == true
        }
        #expect(throws: DataError.self) { try TSVDataset(contentsOf: directory.url, classCount: 10) }
    }

    @Test func locatesEitherNamingScheme() throws {
        let directory = try ScratchDirectory()
        defer { directory.cleanUp() }
        let row = "Source\tTarget\n[MAX 1 2 ]\t2\n"
        do {
            _ = try ListOpsFiles.locate(in: directory.url)
            Issue.record("expected missingSplits")
        } catch let error as DataError {
            for name in ["basic_train.tsv", "basic_val.tsv", "basic_test.tsv", "train.tsv", "valid.tsv", "test.tsv"] {
                #expect(error.description.contains(name))
            }
        }
        for name in ["train.tsv", "valid.tsv", "test.tsv"] { _ = try directory.file(name, row) }
        #expect(try ListOpsFiles.locate(in: directory.url).validation.lastPathComponent == "valid.tsv")
        for name in ["basic_train.tsv", "basic_val.tsv", "basic_test.tsv"] { _ = try directory.file(name, row) }
        #expect(try ListOpsFiles.locate(in: directory.url).validation.lastPathComponent == "basic_val.tsv")
    }

    @Test func atomicWritesReplaceTheWholeFile() throws {
        let directory = try ScratchDirectory()
        defer { directory.cleanUp() }
        let file = directory.url.appendingPathComponent("out.txt")
        try AtomicFile.write("first version, longer\n", to: file)
        try AtomicFile.write(Data("second\n".utf8), to: file)
        #expect(try String(contentsOf: file, encoding: .utf8) == "second\n")
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try AtomicFile.write(to: file) { writer in
                try writer.write("partial")
                throw Stop()
            }
        }
        #expect(try String(contentsOf: file, encoding: .utf8) == "second\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["out.txt"])
        let nowhere = directory.url.appendingPathComponent("no/such/dir/file.txt")
        #expect(throws: DataError.self) { try AtomicFile.write("x", to: nowhere) }
    }
}
