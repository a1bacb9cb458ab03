import Foundation

/// One document of a language-model corpus (a play, a run of dictionary entries, a block of a
/// text file): the unit that train, validation and test splits are cut by, so no document's text
/// lands in two splits.
public struct TextDocument: Hashable, Sendable {
    /// Where the document comes from, for messages and listings: a file path, with the part of the
    /// file it covers where the file holds several documents.
    public var source: String
    /// The document's text as UTF-8 bytes (checked to be valid UTF-8 by every loader).
    public var bytes: [UInt8]

    /// A document from its source and bytes.
    public init(source: String, bytes: [UInt8]) {
        self.source = source
        self.bytes = bytes
    }

    /// The document's text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The bytes of `data`, read from `path`, once they are known to be valid, non-empty UTF-8:
    /// else `DataError.emptyFile` or `DataError.invalidEncoding` naming the first bad line.
    static func validatedUTF8(_ data: Data, path: String) throws -> [UInt8] {
        let bytes = [UInt8](data)
        guard !bytes.isEmpty else { throw DataError.emptyFile(path: path) }
        guard String(validating: bytes, as: UTF8.self) == nil else { return bytes }
        // The line breaks are ASCII, so a bad sequence lies within one line, which `firstIndex`
        // finds (it cannot come back nil; line 1 is said if it did).
        let badLine = bytes.withUnsafeBufferPointer { buffer in
            TextFileReader.lines(of: buffer).firstIndex {
                String(validating: UnsafeBufferPointer(rebasing: buffer[$0]), as: UTF8.self) == nil
            }
        }
        throw DataError.invalidEncoding(path: path, line: (badLine ?? 0) + 1)
    }
}
