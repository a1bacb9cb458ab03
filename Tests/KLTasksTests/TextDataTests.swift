import Foundation
import Testing
@testable import KLTasks

@Suite struct ByteTokenizerTests {
    let tokenizer = ByteTokenizer()

    @Test func idsAreBytesPlusOne() {
        #expect(ByteTokenizer.vocabularySize == 257)
        #expect(ByteTokenizer.paddingID == 0)
        #expect(tokenizer.encode("Ab ") == [66, 99, 33])
        #expect(tokenizer.encode(bytes: [0, 255]) == [1, 256])
        #expect(tokenizer.encode("") == [])
    }

    @Test func nonASCIITextBecomesItsUTF8Bytes() {
        // é = C3 A9, € = E2 82 AC, 😀 = F0 9F 98 80.
        #expect(tokenizer.encode("é") == [0xC3 + 1, 0xA9 + 1])
        #expect(tokenizer.encode("€") == [0xE2 + 1, 0x82 + 1, 0xAC + 1])
        #expect(tokenizer.encode("a😀") == [0x61 + 1, 0xF0 + 1, 0x9F + 1, 0x98 + 1, 0x80 + 1])
        #expect(tokenizer.decode(tokenizer.encode("naïve café 😀")) == "naïve café 😀")
    }

    @Test func truncationKeepsTheFirstBytesAndCountsAll() {
        let (tokens, original) = tokenizer.encode("héllo", maximumLength: 2)
        #expect(tokens == [0x68 + 1, 0xC3 + 1])   // the cut falls inside é, as LRA's does
        #expect(original == 6)
        #expect(tokenizer.decode(tokens) == "h\u{FFFD}")
        let whole = tokenizer.encode("abc", maximumLength: 10)
        #expect(whole.tokens == [98, 99, 100] && whole.originalLength == 3)
        #expect(tokenizer.encode("abc", maximumLength: nil).tokens.count == 3)
    }

    @Test func decodingSkipsPaddingAndForeignIDs() {
        #expect(tokenizer.decodeBytes([105, 0, 106, 0, 300, -1]) == [104, 105])
        #expect(tokenizer.decode([105, 106, 0, 0]) == "hi")
    }
}

@Suite struct IMDbDataTests {
    @Test func readsTheTreeWithTestAsValidation() throws {
        let splits = try IMDbDataset.load(from: fixtures("text").appendingPathComponent("aclImdb"), maximumLength: 1000)
        #expect(splits.vocabularySize == 257)
        #expect(splits.classCount == 2)
        // Negatives first, then positives, each in file-name order (0_9 < 10_10 < 1_7).
        #expect(splits.train.map(\.label) == [0, 0, 1, 1, 1])
        #expect(ByteTokenizer().decode(splits.train[0].tokens) == "A tedious film.<br /><br />I wanted my money back.")
        #expect(ByteTokenizer().decode(splits.train[1].tokens) == "Worst plot ever, and the café scene drags.\n")
        #expect(ByteTokenizer().decode(splits.train[3].tokens) == "Perfect in every way.")
        #expect(splits.test.map(\.label) == [0, 1, 1])
        #expect(splits.validation == splits.test)
    }

    @Test func theParentFolderWorksToo() throws {
        let fromParent = try IMDbDataset.load(from: fixtures("text"))
        let direct = try IMDbDataset.load(from: fixtures("text").appendingPathComponent("aclImdb"))
        #expect(fromParent.train == direct.train)
    }

    @Test func truncatesToTheMaximumLength() throws {
        let splits = try IMDbDataset.load(from: fixtures("text").appendingPathComponent("aclImdb"), maximumLength: 10)
        #expect(splits.train.allSatisfy { $0.tokens.count <= 10 })
        #expect(splits.train[0].tokens.count == 10)
        #expect(splits.train[0].originalLength == 50)
        #expect(splits.train[0].isTruncated)
    }

    @Test func canHoldValidationOutOfTrain() throws {
        let root = try fixtures("text").appendingPathComponent("aclImdb")
        let all = try IMDbDataset.load(from: root).train
        let splits = try IMDbDataset.load(from: root, validation: .heldOutFromTrain(fraction: 0.4), seed: 3)
        #expect(splits.validation.count == 2)
        #expect(splits.train.count == 3)
        #expect(Set(splits.train + splits.validation) == Set(all))
        #expect(splits.test.count == 3)
        let again = try IMDbDataset.load(from: root, validation: .heldOutFromTrain(fraction: 0.4), seed: 3)
        #expect(again.validation == splits.validation)
        #expect(throws: DataError.invalidConfiguration("the held-out validation fraction must be in [0, 1), got 1.5")) {
            try IMDbDataset.load(from: root, validation: .heldOutFromTrain(fraction: 1.5))
        }
    }

    @Test func missingDirectoriesAreListed() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        try scratch.file("aclImdb/train/pos/0_9.txt", "good")
        try scratch.file("aclImdb/train/neg/0_1.txt", "bad")
        try scratch.file("aclImdb/test/pos/0_9.txt", "good")
        let root = scratch.url.appendingPathComponent("aclImdb")
        #expect(throws: TextDataError.missingInputs(
            directory: root.path, expected: IMDbDataset.requiredDirectories, missing: ["test/neg"], searched: ["test", "train"])) {
            try IMDbDataset.load(from: root)
        }
        let error = try #require(throws: TextDataError.self) { try IMDbDataset.load(from: scratch.url) }
        #expect(error.description.contains("train/neg, train/pos, test/neg, test/pos"))
        #expect(throws: DataError.unreadableFile(path: scratch.url.appendingPathComponent("nowhere").path, reason: "no such directory")) {
            try IMDbDataset.load(from: scratch.url.appendingPathComponent("nowhere"))
        }
    }

    @Test func unreadableAndEmptyReviewsAreErrors() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        for folder in ["train/pos", "train/neg", "test/pos"] { try scratch.file("\(folder)/0_5.txt", "text") }
        let empty = try scratch.file("test/neg/0_1.txt", " \n")
        #expect(throws: DataError.emptySource(path: empty.path, line: 1)) { try IMDbDataset.load(from: scratch.url) }
        try scratch.file("test/neg/0_1.txt", "bad")
        let directory = scratch.url.appendingPathComponent("test/neg/2_2.txt")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        #expect(throws: DataError.unreadableFile(path: directory.path, reason: "it is a directory")) {
            try IMDbDataset.load(from: scratch.url)
        }
        try FileManager.default.removeItem(at: directory)
        try FileManager.default.removeItem(at: scratch.url.appendingPathComponent("test/neg/0_1.txt"))
        #expect(throws: TextDataError.noExamples(path: scratch.url.appendingPathComponent("test/neg").path)) {
            try IMDbDataset.load(from: scratch.url)
        }
    }
}

@Suite struct NewsgroupsDataTests {
    @Test func parsesTheOrangeTabFiles() throws {
        let corpus = try NewsgroupsCorpus(directory: fixtures("text").appendingPathComponent("newsgroups"))
        #expect(corpus.categories == ["alt.atheism", "comp.graphics", "sci.space"])
        #expect(corpus.train.count == 18)
        #expect(corpus.test.count == 9)
        #expect(corpus.train[0].label == 0 && corpus.train[1].label == 2 && corpus.train[2].label == 1)
        #expect(corpus.train[0].line == 5)   // three header lines and a blank line come first
        #expect(String(decoding: corpus.train[0].bytes, as: UTF8.self) == "is there any evidence for the existence of god")
        #expect(corpus.test.map(\.label) == [2, 0, 1, 2, 0, 1, 2, 0, 1])
    }

    @Test func classificationSplits() throws {
        let directory = try fixtures("text").appendingPathComponent("newsgroups")
        let splits = try NewsgroupsDataset.load(from: directory, maximumLength: 1000, validationFraction: 0.25, seed: 7)
        #expect(splits.classCount == 3 && splits.vocabularySize == 257)
        #expect(splits.train.count == 13 && splits.validation.count == 5 && splits.test.count == 9)
        let corpus = try NewsgroupsCorpus(directory: directory)
        #expect(Set(splits.train + splits.validation) == Set(corpus.train.map { $0.example(maximumLength: 1000) }))
        #expect(splits.test == corpus.test.map { $0.example(maximumLength: 1000) })
        let again = try NewsgroupsDataset.load(from: directory, maximumLength: 1000, validationFraction: 0.25, seed: 7)
        #expect(again.validation == splits.validation)
        let other = try NewsgroupsDataset.load(from: directory, maximumLength: 1000, validationFraction: 0.25, seed: 8)
        #expect(other.validation != splits.validation)
        let short = try NewsgroupsDataset.load(from: directory, maximumLength: 12, validationFraction: 0.25, seed: 7)
        #expect(short.train.allSatisfy { $0.tokens.count == 12 && $0.isTruncated })
        #expect(short.validation.map(\.originalLength) == splits.validation.map(\.tokens.count))
    }

    @Test func findsColumnsByNameAndSkipsBlankLines() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let url = try scratch.file("t.tab", "Text\tid\tCategory\r\nstring\tc\td\r\nmeta\t\tclass\r\n\r\nsome words\t1\tb.group\r\n\r\nmore words\t2\ta.group\r\n")
        let table = try OrangeTextTable(contentsOf: url)
        #expect(table.rows == [
            OrangeTextTable.Row(category: "b.group", text: Array("some words".utf8), line: 5),
            OrangeTextTable.Row(category: "a.group", text: Array("more words".utf8), line: 7),
        ])
    }

    @Test func malformedTabFilesNameTheLine() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let header = "Category\tText\nd\tstring\nclass\t\n"
        func table(_ text: String) throws -> OrangeTextTable { try OrangeTextTable(contentsOf: scratch.file("x.tab", text)) }
        let path = scratch.url.appendingPathComponent("x.tab").path

        #expect(throws: TextDataError.badHeader(path: path, line: 1, expected: "tab-separated column names including Category and Text", found: "Label\tText")) {
            try table("Label\tText\nd\tstring\nclass\t\nx\ty\n")
        }
        // The types line missing: line 2 is the flags line.
        #expect(throws: TextDataError.badHeader(path: path, line: 2, expected: "the types line, with type s, string or text for the Text column", found: "class\t")) {
            try table("Category\tText\nclass\t\n\nalt.atheism\tsome text\n")
        }
        // The flags line missing: line 3 is a data row.
        #expect(throws: TextDataError.badHeader(path: path, line: 3, expected: "the flags line (class, meta, ignore, weight or key=value per column)", found: "alt.atheism\tsome text")) {
            try table("Category\tText\nd\tstring\nalt.atheism\tsome text\n")
        }
        #expect(throws: TextDataError.badHeader(path: path, line: 3, expected: "the flags line (class, meta, ignore, weight or key=value per column)", found: "")) {
            try table("Category\tText\nd\tstring\n")
        }
        #expect(throws: DataError.missingColumn(path: path, line: 5, expected: 2, found: 1)) {
            try table(header + "a\tgood text\nb without a tab\n")
        }
        #expect(throws: DataError.tooManyColumns(path: path, line: 4, expected: 2, found: 3)) {
            try table(header + "a\ttext\textra\n")
        }
        #expect(throws: TextDataError.missingValue(path: path, line: 4, column: "Category")) { try table(header + "?\ttext\n") }
        #expect(throws: DataError.emptySource(path: path, line: 4)) { try table(header + "a\t\n") }
        #expect(throws: TextDataError.noExamples(path: path)) { try table(header + "\n") }
        #expect(throws: DataError.emptyFile(path: path)) { try table("") }
        let error = try #require(throws: DataError.self) { try table(header + "a\ttext\textra\n") }
        #expect(error.description.hasPrefix("\(path):4: "))
    }

    @Test func unknownTestCategoryIsAnError() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let header = "Category\tText\nd\tstring\nclass\t\n"
        try scratch.file(NewsgroupsCorpus.fileNames.train, header + "a.group\tone\nb.group\ttwo\n")
        let test = try scratch.file(NewsgroupsCorpus.fileNames.test, header + "a.group\tthree\n\nc.group\tfour\n")
        #expect(throws: TextDataError.unknownCategory(path: test.path, line: 6, category: "c.group", known: ["a.group", "b.group"])) {
            try NewsgroupsCorpus(directory: scratch.url)
        }
    }

    @Test func missingFilesAreNamed() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        try scratch.file("datasets/20newsgroups-train.tab", "")
        #expect(throws: TextDataError.missingInputs(
            directory: scratch.url.path, expected: ["20newsgroups-train.tab", "20newsgroups-test.tab"],
            missing: ["20newsgroups-train.tab", "20newsgroups-test.tab"], searched: ["datasets"])) {
            try NewsgroupsDataset.load(from: scratch.url)
        }
        #expect(throws: DataError.invalidConfiguration("maximumLength must be positive, got 0")) {
            try NewsgroupsDataset.load(from: scratch.url, maximumLength: 0)
        }
    }
}

/// Checks against the real data when `KLT_TEXT_DATA` names a folder holding `newsgroups/` and
/// `sentences/` as `klt data fetch` lays them out (skipped otherwise: the data is never committed).
@Suite struct RealTextDataTests {
    static let root = ProcessInfo.processInfo.environment["KLT_TEXT_DATA"].map { URL(fileURLWithPath: $0) }

    @Test(.enabled(if: RealTextDataTests.root != nil)) func realFileCounts() throws {
        let root = try #require(Self.root)
        let corpus = try NewsgroupsCorpus(directory: root.appendingPathComponent("newsgroups"))
        #expect(corpus.train.count == 11_293 && corpus.test.count == 7_528 && corpus.categories.count == 20)
        let splits = try NewsgroupsDataset.splits(of: corpus, maximumLength: 4000)
        #expect(splits.train.count == 10_164 && splits.validation.count == 1_129 && splits.classCount == 20)
        let pairs = try NewsgroupPairs.make(from: corpus)
        #expect(pairs.train.count == 10_164 && pairs.validation.count == 1_128 && pairs.test.count == 7_528)
        #expect(pairs.test.filter { $0.label == 1 }.count == 3_764)
        let sentences = try SentencePolarity.sentences(
            contentsOf: root.appendingPathComponent("sentences/\(SentencePolarity.fileName)"))
        #expect(sentences.count == 10_568)
        #expect(sentences.filter { $0.label == 1 }.count == 5_242)
        let questions = try TRECQuestions.questions(contentsOf: root.appendingPathComponent("sentences/\(TRECQuestions.fileName)"))
        #expect(questions.count == 5_382)
    }
}
