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
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw DataError.unreadableFile(path: path, reason: Self.reason(for: error, path: path))
        }
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
        // Line ranges, without the "\n" and any trailing "\r".
        var lines: [Range<Int>] = []
        var start = 0
        let count = bytes.count
        while start < count {
            var end = start
            while end < count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            var contentEnd = end
            if contentEnd > start && bytes[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
            lines.append(start..<contentEnd)
            start = end + 1
        }
        // Trailing blank lines are not rows.
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        guard !lines.isEmpty else { throw DataError.emptyFile(path: path) }

        func text(_ range: Range<Int>, line: Int) throws -> String {
            guard let string = String(validating: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) else {
                throw DataError.invalidEncoding(path: path, line: line)
            }
            return string
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

    /// A short reason for a failed read: the usual cases in plain words, else Foundation's text.
    private static func reason(for error: Error, path: String) -> String {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) { return "no such file" }
        if isDirectory.boolValue { return "it is a directory" }
        if !FileManager.default.isReadableFile(atPath: path) { return "permission denied" }
        return error.localizedDescription
    }
}
