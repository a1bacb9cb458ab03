import Foundation

/// What went wrong while reading, writing or generating a task's data.
///
/// Every case that concerns a file names its path, and every case that concerns a line names its
/// 1-based line number, so `description` reads like a compiler diagnostic (`path:line: message`)
/// and a user can open the file at the offending line. Loaders throw these instead of crashing on
/// bad input.
public enum DataError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    /// The file could not be opened or read (missing, a directory, no permission).
    case unreadableFile(path: String, reason: String)
    /// The file holds no lines at all (zero bytes, or only line breaks).
    case emptyFile(path: String)
    /// The file holds its header but no data rows, so its split would have no examples.
    case noRows(path: String)
    /// The first line is not the required header (`found` is what line 1 held, possibly shortened).
    case missingHeader(path: String, expected: String, found: String)
    /// A row has fewer tab-separated columns than required.
    case missingColumn(path: String, line: Int, expected: Int, found: Int)
    /// A row has more tab-separated columns than allowed.
    case tooManyColumns(path: String, line: Int, expected: Int, found: Int)
    /// A row's label column is not an integer (`text` is the column as found, possibly shortened).
    case badLabel(path: String, line: Int, text: String)
    /// A row's label is an integer outside `0 ..< classCount`.
    case labelOutOfRange(path: String, line: Int, label: Int, classCount: Int)
    /// A row's text column is empty, which would give a sequence of no tokens.
    case emptySource(path: String, line: Int)
    /// A line is not valid UTF-8.
    case invalidEncoding(path: String, line: Int)
    /// None of the known naming schemes is complete in `directory`; `lookedFor` lists every file
    /// name tried and `missing` the ones that were absent.
    case missingSplits(directory: String, lookedFor: [String], missing: [String])
    /// The file could not be written (or moved into place).
    case unwritableFile(path: String, reason: String)
    /// A generator or loader was given parameters it cannot work with.
    case invalidConfiguration(String)
    /// A generator stopped because `draws` consecutive draws brought no new example: the window
    /// or the requested count is (practically) unattainable.
    case generationStalled(accepted: Int, requested: Int, draws: Int)

    /// A one-line message naming the file, the 1-based line and the problem.
    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason):
            return "\(path): cannot read the file: \(reason)"
        case .emptyFile(let path):
            return "\(path):1: the file is empty"
        case .noRows(let path):
            return "\(path): no examples: the file holds only its header"
        case .missingHeader(let path, let expected, let found):
            return "\(path):1: missing header: expected \(Self.quoted(expected)), found \(Self.quoted(found))"
        case .missingColumn(let path, let line, let expected, let found):
            return "\(path):\(line): missing column: expected \(expected) tab-separated columns, found \(found)"
        case .tooManyColumns(let path, let line, let expected, let found):
            return "\(path):\(line): too many columns: expected \(expected) tab-separated columns, found \(found)"
        case .badLabel(let path, let line, let text):
            return "\(path):\(line): bad label: \(Self.quoted(text)) is not an integer"
        case .labelOutOfRange(let path, let line, let label, let classCount):
            return "\(path):\(line): bad label: \(label) is out of range 0..<\(classCount)"
        case .emptySource(let path, let line):
            return "\(path):\(line): the source column is empty"
        case .invalidEncoding(let path, let line):
            return "\(path):\(line): the line is not valid UTF-8"
        case .missingSplits(let directory, let lookedFor, let missing):
            return "\(directory): no complete set of split files: looked for \(lookedFor.joined(separator: ", ")); missing \(missing.joined(separator: ", "))"
        case .unwritableFile(let path, let reason):
            return "\(path): cannot write the file: \(reason)"
        case .invalidConfiguration(let message):
            return "invalid configuration: \(message)"
        case .generationStalled(let accepted, let requested, let draws):
            return "generation stalled: \(draws) consecutive draws gave no new example (have \(accepted) of \(requested)); widen the length window or ask for fewer examples"
        }
    }

    /// The same text as `description`, for Foundation's `localizedDescription`.
    public var errorDescription: String? { description }

    /// `text` in double quotes, cut to 60 characters so a huge line does not flood the message.
    static func quoted(_ text: String) -> String {
        text.count > 60 ? "\"\(text.prefix(60))…\"" : "\"\(text)\""
    }
}
