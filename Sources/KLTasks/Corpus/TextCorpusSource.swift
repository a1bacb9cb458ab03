import Foundation

/// Where a language-model corpus comes from, as a `--corpus` option names it: one of the fetched
/// corpora (`shakespeare`, `gcide`) or a UTF-8 text file by path.
public enum TextCorpusSource: Hashable, Sendable {
    /// Shakespeare's plays and poems, fetched (`FetchableDataset.shakespeare`).
    case shakespeare
    /// The GCIDE dictionary, fetched (`FetchableDataset.gcide`).
    case gcide
    /// A text file whose documents are delimited by lines equal to `separator` (blank lines when
    /// empty; see `PlainTextCorpus`).
    case file(URL, separator: String)

    /// The source an argument names: `shakespeare` or `gcide`, else a file path (lines equal to
    /// `separator` delimit its documents).
    public init(argument: String, separator: String = "") {
        switch argument {
        case FetchableDataset.shakespeare.rawValue: self = .shakespeare
        case FetchableDataset.gcide.rawValue: self = .gcide
        default: self = .file(URL(fileURLWithPath: argument), separator: separator)
        }
    }

    /// The corpus, fetching it first with `fetcher` when it is a fetched one and not yet in the
    /// cache. Throws what the fetch or the loader throws, naming the file at fault.
    public func load(fetcher: DataFetcher) throws -> TextCorpus {
        switch self {
        case .shakespeare: return try ShakespearePlays.corpus(in: fetcher.fetch(.shakespeare))
        case .gcide: return try GCIDEDictionary.corpus(in: fetcher.fetch(.gcide))
        case .file(let url, let separator): return try PlainTextCorpus.corpus(contentsOf: url, separator: separator)
        }
    }
}
