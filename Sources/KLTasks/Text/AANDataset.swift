import Foundation

/// LRA's Retrieval task from its released AAN files: `new_aan_pairs.{train,eval,test}.tsv`
/// (under `lra_release/tsv_data/`), pairs of papers labelled 1 when one cites the other.
///
/// The format, as LRA's `matching/input_pipeline.py` reads it: no header; tab-separated with no
/// quote handling; five columns `label`, `id1`, `id2`, `text1`, `text2`. The label is parsed as a
/// floating-point number and cast to an integer (truncated, so `1.0` → 1), which must be 0 or 1.
/// Each text is cut to its first `byteCut` bytes (10,000), then byte-tokenised and truncated to
/// `maximumLength` (4,000) tokens per document: `tokens` is the first paper, `pairedTokens` the
/// second, and the original lengths count every byte of each text. The `eval` file is the
/// validation split. A trailing `\r` and blank lines at the end are tolerated; any other problem
/// (wrong column count, a bad label, an empty text) is an error naming the file and line.
///
/// Memory: an `Int` per token means about 64 KB per full-length pair (the real training file,
/// ~147k pairs, needs several GB).
public enum AANDataset {
    /// LRA's released file names.
    public static let fileNames = (
        train: "new_aan_pairs.train.tsv", validation: "new_aan_pairs.eval.tsv", test: "new_aan_pairs.test.tsv")
    /// The number of classes (no citation link, link).
    public static let classCount = 2
    /// The number of tab-separated columns of every line.
    public static let columnCount = 5

    /// Reads the three files from `directory` (or one level below it). Throws
    /// `TextDataError.missingInputs` when they are not all there, else as `examples(contentsOf:…)`.
    public static func load(
        from directory: URL, maximumLength: Int = ByteTextLength.retrievalDocument,
        byteCut: Int = ByteTextLength.retrievalByteCut
    ) throws -> LabeledSplits {
        try TextParameters.check(maximumLength: maximumLength)
        try TextParameters.check(maximumLength: byteCut, name: "byteCut")
        let names = [fileNames.train, fileNames.validation, fileNames.test]
        let found = try TextInputLocator.directory(holding: names, of: .file, in: directory)
        let splits = try names.map {
            try examples(contentsOf: found.appendingPathComponent($0), maximumLength: maximumLength, byteCut: byteCut)
        }
        return LabeledSplits(train: splits[0], validation: splits[1], test: splits[2],
                             vocabularySize: ByteTokenizer.vocabularySize, classCount: classCount)
    }

    /// The pair examples of one AAN TSV file, in file order (see the type's documentation).
    /// Throws `DataError.missingColumn`/`.tooManyColumns` for a line without exactly five
    /// columns, `TextDataError.badNumber` for a label that is not a number,
    /// `DataError.labelOutOfRange` for one that is not 0 or 1 once cast, `DataError.emptySource`
    /// for an empty text and `TextDataError.noExamples` for a file without lines.
    public static func examples(
        contentsOf url: URL, maximumLength: Int = ByteTextLength.retrievalDocument,
        byteCut: Int = ByteTextLength.retrievalByteCut
    ) throws -> [ClassificationExample] {
        try TextParameters.check(maximumLength: maximumLength)
        try TextParameters.check(maximumLength: byteCut, name: "byteCut")
        let data = try DataFile.read(url, mapped: true)
        let path = url.path
        let tokenizer = ByteTokenizer()
        return try data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var lines = TextFileReader.lines(of: bytes)
            while let last = lines.last, last.isEmpty { lines.removeLast() }
            guard !lines.isEmpty else { throw TextDataError.noExamples(path: path) }
            var examples: [ClassificationExample] = []
            examples.reserveCapacity(lines.count)
            for (index, range) in lines.enumerated() {
                let line = index + 1
                let fields = TextFileReader.fields(of: range, in: bytes)
                if fields.count < columnCount {
                    throw DataError.missingColumn(path: path, line: line, expected: columnCount, found: fields.count)
                }
                if fields.count > columnCount {
                    throw DataError.tooManyColumns(path: path, line: line, expected: columnCount, found: fields.count)
                }
                let label = try Self.label(TextFileReader.text(fields[0], in: bytes), path: path, line: line)
                func document(_ field: Range<Int>) throws -> (tokens: [Int], originalLength: Int) {
                    guard !TextFileReader.isBlank(field, in: bytes) else { throw DataError.emptySource(path: path, line: line) }
                    let cut = field.lowerBound..<Swift.min(field.upperBound, field.lowerBound + byteCut)
                    let tokens = tokenizer.encode(bytes: UnsafeBufferPointer(rebasing: bytes[cut]), maximumLength: maximumLength).tokens
                    return (tokens, field.count)
                }
                let first = try document(fields[3])
                let second = try document(fields[4])
                examples.append(ClassificationExample(
                    tokens: first.tokens, label: label, originalLength: first.originalLength,
                    pairedTokens: second.tokens, pairedOriginalLength: second.originalLength))
            }
            return examples
        }
    }

    /// The label of `text`: parsed as a floating-point number, cast to an integer by truncation
    /// (LRA's `tf.cast`), and required to be 0 or 1.
    static func label(_ text: String, path: String, line: Int) throws -> Int {
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else {
            throw TextDataError.badNumber(path: path, line: line, column: "label", text: text)
        }
        guard value > -1 && value < 2 else {
            throw DataError.labelOutOfRange(path: path, line: line, label: Int(value.rounded(.towardZero).clamped(to: -1e18...1e18)), classCount: classCount)
        }
        return Int(value.rounded(.towardZero))
    }
}

extension Double {
    /// The value limited to `range`.
    fileprivate func clamped(to range: ClosedRange<Double>) -> Double {
        Swift.min(Swift.max(self, range.lowerBound), range.upperBound)
    }
}
