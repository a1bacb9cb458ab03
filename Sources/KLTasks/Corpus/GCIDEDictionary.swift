import Foundation

/// The GNU Collaborative International Dictionary of English as Debian's `dict-gcide` ships it
/// for dictd (`FetchableDataset.gcide`), as a language-model corpus of runs of whole entries.
///
/// `gcide.dict.dz` is a dictzip file, which is gzip with a random-access table in the header's
/// extra field, so zlib inflates it like any gzip file (40 MB of ASCII text). `gcide.index` says
/// where each entry starts: one line per headword, `headword<TAB>offset<TAB>length`, the numbers
/// in dictd's base-64 digits (`A`–`Z`, `a`–`z`, `0`–`9`, `+`, `/`). Entries are cut at the
/// distinct offsets; the `00-…` headwords are dictd's metadata (database name, URL, licence
/// notice) and the bytes before the first real entry are dropped.
///
/// A document is a run of consecutive entries of at least `documentBytes` bytes (64 KiB by
/// default, about 600 documents). Entries one by one would be too short for a useful context
/// (320 bytes on average) and would scatter one word's family (`Affect`, v.; `Affect`, n.;
/// `Affectation` …), which sit next to one another, over train and test; an alphabetical run
/// keeps them together, so held-out documents measure text the model has not seen.
///
/// The text is UTF-8 but for three stray Windows-1252 bytes (two apostrophes and a ç in the
/// version pinned); a byte that is not part of valid UTF-8 becomes U+FFFD in its document, so
/// every document is valid UTF-8 while the index's byte offsets still address the raw text.
public enum GCIDEDictionary {
    /// The two files of the dictd database.
    public static let fileNames = (dictionary: "gcide.dict.dz", index: "gcide.index")
    /// The default smallest size of a document in bytes (the last one may be smaller).
    public static let defaultDocumentBytes = 1 << 16

    /// The corpus from the two files in `directory` (the fetched folder, or
    /// `/usr/share/dictd/` where the package is installed).
    public static func corpus(in directory: URL, documentBytes: Int = defaultDocumentBytes) throws -> TextCorpus {
        try corpus(dictionary: directory.appendingPathComponent(fileNames.dictionary),
                   index: directory.appendingPathComponent(fileNames.index), documentBytes: documentBytes)
    }

    /// The corpus from the dictzip text `dictionary` and its `index`. A missing file throws
    /// `DataError.unreadableFile`, so does a dictionary that is not valid gzip data (with zlib's
    /// reason); an empty one throws `DataError.emptyFile`, and an index line that is not three
    /// fields with in-range numbers `TextDataError.malformedLine`: each names its file.
    public static func corpus(dictionary: URL, index: URL, documentBytes: Int = defaultDocumentBytes) throws -> TextCorpus {
        guard documentBytes > 0 else {
            throw DataError.invalidConfiguration("GCIDE documents need a positive size, got \(documentBytes) bytes")
        }
        let compressed = try DataFile.read(dictionary)
        let inflated: [UInt8]
        do {
            inflated = try Zlib.decompress(compressed, format: .gzip, limit: Gzip.outputLimit)
        } catch let error as InflateError {
            throw DataError.unreadableFile(path: dictionary.path, reason: "not a dictzip (gzip) file: \(error)")
        }
        guard !inflated.isEmpty else { throw DataError.emptyFile(path: dictionary.path) }
        let text = inflated
        let entries = try entryRanges(index: DataFile.read(index), path: index.path, textLength: text.count)
        guard !entries.isEmpty else { throw TextDataError.noExamples(path: index.path) }

        var documents: [TextDocument] = []
        var first = 0
        for (position, entry) in entries.enumerated() {
            let start = entries[first].lowerBound
            guard entry.upperBound - start >= documentBytes || position == entries.count - 1 else { continue }
            documents.append(TextDocument(
                source: "\(dictionary.path) entries \(first)..<\(position + 1)",
                bytes: Array(String(decoding: text[start..<entry.upperBound], as: UTF8.self).utf8)))
            first = position + 1
        }
        return TextCorpus(name: FetchableDataset.gcide.rawValue, documents: documents)
    }

    /// The byte ranges of the entries `index` lists (metadata left out), in text order: each from
    /// its offset to the next entry's, the last to its own end.
    static func entryRanges(index data: Data, path: String, textLength: Int) throws -> [Range<Int>] {
        var starts = Set<Int>()
        var end = 0
        try [UInt8](data).withUnsafeBufferPointer { buffer in
            for (number, line) in TextFileReader.lines(of: buffer).enumerated() {
                let fields = TextFileReader.fields(of: line, in: buffer)
                func malformed() -> TextDataError {
                    .malformedLine(path: path, line: number + 1, expected: "headword<TAB>offset<TAB>length (dictd base 64, within the text)",
                                   found: TextFileReader.text(line, in: buffer))
                }
                guard fields.count == 3,
                      let offset = base64Number(buffer[fields[1]]), let length = base64Number(buffer[fields[2]]),
                      offset <= textLength, length <= textLength - offset
                else { throw malformed() }
                if buffer[fields[0]].starts(with: "00-".utf8) { continue }
                starts.insert(offset)
                end = max(end, offset + length)
            }
        }
        let sorted = starts.sorted()
        return sorted.indices.map { sorted[$0]..<(($0 + 1 < sorted.count) ? sorted[$0 + 1] : max(end, sorted[$0])) }
    }

    /// The value of dictd's base-64 number `digits`, or nil when it is empty, holds another byte or
    /// does not fit 48 bits (a text offset never needs more).
    static func base64Number(_ digits: some Collection<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 8 else { return nil }
        var value = 0
        for digit in digits {
            let sextet: Int
            switch digit {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): sextet = Int(digit - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): sextet = Int(digit - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): sextet = Int(digit - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"): sextet = 62
            case UInt8(ascii: "/"): sextet = 63
            default: return nil
            }
            value = value << 6 | sextet
        }
        return value
    }
}
