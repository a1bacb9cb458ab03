import ArgumentParser
import Foundation
import KLTasks

/// How a language-model corpus is read and split: the options `klt data corpus` and `klt pretrain`
/// share, so both see the same documents on the same sides of the split.
struct CorpusOptions: ParsableArguments {
    @Option(help: "For a text file: the line that separates documents (default: blank lines).")
    var separator = ""
    @Option(parsing: .unconditional, help: "Seed of the document split.")
    var dataSeed: UInt64 = 0
    @Option(help: "Where fetched corpora are cached (default: $XDG_CACHE_HOME/klt or ~/.cache/klt).")
    var cacheDir: String?

    /// The corpus `argument` names (shakespeare or gcide, fetched into the cache when needed, or a
    /// text file) and its document splits.
    func load(_ argument: String) throws -> (corpus: TextCorpus, splits: CorpusSplits) {
        let options = try TaskOptions.parse(cacheDir.map { ["--cache-dir", $0] } ?? [])
        let fetcher = DataFetcher(cacheDirectory: options.cacheDirectory.appendingPathComponent("datasets"))
        let corpus = try TextCorpusSource(argument: argument, separator: separator).load(fetcher: fetcher)
        return (corpus, corpus.splits(seed: dataSeed))
    }
}
