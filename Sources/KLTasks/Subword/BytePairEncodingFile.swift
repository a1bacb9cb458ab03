import Foundation

/// The JSON side file of a `BytePairEncoding`, small enough to sit beside a checkpoint (about
/// 14 bytes per merge) and readable by eye: one merge per line, as the ids it joins.
///
///     {
///       "format": "klt-byte-pair-encoding",
///       "version": 1,
///       "paddingID": 0,
///       "maskID": 257,
///       "vocabularySize": 260,
///       "merges": [
///         [105, 102],
///         [33, 258]
///       ]
///     }
///
/// The reserved ids are written out so a reader in another language need not know them, and are
/// checked on reading, as are the size and every merge (`BytePairEncoding.problem(in:)`).
extension BytePairEncoding {
    /// The `format` value the file must carry.
    public static let fileFormat = "klt-byte-pair-encoding"
    /// The format version this library writes and reads.
    public static let fileVersion = 1

    /// The file's fields, for decoding.
    private struct FileContents: Decodable {
        var format: String
        var version: Int
        var paddingID: Int
        var maskID: Int
        var vocabularySize: Int
        var merges: [[Int]]
    }

    /// The vocabulary in the JSON file at `url`. A missing or unreadable file throws
    /// `DataError.unreadableFile`; anything else wrong (not JSON, another format or version,
    /// other reserved ids, a size that does not match, a merge that is not two earlier ids)
    /// throws `TokenizerFileError.invalid` naming the file.
    public init(contentsOf url: URL) throws {
        try self.init(fileData: DataFile.read(url), source: url.path)
    }

    /// The vocabulary in `data`, the text of such a file (kept elsewhere, say in a checkpoint's
    /// metadata); `source` names where it came from in errors, which are those of `init(contentsOf:)`.
    public init(fileData data: Data, source: String) throws {
        func invalid(_ reason: String) -> TokenizerFileError { .invalid(path: source, reason: reason) }
        let contents: FileContents
        do {
            contents = try JSONDecoder().decode(FileContents.self, from: data)
        } catch {
            throw invalid("not the expected JSON (\(Self.describe(error)))")
        }
        guard contents.format == Self.fileFormat else {
            throw invalid("format is \"\(contents.format)\", expected \"\(Self.fileFormat)\"")
        }
        guard contents.version == Self.fileVersion else {
            throw invalid("version \(contents.version) is not the supported \(Self.fileVersion)")
        }
        guard contents.paddingID == Self.paddingID, contents.maskID == Self.maskID else {
            throw invalid("reserved ids are padding \(contents.paddingID) and mask \(contents.maskID), expected \(Self.paddingID) and \(Self.maskID)")
        }
        let merges = try contents.merges.enumerated().map { rank, pair in
            guard pair.count == 2 else { throw invalid("merge \(rank) has \(pair.count) ids, expected 2") }
            return Merge(pair[0], pair[1])
        }
        if let problem = Self.problem(in: merges) { throw invalid(problem) }
        guard contents.vocabularySize == Self.firstMergeID + merges.count else {
            throw invalid("vocabularySize is \(contents.vocabularySize), but \(merges.count) merges make \(Self.firstMergeID + merges.count)")
        }
        self.init(merges: merges)
    }

    /// The file's text (the format above).
    public var fileText: String {
        let merges = self.merges.map { "    [\($0.left), \($0.right)]" }.joined(separator: ",\n")
        return """
            {
              "format": "\(Self.fileFormat)",
              "version": \(Self.fileVersion),
              "paddingID": \(Self.paddingID),
              "maskID": \(Self.maskID),
              "vocabularySize": \(vocabularySize),
              "merges": [\(merges.isEmpty ? "" : "\n" + merges + "\n  ")]
            }

            """
    }

    /// Writes the vocabulary to `url` as JSON, atomically (a reader never sees half a file);
    /// throws `DataError.unwritableFile` when it cannot.
    public func write(to url: URL) throws {
        try AtomicFile.write(Data(fileText.utf8), to: url)
    }

    /// A short account of a decoding error: what is wrong, and where in the JSON.
    private static func describe(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return error.localizedDescription }
        func at(_ path: [CodingKey]) -> String {
            path.isEmpty ? "" : " at " + path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .dataCorrupted(let context): return "invalid JSON\(at(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context): return "missing \"\(key.stringValue)\"\(at(context.codingPath))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type\(at(context.codingPath)): \(context.debugDescription)"
        @unknown default: return error.localizedDescription
        }
    }
}
