import Foundation
import Testing
@testable import KLTasks

@Suite struct SentencePolarityTests {
    @Test func readsValenceSignsAndDropsZeros() throws {
        let url = try fixtures("text/sentences").appendingPathComponent(SentencePolarity.fileName)
        let sentences = try SentencePolarity.sentences(contentsOf: url)
        #expect(sentences.count == 9)
        #expect(sentences.map(\.label) == [1, 1, 0, 1, 0, 0, 1, 0, 1])
        #expect(sentences.map(\.line) == [2, 3, 4, 6, 7, 8, 9, 10, 11])
        #expect(String(decoding: sentences[0].bytes, as: UTF8.self) == "The Rock is destined to be the 21st Century's new ''Conan''.")
        // The file is valid UTF-8, so é stays the two bytes C3 A9 (not latin-1 mojibake).
        #expect(String(decoding: sentences[3].bytes, as: UTF8.self) == "In Imax 3 D, the clich\u{E9}s disappear into the vertiginous perspectives.")
    }

    @Test func splitsEightyTenTenDeterministically() throws {
        let directory = try fixtures("text/sentences")
        let splits = try SentencePolarity.load(from: directory, seed: 2)
        #expect(splits.train.count == 7 && splits.validation.count == 1 && splits.test.count == 1)
        #expect(splits.classCount == 2 && splits.vocabularySize == 257)
        let all = try SentencePolarity.sentences(contentsOf: directory.appendingPathComponent(SentencePolarity.fileName))
            .map { $0.example(maximumLength: ByteTextLength.sentence) }
        #expect(Set(splits.train + splits.validation + splits.test) == Set(all))
        let again = try SentencePolarity.load(from: directory.appendingPathComponent(SentencePolarity.fileName), seed: 2)
        #expect(again.train == splits.train && again.test == splits.test)
        // The parent folder works too.
        #expect(try SentencePolarity.load(from: directory.deletingLastPathComponent(), seed: 2).test == splits.test)
        let short = try SentencePolarity.load(from: directory, maximumLength: 5, seed: 2)
        #expect(short.train.allSatisfy { $0.tokens.count == 5 })
    }

    @Test func latin1FilesAreTranscoded() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        // "café" in latin-1 is 63 61 66 E9, which is not valid UTF-8.
        let url = try scratch.write(Data(Array("id\tsentiment\ttext\r\n1\t1.5\tcaf".utf8) + [0xE9] + Array("\r\n2\t-2\tbad".utf8)), to: "rt.txt")
        let sentences = try SentencePolarity.sentences(contentsOf: url)
        #expect(sentences.map(\.bytes) == [Array("café".utf8), Array("bad".utf8)])
        #expect(ByteTokenizer().encode(bytes: sentences[0].bytes) == [100, 98, 103, 0xC3 + 1, 0xA9 + 1])
    }

    @Test func malformedFilesNameTheLine() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let header = "id\tsentiment\ttext\r\n"
        func read(_ text: String) throws -> [LabeledText] { try SentencePolarity.sentences(contentsOf: scratch.file("rt.txt", text)) }
        let path = scratch.url.appendingPathComponent("rt.txt").path
        #expect(throws: DataError.missingHeader(path: path, expected: "id\tsentiment\ttext", found: "1\t2.0\tgood")) {
            try read("1\t2.0\tgood\r\n")
        }
        #expect(throws: DataError.missingColumn(path: path, line: 3, expected: 3, found: 2)) { try read(header + "1\t2\tok\r\n2\t1.0\r\n") }
        #expect(throws: DataError.tooManyColumns(path: path, line: 2, expected: 3, found: 4)) { try read(header + "1\t2\tok\textra\r\n") }
        #expect(throws: TextDataError.badNumber(path: path, line: 2, column: "sentiment", text: "positive")) {
            try read(header + "1\tpositive\tok\r\n")
        }
        #expect(throws: DataError.emptySource(path: path, line: 2)) { try read(header + "1\t2\t \r\n") }
        #expect(throws: TextDataError.noExamples(path: path)) { try read(header + "1\t0.0\tneutral\r\n") }
        #expect(throws: DataError.emptyFile(path: path)) { try read("") }
        let missing = scratch.url.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: missing, withIntermediateDirectories: true)
        #expect(throws: TextDataError.missingInputs(directory: missing.path, expected: [SentencePolarity.fileName], missing: [SentencePolarity.fileName], searched: [])) {
            try SentencePolarity.load(from: missing)
        }
    }
}

@Suite struct TRECQuestionsTests {
    @Test func deduplicatesAndLabelsCoarseClasses() throws {
        let url = try fixtures("text/sentences").appendingPathComponent(TRECQuestions.fileName)
        let questions = try TRECQuestions.questions(contentsOf: url)
        #expect(questions.count == 13)
        #expect(questions.map(\.line) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 14, 15])
        #expect(questions.map(\.label) == [1, 2, 1, 2, 0, 3, 3, 4, 5, 4, 5, 0, 3])
        #expect(String(decoding: questions[0].bytes, as: UTF8.self) == "How did serfdom develop in and then leave Russia ?")
        #expect(questions[7].bytes.contains(0xC2))   // U+00A0 kept as its UTF-8 bytes
        #expect(Set(questions.map(\.label)) == Set(0..<6))
    }

    @Test func splitsEightyTenTenDeterministically() throws {
        let directory = try fixtures("text/sentences")
        let splits = try TRECQuestions.load(from: directory, seed: 9)
        #expect(splits.train.count == 11 && splits.validation.count == 1 && splits.test.count == 1)
        #expect(splits.classCount == 6 && splits.vocabularySize == 257)
        let again = try TRECQuestions.load(from: directory, seed: 9)
        #expect(again.train == splits.train && again.validation == splits.validation)
        let other = try TRECQuestions.load(from: directory, seed: 10)
        #expect(Set(other.train + other.validation + other.test) == Set(splits.train + splits.validation + splits.test))
    }

    @Test func malformedLinesNameTheLine() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        func read(_ text: String) throws -> [LabeledText] { try TRECQuestions.questions(contentsOf: scratch.file("q.txt", text)) }
        let path = scratch.url.appendingPathComponent("q.txt").path
        let expected = "COARSE:fine question (one of ABBR, DESC, ENTY, HUM, LOC, NUM, a colon, a fine label, a space, the question)"
        #expect(throws: TextDataError.malformedLine(path: path, line: 2, expected: expected, found: "What is this ?")) {
            try read("HUM:ind Who ?\nWhat is this ?\n")
        }
        #expect(throws: TextDataError.malformedLine(path: path, line: 1, expected: expected, found: "HUM:ind")) { try read("HUM:ind\n") }
        #expect(throws: TextDataError.unknownCategory(path: path, line: 3, category: "FOO", known: TRECQuestions.classes)) {
            try read("HUM:ind Who ?\n\nFOO:bar What ?\n")
        }
        #expect(throws: DataError.emptySource(path: path, line: 1)) { try read("HUM:ind  \n") }
        #expect(throws: TextDataError.noExamples(path: path)) { try read("\n\n") }
        #expect(throws: DataError.unreadableFile(path: scratch.url.appendingPathComponent("none/q.txt").path, reason: "no such file")) {
            try TRECQuestions.questions(contentsOf: scratch.url.appendingPathComponent("none/q.txt"))
        }
    }
}
