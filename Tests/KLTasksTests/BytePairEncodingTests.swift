import Foundation
import Testing
@testable import KLTasks

/// Byte-pair training by the book: recount every pair of every chunk before each merge. Slow, but
/// plainly right; the incremental trainer must learn the same merges.
private func recountingMerges(_ texts: [String], vocabularySize: Int) -> [BytePairEncoding.Merge] {
    var words: [[Int32]: Int] = [:]
    for text in texts {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            ByteChunks.forEach(in: buffer) { words[bytes[$0].map { Int32($0) + 1 }, default: 0] += 1 }
        }
    }
    var merges: [BytePairEncoding.Merge] = []
    while BytePairEncoding.firstMergeID + merges.count < vocabularySize {
        var counts: [UInt64: Int] = [:]
        for (word, count) in words where word.count > 1 {
            for index in 0..<(word.count - 1) { counts[BytePairEncoding.key(word[index], word[index + 1]), default: 0] += count }
        }
        guard let best = counts.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }), best.value >= 2 else { break }
        let left = Int32(best.key >> 32), right = Int32(truncatingIfNeeded: best.key)
        let merged = Int32(BytePairEncoding.firstMergeID + merges.count)
        merges.append(.init(Int(left), Int(right)))
        var next: [[Int32]: Int] = [:]
        for (word, count) in words {
            var symbols = word
            BytePairEncoding.replace(left, right, with: merged, in: &symbols)
            next[symbols, default: 0] += count
        }
        words = next
    }
    return merges
}

/// Seeded pseudo-random text over a small alphabet with spaces, punctuation and line breaks, so
/// chunks repeat and pairs tie often.
private func pseudoRandomText(length: Int, seed: UInt64) -> String {
    let alphabet = Array("aabbcdeé  \n,.7")
    var state = seed
    return String((0..<length).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return alphabet[Int(state >> 33) % alphabet.count]
    })
}

/// A short English text for training small vocabularies.
private let sample = """
    To be, or not to be, that is the question:
    Whether 'tis nobler in the mind to suffer
    The slings and arrows of outrageous fortune,
    Or to take arms against a sea of troubles
    And by opposing end them. To die—to sleep,
    No more; and by a sleep to say we end
    The heart-ache and the thousand natural shocks
    That flesh is heir to: 'tis a consummation
    Devoutly to be wish'd. To die, to sleep;
    """

@Suite struct BytePairEncodingTests {
    @Test func toyCorpusLearnsTheHandComputedMerges() throws {
        // "aaabdaaabac" (ids a=98, b=99, c=100, d=101): "aa" occurs 4 times (overlaps count) →
        // 258; then "aa a" and "a b" tie at 2, and (98, 99) has the smaller ids → "ab" = 259; then
        // "aa ab" (258, 259) occurs twice → 260, and no pair is left twice.
        let encoding = try BytePairEncoding.train(on: [Array("aaabdaaabac".utf8)], vocabularySize: 1000)
        #expect(encoding.merges == [.init(98, 98), .init(98, 99), .init(258, 259)])
        #expect(encoding.vocabularySize == 261)
        #expect(encoding.encode("aaabdaaabac") == [260, 101, 260, 98, 100])
        #expect(encoding.bytes(of: 260) == Array("aaab".utf8))
    }

    @Test func mergesStayInsideChunksAndStopAtTheTargetSize() throws {
        // Chunks "ab", " ab", " ab": "ab" ×3 → 258, then " " + 258 ×2 → 259. The space never
        // joins the "b" before it.
        let texts = [Array("ab ab ab".utf8)]
        #expect(try BytePairEncoding.train(on: texts, vocabularySize: 1000).merges == [.init(98, 99), .init(33, 258)])
        #expect(try BytePairEncoding.train(on: texts, vocabularySize: 259).merges == [.init(98, 99)])
        #expect(try BytePairEncoding.train(on: texts, vocabularySize: 258).merges.isEmpty)
        // Ties go to the smaller ids whatever order the texts come in: "ab" before "cd".
        let forward = try BytePairEncoding.train(on: [Array("cdcd abab".utf8)], vocabularySize: 1000)
        let backward = try BytePairEncoding.train(on: [Array("abab".utf8), Array("cdcd".utf8)], vocabularySize: 1000)
        #expect(forward.merges == [.init(98, 99), .init(100, 101)])
        #expect(backward.merges == forward.merges)
    }

    @Test func incrementalTrainingLearnsWhatRecountingLearns() throws {
        let texts = (0..<4).map { pseudoRandomText(length: 1500, seed: UInt64($0)) } + [sample]
        let trained = try BytePairEncoding.train(on: texts.map { Array($0.utf8) }, vocabularySize: 600)
        #expect(trained.merges.count > 100)
        #expect(trained.merges == recountingMerges(texts, vocabularySize: 600))
    }

    @Test func trainingIsDeterministic() throws {
        let texts = (0..<3).map { Array(pseudoRandomText(length: 3000, seed: 7 + UInt64($0)).utf8) }
        let first = try BytePairEncoding.train(on: texts, vocabularySize: 400)
        let second = try BytePairEncoding.train(on: texts, vocabularySize: 400)
        #expect(first == second)
        #expect(first.vocabularySize == 400)
    }

    @Test func anyUnicodeTextRoundTrips() throws {
        let encoding = try BytePairEncoding.train(on: [Array(sample.utf8)], vocabularySize: 400)
        var texts = [
            "", " ", "\n\n", "\r\n", "\0", "a", sample,
            "naïve café — “quoted” ½ ∑ ∞", "日本語のテキスト", "Ελληνικά και русский", "עברית العربية",
            "e\u{301} combining, 👩‍👩‍👧 family, 🇺🇳 flag, \u{10FFFF} last scalar",
            String(repeating: "-", count: 200) + String(repeating: " ", count: 150) + "x",
            "tabs\tand\u{0B}\u{0C}controls\u{7F}", "to be or not to beeeeeee, 1234567890 2025",
        ]
        // Pseudo-random scalars from every plane (surrogates skipped).
        var state: UInt64 = 42
        for _ in 0..<20 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<40 {
                state = state &* 6_364_136_223_846_793_005 &+ 1
                if let scalar = Unicode.Scalar(UInt32(truncatingIfNeeded: state >> 40) % 0x11_0000) { scalars.append(scalar) }
            }
            texts.append(String(scalars))
        }
        for text in texts {
            let ids = encoding.encode(text)
            #expect(encoding.decode(ids) == text)
            #expect(encoding.decodeBytes(ids) == Array(text.utf8))
            #expect(ids.allSatisfy { (1..<encoding.vocabularySize).contains($0) && $0 != BytePairEncoding.maskID })
            #expect(encoding.encode(bytes: text.utf8) == ids)
        }
        #expect(encoding.encode("to be, or not to be").count < "to be, or not to be".utf8.count)
    }

    @Test func noMergesIsByteLevelTokenisation() {
        let bytes = BytePairEncoding(merges: [])
        #expect(bytes.vocabularySize == ByteTokenizer.vocabularySize + 1)
        for text in [sample, "日本語 ✓", ""] {
            #expect(bytes.encode(text) == ByteTokenizer().encode(text))
        }
        #expect(bytes.decode([0, 105, 106, 257, 9999]) == "hi")
        let tokenizers: [any TextTokenizer] = [ByteTokenizer(), bytes]
        #expect(tokenizers.map(\.vocabularySize) == [257, 258])
    }

    @Test func savedVocabularyLoadsEqual() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let encoding = try BytePairEncoding.train(on: [Array(sample.utf8)], vocabularySize: 300)
        let url = scratch.url.appendingPathComponent("tokenizer.json")
        try encoding.write(to: url)
        let loaded = try BytePairEncoding(contentsOf: url)
        #expect(loaded == encoding)
        #expect(loaded.encode(sample) == encoding.encode(sample))
        #expect(try String(contentsOf: url, encoding: .utf8) == encoding.fileText)

        let empty = scratch.url.appendingPathComponent("bytes.json")
        try BytePairEncoding(merges: []).write(to: empty)
        #expect(try BytePairEncoding(contentsOf: empty).merges.isEmpty)
    }

    @Test(arguments: [
        ("not json", "not the expected JSON"),
        (#"{"format": "other", "version": 1, "paddingID": 0, "maskID": 257, "vocabularySize": 258, "merges": []}"#, "format is \"other\""),
        (#"{"format": "klt-byte-pair-encoding", "version": 2, "paddingID": 0, "maskID": 257, "vocabularySize": 258, "merges": []}"#, "version 2"),
        (#"{"format": "klt-byte-pair-encoding", "version": 1, "paddingID": 0, "maskID": 1, "vocabularySize": 258, "merges": []}"#, "reserved ids"),
        (#"{"format": "klt-byte-pair-encoding", "version": 1, "paddingID": 0, "maskID": 257, "vocabularySize": 259, "merges": [[98, 258]]}"#, "joins id 258"),
        (#"{"format": "klt-byte-pair-encoding", "version": 1, "paddingID": 0, "maskID": 257, "vocabularySize": 260, "merges": [[98, 99], [98, 99]]}"#, "repeats the pair"),
        (#"{"format": "klt-byte-pair-encoding", "version": 1, "paddingID": 0, "maskID": 257, "vocabularySize": 259, "merges": [[0, 99]]}"#, "joins id 0"),
        (#"{"format": "klt-byte-pair-encoding", "version": 1, "paddingID": 0, "maskID": 257, "vocabularySize": 259, "merges": [[98]]}"#, "has 1 ids"),
        (#"{"format": "klt-byte-pair-encoding", "version": 1, "paddingID": 0, "maskID": 257, "vocabularySize": 300, "merges": [[98, 99]]}"#, "vocabularySize is 300"),
        (#"{"format": "klt-byte-pair-encoding", "version": 1, "paddingID": 0, "maskID": 257, "vocabularySize": 258}"#, "missing \"merges\""),
    ])
    func corruptFileIsRefusedNamingIt(contents: String, reason: String) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let url = try scratch.file("broken.json", contents)
        do {
            _ = try BytePairEncoding(contentsOf: url)
            Issue.record("expected \(url.path) to be refused")
        } catch let error as TokenizerFileError {
            #expect(error.description.hasPrefix(url.path + ": "))
            #expect(error.description.contains(reason))
        }
    }

    @Test func missingFileAndTooSmallVocabularyAreRefused() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/tokenizer.json")
        #expect(throws: DataError.self) { try BytePairEncoding(contentsOf: missing) }
        do {
            _ = try BytePairEncoding(contentsOf: missing)
        } catch {
            #expect("\(error)".contains(missing.path))
        }
        #expect(throws: DataError.self) { try BytePairEncoding.train(on: [Array("abc".utf8)], vocabularySize: 257) }
    }

    @Test func chunksCoverTheInputAndGlueOneSpaceToWords() {
        func chunks(_ text: String) -> [String] {
            let bytes = Array(text.utf8)
            var pieces: [String] = []
            bytes.withUnsafeBufferPointer { buffer in
                ByteChunks.forEach(in: buffer) { pieces.append(String(decoding: bytes[$0], as: UTF8.self)) }
            }
            return pieces
        }
        #expect(chunks("To be,   or naïve 42!\n\n") == ["To", " be", ",", "  ", " or", " naïve", " 42", "!", "\n\n"])
        #expect(chunks(String(repeating: "x", count: 130)).map(\.count) == [64, 64, 2])
        #expect(chunks("") == [])
    }
}
