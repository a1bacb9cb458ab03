import Foundation
import Testing
@testable import KLTasks

@Suite struct AANDataTests {
    let tokenizer = ByteTokenizer()

    @Test func readsTheThreeFiles() throws {
        let splits = try AANDataset.load(from: fixtures("text").appendingPathComponent("aan"))
        #expect(splits.vocabularySize == 257 && splits.classCount == 2)
        #expect(splits.train.map(\.label) == [1, 0, 1, 0])
        #expect(splits.validation.map(\.label) == [1, 0])
        #expect(splits.test.map(\.label) == [0, 1])
        let first = splits.train[0]
        #expect(first.isPair)
        #expect(first.tokens == tokenizer.encode("We present a parser that reranks n-best parses."))
        #expect(first.pairedTokens == tokenizer.encode("Minimum error rate training for statistical machine translation."))
        #expect(first.pairedOriginalLength == first.pairedTokens?.count)
        #expect(!first.isTruncated)
        let accented = splits.train[3]
        #expect(tokenizer.decode(accented.tokens) == "Unsupervised construction of large paraphrase corpora \u{2014} a caf\u{E9} study.")
        #expect(accented.originalLength == accented.tokens.count)
        // The parent folder works too.
        #expect(try AANDataset.load(from: fixtures("text")).test == splits.test)
    }

    @Test func cutsToTenThousandBytesThenFourThousandTokens() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let long = String(repeating: "abcdefghi\u{E9}", count: 1000)   // 11 bytes a time: 11,000 bytes
        let url = try scratch.file("pairs.tsv", "1.0\ta\tb\t\(long)\tshort\n")
        let standard = try #require(AANDataset.examples(contentsOf: url).first)
        #expect(standard.tokens == Array(tokenizer.encode(long).prefix(4000)))
        #expect(standard.originalLength == 11_000)
        #expect(standard.pairedTokens == tokenizer.encode("short"))
        #expect(standard.isTruncated)
        // With a longer document length, the 10,000-byte cut is what limits.
        let wide = try #require(AANDataset.examples(contentsOf: url, maximumLength: 20_000).first)
        #expect(wide.tokens == Array(tokenizer.encode(long).prefix(10_000)))
        #expect(wide.originalLength == 11_000)
        let custom = try #require(AANDataset.examples(contentsOf: url, maximumLength: 100, byteCut: 15).first)
        #expect(custom.tokens.count == 15)
    }

    @Test func labelsAreFloatsCastToIntegers() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let url = try scratch.file("pairs.tsv", "1.0\ta\tb\tx\ty\r\n0\ta\tb\tx\ty\r\n 1 \ta\tb\tx\ty\r\n0.5\ta\tb\tx\ty\r\n\r\n\r\n")
        #expect(try AANDataset.examples(contentsOf: url).map(\.label) == [1, 0, 1, 0])
    }

    @Test func malformedLinesNameFileAndLine() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let good = "1\ta\tb\tx\ty\n"
        func read(_ text: String) throws -> [ClassificationExample] {
            try AANDataset.examples(contentsOf: scratch.file("bad.tsv", text))
        }
        let path = scratch.url.appendingPathComponent("bad.tsv").path
        #expect(throws: DataError.missingColumn(path: path, line: 2, expected: 5, found: 4)) { try read(good + "1\ta\tb\tx\n") }
        #expect(throws: DataError.tooManyColumns(path: path, line: 3, expected: 5, found: 6)) { try read(good + good + "1\ta\tb\tx\ty\tz\n") }
        #expect(throws: DataError.missingColumn(path: path, line: 2, expected: 5, found: 1)) { try read(good + "\n" + good) }
        #expect(throws: TextDataError.badNumber(path: path, line: 2, column: "label", text: "yes")) { try read(good + "yes\ta\tb\tx\ty\n") }
        #expect(throws: TextDataError.badNumber(path: path, line: 1, column: "label", text: "nan")) { try read("nan\ta\tb\tx\ty\n") }
        #expect(throws: DataError.labelOutOfRange(path: path, line: 1, label: 2, classCount: 2)) { try read("2.0\ta\tb\tx\ty\n") }
        #expect(throws: DataError.labelOutOfRange(path: path, line: 1, label: -1, classCount: 2)) { try read("-1\ta\tb\tx\ty\n") }
        #expect(throws: DataError.emptySource(path: path, line: 2)) { try read(good + "1\ta\tb\t\ty\n") }
        #expect(throws: TextDataError.noExamples(path: path)) { try read("") }
        let error = try #require(throws: TextDataError.self) { try read(good + "yes\ta\tb\tx\ty\n") }
        #expect(error.description == "\(path):2: bad label: \"yes\" is not a number")
    }

    @Test func missingFilesAreListed() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        try scratch.file(AANDataset.fileNames.train, "1\ta\tb\tx\ty\n")
        #expect(throws: TextDataError.missingInputs(
            directory: scratch.url.path,
            expected: ["new_aan_pairs.train.tsv", "new_aan_pairs.eval.tsv", "new_aan_pairs.test.tsv"],
            missing: ["new_aan_pairs.eval.tsv", "new_aan_pairs.test.tsv"], searched: [])) {
            try AANDataset.load(from: scratch.url)
        }
    }
}

@Suite struct PairBatchTests {
    let pairs = [
        ClassificationExample(tokens: [1, 2, 3], label: 1, pairedTokens: [4]),
        ClassificationExample(tokens: [5], label: 0, pairedTokens: [6, 7, 8, 9]),
    ]

    @Test func pairsArePaddedLikeTheFirstSequence() {
        let batch = ClassificationBatch(examples: pairs)
        #expect(batch.isPaired)
        #expect(batch.tokens == [1, 2, 3, 5, 0, 0])
        #expect(batch.lengths == [3, 1])
        #expect(batch.pairedSequenceLength == 4)
        #expect(batch.pairedTokens == [4, 0, 0, 0, 6, 7, 8, 9])
        #expect(batch.pairedLengths == [1, 4])
        #expect(batch.pairedToken(row: 1, position: 2) == 8)

        let fixed = ClassificationBatch(examples: pairs, paddedLength: 2)
        #expect(fixed.sequenceLength == 2 && fixed.pairedSequenceLength == 2)
        #expect(fixed.pairedTokens == [4, 0, 6, 7])
        #expect(fixed.pairedLengths == [1, 2])
    }

    @Test func singleSequenceBatchesHaveNoPairs() {
        let batch = ClassificationBatch(examples: [ClassificationExample(tokens: [1, 2], label: 0)], paddedLength: 4)
        #expect(!batch.isPaired)
        #expect(batch.pairedTokens.isEmpty && batch.pairedLengths.isEmpty && batch.pairedSequenceLength == 0)
        // A row without a second sequence in a pair batch gets an empty one.
        let mixed = ClassificationBatch(examples: [pairs[0], ClassificationExample(tokens: [9], label: 0)])
        #expect(mixed.pairedLengths == [1, 0])
        #expect(mixed.pairedTokens == [4, 0])
    }

    @Test func theBatcherPassesPairsThrough() throws {
        let examples = try AANDataset.load(from: fixtures("text").appendingPathComponent("aan")).train
        let batcher = Batcher(examples: examples, batchSize: 3, seed: 4)
        for batch in Array(batcher.shuffledBatches(epoch: 1)) + Array(batcher.sequentialBatches()) {
            #expect(batch.isPaired)
            for (row, index) in batch.exampleIndices.enumerated() {
                let second = try #require(examples[index].pairedTokens)
                #expect(batch.pairedLengths[row] == second.count)
                #expect((0..<second.count).map { batch.pairedToken(row: row, position: $0) } == second)
            }
        }
    }

    @Test func codingKeepsSingleExamplesUnchanged() throws {
        let single = ClassificationExample(tokens: [3, 4], label: 1, originalLength: 5)
        let json = try String(decoding: JSONEncoder().encode(single), as: UTF8.self)
        #expect(!json.contains("paired"))
        let old = Data(#"{"tokens":[3,4],"label":1,"originalLength":5}"#.utf8)
        #expect(try JSONDecoder().decode(ClassificationExample.self, from: old) == single)
        let pair = ClassificationExample(tokens: [1], label: 0, pairedTokens: [2, 3], pairedOriginalLength: 9)
        #expect(try JSONDecoder().decode(ClassificationExample.self, from: JSONEncoder().encode(pair)) == pair)
        #expect(pair.isTruncated && !ClassificationExample(tokens: [1], label: 0, pairedTokens: [2]).isTruncated)
        #expect(ClassificationExample(tokens: [1], label: 0, pairedTokens: [2, 3]).pairedOriginalLength == 2)
        #expect(single.pairedOriginalLength == nil && !single.isPair)
    }
}

@Suite struct NewsgroupPairsTests {
    func corpus() throws -> NewsgroupsCorpus {
        try NewsgroupsCorpus(directory: fixtures("text").appendingPathComponent("newsgroups"))
    }

    /// A document's identity: its file and line.
    func identity(_ document: LabeledText) -> String { "\(document.path):\(document.line)" }

    @Test func pairsAreBalancedDistinctAndCorrectlyLabelled() throws {
        let splits = try NewsgroupPairs.pairSplits(of: corpus(), validationFraction: 0.34, seed: 5)
        #expect(splits.train.count == 12 && splits.validation.count == 6 && splits.test.count == 8)
        for pairs in [splits.train, splits.validation, splits.test] {
            #expect(pairs.filter { $0.label == 1 }.count * 2 == pairs.count)
            for pair in pairs {
                #expect((pair.first.label == pair.second.label) == (pair.label == 1))
                #expect(identity(pair.first) != identity(pair.second))
            }
            let unordered = Set(pairs.map { Set([identity($0.first), identity($0.second)]) })
            #expect(unordered.count == pairs.count)
        }
    }

    @Test func noDocumentIsSharedAcrossSplits() throws {
        let corpus = try corpus()
        let splits = try NewsgroupPairs.pairSplits(of: corpus, validationFraction: 0.34, seed: 5)
        func documents(_ pairs: [NewsgroupPairs.Pair]) -> Set<String> {
            Set(pairs.flatMap { [identity($0.first), identity($0.second)] })
        }
        let train = documents(splits.train), validation = documents(splits.validation), test = documents(splits.test)
        #expect(train.isDisjoint(with: validation) && train.isDisjoint(with: test) && validation.isDisjoint(with: test))
        let testFile = try fixtures("text").appendingPathComponent("newsgroups/20newsgroups-test.tab").path
        #expect(test.allSatisfy { $0.hasPrefix(testFile + ":") })
        #expect(!train.contains { $0.hasPrefix(testFile + ":") })
        // The validation documents are the classification task's validation documents.
        let classification = try NewsgroupsDataset.splits(of: corpus, validationFraction: 0.34, seed: 5)
        let heldOut = NewsgroupsDataset.heldOut(corpus.train, fraction: 0.34, seed: 5).validation
        #expect(validation.isSubset(of: Set(heldOut.map(identity))))
        #expect(classification.validation == heldOut.map { $0.example(maximumLength: ByteTextLength.lraCode) })
    }

    @Test func pairsAreDeterministic() throws {
        let corpus = try corpus()
        let one = try NewsgroupPairs.make(from: corpus, validationFraction: 0.34, seed: 5)
        let two = try NewsgroupPairs.make(from: corpus, validationFraction: 0.34, seed: 5)
        #expect(one.train == two.train && one.validation == two.validation && one.test == two.test)
        let other = try NewsgroupPairs.make(from: corpus, validationFraction: 0.34, seed: 6)
        #expect(other.test != one.test)
        #expect(one.classCount == 2 && one.vocabularySize == 257)
        #expect(one.train.allSatisfy { $0.isPair })
        let fromFiles = try NewsgroupPairs.make(
            from: fixtures("text").appendingPathComponent("newsgroups"), validationFraction: 0.34, seed: 5)
        #expect(fromFiles.test == one.test)
    }

    @Test func examplesAreTheTruncatedDocuments() throws {
        let pairs = try NewsgroupPairs.pairSplits(of: corpus(), validationFraction: 0.34, seed: 5).test
        let examples = try NewsgroupPairs.make(from: corpus(), maximumLength: 10, validationFraction: 0.34, seed: 5).test
        for (pair, example) in zip(pairs, examples) {
            #expect(example.tokens == ByteTokenizer().encode(bytes: pair.first.bytes.prefix(10)))
            #expect(example.pairedTokens == ByteTokenizer().encode(bytes: pair.second.bytes.prefix(10)))
            #expect(example.originalLength == pair.first.bytes.count)
            #expect(example.pairedOriginalLength == pair.second.bytes.count)
            #expect(example.label == pair.label)
        }
    }

    @Test func morePairsPerDocument() throws {
        // 9 test documents, 3 per group, have exactly 9 same-group pairs: all are drawn.
        let splits = try NewsgroupPairs.pairSplits(of: corpus(), validationFraction: 0, pairsPerDocument: 2, seed: 1)
        #expect(splits.train.count == 36 && splits.validation.isEmpty && splits.test.count == 18)
        #expect(splits.train.filter { $0.label == 0 }.count == 18)
        #expect(splits.test.filter { $0.label == 1 }.count == 9)
        #expect(Set(splits.test.map { Set([$0.first.line, $0.second.line]) }).count == 18)
    }

    @Test func poolsTooSmallToPairAreErrors() throws {
        // 10% of 18 documents is 2: they cannot give one same-group and one different-group pair.
        #expect(throws: DataError.self) { try NewsgroupPairs.pairSplits(of: corpus(), validationFraction: 0.1, seed: 5) }
        #expect(throws: DataError.invalidConfiguration("pairsPerDocument must be positive, got 0")) {
            try NewsgroupPairs.pairSplits(of: corpus(), pairsPerDocument: 0)
        }
        let none = try NewsgroupPairs.pairSplits(of: corpus(), validationFraction: 0, seed: 5)
        #expect(none.validation.isEmpty && none.train.count == 18)
    }
}
