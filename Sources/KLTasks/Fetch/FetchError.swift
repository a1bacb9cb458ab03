/// Why `DataFetcher` could not fetch a data set or accept a file.
///
/// Every case that involves the network or an external tool carries `instructions`: what to
/// install, or which file to download by hand and where to put it, so a user on a machine
/// without the tool or the registry can still finish the job.
public enum FetchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A file's SHA-256 is not the pinned one; the file was deleted.
    case hashMismatch(path: String, expected: String, actual: String)
    /// A program the fetch needs is not installed (not found on `PATH`).
    case toolMissing(tool: String, instructions: String)
    /// A program ran but failed; `errorOutput` is the end of what it wrote to standard error.
    case commandFailed(command: String, status: Int32, errorOutput: String, instructions: String)
    /// A download finished but the expected archive is not among the files it left.
    case downloadMissing(expected: String, directory: String, found: [String], instructions: String)
    /// An archive was unpacked but a pinned member is not in it.
    case memberMissing(archive: String, member: String)

    /// A message naming the file or command, what went wrong, and what to do about it.
    public var description: String {
        switch self {
        case .hashMismatch(let path, let expected, let actual):
            return "\(path): SHA-256 mismatch: expected \(expected), got \(actual); the file was refused and deleted"
        case .toolMissing(let tool, let instructions):
            return "`\(tool)` is not installed (not found on PATH). \(instructions)"
        case .commandFailed(let command, let status, let errorOutput, let instructions):
            let detail = errorOutput.isEmpty ? "" : ":\n\(errorOutput)"
            return "`\(command)` failed with exit status \(status)\(detail)\n\(instructions)"
        case .downloadMissing(let expected, let directory, let found, let instructions):
            let listing = found.isEmpty ? "nothing" : found.joined(separator: ", ")
            return "the download left \(listing) in \(directory), not the expected \(expected). \(instructions)"
        case .memberMissing(let archive, let member):
            return "\(archive): the archive does not contain \(member)"
        }
    }
}
