import Foundation

/// One batch's metadata file, `<difficulty>/metadata/<batch>.npy`: one line per image naming its
/// PNG and label.
///
/// Despite the extension, LRA's release holds UTF-8 text, one image per line, 11 space-separated
/// fields (data spec §3.4):
/// `imgs/<batch> sample_<i>.png <i> <label> <continuity> <contour_length> <distractor_length>
/// <paddle_length> <paddle_thickness> <margin> <n_paddle_contrasts>`, e.g.
/// `imgs/0 sample_0.png 0 1 1.0 14 4 2 0.5 1 1`. Only fields 0 (folder), 1 (file name) and 3
/// (label) are used. The original generator wrote a real NumPy array of the same strings; such
/// binary files (`\x93NUMPY` header, a 2-D little-endian `<U` or byte-string `|S` array in C
/// order) are read too.
public struct PathfinderMetadata: Hashable, Sendable {
    /// One image's line.
    public struct Entry: Hashable, Sendable {
        /// Field 0: the image's folder relative to the difficulty directory (`imgs/0`).
        public var folder: String
        /// Field 1: the PNG's file name (`sample_0.png`).
        public var fileName: String
        /// Field 3: the label, 0 or 1.
        public var label: Int
        /// The 1-based line (text) or row (NumPy) in the metadata file, for error messages.
        public var line: Int

        /// An entry from its fields.
        public init(folder: String, fileName: String, label: Int, line: Int) {
            self.folder = folder
            self.fileName = fileName
            self.label = label
            self.line = line
        }

        /// `folder/fileName`, relative to the difficulty directory.
        public var relativePath: String { folder + "/" + fileName }
    }

    /// The file's entries in order.
    public var entries: [Entry]

    /// Entries from their values.
    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// Reads a metadata file (text or NumPy). Errors name the file and the 1-based line.
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw DataError.unreadableFile(path: url.path, reason: (error as NSError).localizedDescription)
        }
        let bytes = [UInt8](data)
        if bytes.starts(with: NumPyStringArray.magic) {
            let rows = try NumPyStringArray(bytes, path: url.path).rows
            entries = try rows.enumerated().map { try Self.entry(fields: $0.element, path: url.path, line: $0.offset + 1) }
        } else {
            self = try Self(parsing: bytes, path: url.path)
        }
    }

    /// Parses the text format; `path` names the file in errors. Blank lines are skipped and a
    /// trailing `\r` is ignored.
    public init(parsing text: [UInt8], path: String) throws {
        var entries: [Entry] = []
        for (number, line) in text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            guard let string = String(validating: line, as: UTF8.self) else {
                throw DataError.invalidEncoding(path: path, line: number + 1)
            }
            let fields = string.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            if fields.isEmpty { continue }
            entries.append(try Self.entry(fields: fields, path: path, line: number + 1))
        }
        self.entries = entries
    }

    /// The line for image `index` of batch `batch`, with the generator's fixed parameters
    /// (continuity 1.0, paddle length 2, thickness 0.5, margin 1, one paddle contrast).
    public static func line(batch: Int, index: Int, label: Int, contourLength: Int, distractorLength: Int) -> String {
        "imgs/\(batch) sample_\(index).png \(index) \(label) 1.0 \(contourLength) \(distractorLength) 2 0.5 1 1"
    }

    /// Checks one line's fields: at least four, a label of 0 or 1, and a folder and file name
    /// that stay inside the data directory.
    private static func entry(fields: [String], path: String, line: Int) throws -> Entry {
        func fail(_ reason: String) -> PathfinderError { .badMetadataLine(path: path, line: line, reason: reason) }
        guard fields.count >= 4 else { throw fail("expected at least 4 space-separated fields, found \(fields.count)") }
        guard let label = Int(fields[3]), label == 0 || label == 1 else {
            throw fail("the label (field 4) is \(DataError.quoted(fields[3])), expected 0 or 1")
        }
        for field in fields[0...1] {
            let parts = field.split(separator: "/")
            guard !field.hasPrefix("/"), !parts.contains(".."), !parts.isEmpty else {
                throw fail("the image path \(DataError.quoted(field)) must be relative and stay inside the data directory")
            }
        }
        return Entry(folder: fields[0], fileName: fields[1], label: label, line: line)
    }
}
