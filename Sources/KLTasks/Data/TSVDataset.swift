import Foundation

/// The rows of an LRA-style two-column TSV file (`source\tlabel`, under a `Source\tTarget`
/// header), checked line by line; also writes such files.
///
/// This is the format of LRA's ListOps release (`basic_{train,val,test}.tsv`), of the files the
/// KL-Transformer code read (`{train,valid,test}.tsv`) and of what `ListOpsSplits.write(to:)`
/// produces. LRA wrote them with Python's `csv.writer`, whose line ends are `\r\n`, so a trailing
/// `\r` is tolerated on every line; there is no quoting. Every problem is reported as a
/// `DataError` naming the path and the 1-based line, never as a crash.
public struct TSVDataset: Hashable, Sendable {
    /// One data row.
    public struct Row: Hashable, Sendable {
        /// The text column (for ListOps, the serialised expression).
        public var source: String
        /// The class label, in `0 ..< classCount`.
        public var label: Int
        /// The row's 1-based line number in the file (the header is line 1).
        public var line: Int

        /// A row from its fields.
        public init(source: String, label: Int, line: Int) {
            self.source = source
            self.label = label
            self.line = line
        }
    }

    /// The header line LRA writes (`Source`, tab, `Target`).
    public static let header = "Source\tTarget"

    /// The file the rows came from.
    public let url: URL
    /// The rows in file order.
    public var rows: [Row]

    /// Reads and checks `url`. Each data line must be `source`, a tab, then an integer label in
    /// `0 ..< classCount` (spaces around the label are allowed); the source must not be empty.
    /// With `requiresHeader` the first line must be `Source\tTarget`; without it, a first line
    /// equal to the header is still skipped. Blank lines at the end of the file are ignored.
    public init(contentsOf url: URL, classCount: Int, requiresHeader: Bool = true) throws {
        precondition(classCount > 0, "classCount must be positive, got \(classCount)")
        let path = url.path
        let data = try DataFile.read(url, mapped: true)
        self.url = url
        rows = try data.withUnsafeBytes { raw in
            try Self.parse(raw.bindMemory(to: UInt8.self), path: path, classCount: classCount, requiresHeader: requiresHeader)
        }
    }

    /// Writes `rows` (source, label) to `url` atomically, under the `Source\tTarget` header, with
    /// `\n` line ends. Sources must not contain tabs or line breaks (the format has no quoting).
    public static func write(_ rows: some Sequence<(String, Int)>, to url: URL) throws {
        try AtomicFile.write(to: url) { writer in
            try writer.write(header + "\n")
            for (source, label) in rows {
                precondition(
                    !source.utf8.contains(where: { $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }),
                    "a TSV source must not contain tabs or line breaks")
                try writer.write(source)
                try writer.write("\t\(label)\n")
            }
        }
    }

    /// Splits the file's bytes into lines and checks them (see `init(contentsOf:classCount:requiresHeader:)`).
    private static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, path: String, classCount: Int, requiresHeader: Bool
    ) throws -> [Row] {
        var lines = TextFileReader.lines(of: bytes)
        // Trailing blank lines are not rows.
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        guard !lines.isEmpty else { throw DataError.emptyFile(path: path) }

        func text(_ range: Range<Int>, line: Int) throws -> String {
            try TextFileReader.strictText(range, in: bytes, path: path, line: line)
        }

        var first = 0
        var firstLine = try text(lines[0], line: 1)
        if firstLine.hasPrefix("\u{FEFF}") { firstLine.removeFirst() }   // a UTF-8 byte-order mark
        if firstLine == header {
            first = 1
        } else if requiresHeader {
            throw DataError.missingHeader(path: path, expected: header, found: firstLine)
        }

        var rows: [Row] = []
        rows.reserveCapacity(lines.count - first)
        for index in first..<lines.count {
            let line = index + 1
            let range = lines[index]
            var tabs: [Int] = []
            for position in range where bytes[position] == UInt8(ascii: "\t") {
                tabs.append(position)
                if tabs.count > 1 { break }
            }
            if tabs.isEmpty {
                throw DataError.missingColumn(path: path, line: line, expected: 2, found: 1)
            }
            if tabs.count > 1 {
                let columns = 1 + range.reduce(0) { $0 + (bytes[$1] == UInt8(ascii: "\t") ? 1 : 0) }
                throw DataError.tooManyColumns(path: path, line: line, expected: 2, found: columns)
            }
            let source = try text(range.lowerBound..<tabs[0], line: line)
            let labelText = try text((tabs[0] + 1)..<range.upperBound, line: line)
            guard let label = Int(labelText.trimmingCharacters(in: .whitespaces)) else {
                throw DataError.badLabel(path: path, line: line, text: labelText)
            }
            guard (0..<classCount).contains(label) else {
                throw DataError.labelOutOfRange(path: path, line: line, label: label, classCount: classCount)
            }
            guard !source.allSatisfy(\.isWhitespace) else {
                throw DataError.emptySource(path: path, line: line)
            }
            rows.append(Row(source: source, label: label, line: line))
        }
        return rows
    }
}
