import Foundation

/// Any UTF-8 text file as a language-model corpus (for a `--corpus FILE` option): its documents
/// are the stretches of lines between separator lines.
///
/// By default a separator line is a blank one (empty, or only spaces and tabs), so a file of
/// paragraphs gives one document per paragraph; a file of whole documents can mark their
/// boundaries with a line of its own choosing (say `<|endoftext|>`) and pass that as `separator`,
/// and blank lines then stay inside documents. A run of separator lines is one boundary, the
/// separators themselves belong to no document, and a document keeps its inner line breaks
/// (without the one that ends its last line).
public enum PlainTextCorpus {
    /// The corpus of the file at `url`, cut at lines equal to `separator` (blank lines when it is
    /// empty). A missing or unreadable file throws `DataError.unreadableFile`, an empty one
    /// `DataError.emptyFile`, one that is not UTF-8 `DataError.invalidEncoding` with the line, and
    /// one holding only separators `TextDataError.noExamples`: each names the file.
    public static func corpus(contentsOf url: URL, separator: String = "") throws -> TextCorpus {
        let bytes = try TextDocument.validatedUTF8(DataFile.read(url), path: url.path)
        let marker = Array(separator.utf8)
        var documents: [TextDocument] = []
        bytes.withUnsafeBufferPointer { buffer in
            var start: Int?, end = 0
            func close() {
                guard let first = start else { return }
                documents.append(TextDocument(source: "\(url.path) bytes \(first)..<\(end)", bytes: Array(buffer[first..<end])))
                start = nil
            }
            for line in TextFileReader.lines(of: buffer) {
                let isSeparator = marker.isEmpty
                    ? TextFileReader.isBlank(line, in: buffer)
                    : buffer[line].elementsEqual(marker)
                if isSeparator {
                    close()
                } else {
                    if start == nil { start = line.lowerBound }
                    end = line.upperBound
                }
            }
            close()
        }
        guard !documents.isEmpty else { throw TextDataError.noExamples(path: url.path) }
        return TextCorpus(name: url.path, documents: documents)
    }
}
