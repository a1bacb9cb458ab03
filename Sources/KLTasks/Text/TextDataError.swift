import Foundation

/// What went wrong while reading a text data set (IMDb, 20 Newsgroups, AAN, sentences), for the
/// problems `DataError` has no case for.
///
/// The text loaders throw `DataError` where it fits (unreadable file, wrong column count, bad
/// header on line 1, label out of range, empty text) and these otherwise. Like `DataError`, every
/// case names its file (and its 1-based line where there is one), so `description` reads like a
/// compiler diagnostic (`path:line: message`) and the user can open the file at the offending line.
public enum TextDataError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    /// `directory` (and the subdirectories searched below it) lacks inputs the loader needs:
    /// `expected` lists every file or directory name required, `missing` those absent from
    /// `directory` itself, `searched` the subdirectories also tried.
    case missingInputs(directory: String, expected: [String], missing: [String], searched: [String])
    /// A header line (line 1 to 3 of an Orange `.tab` file) is not what the format requires.
    case badHeader(path: String, line: Int, expected: String, found: String)
    /// A numeric field (`column` names it, say "label" or "sentiment") does not parse as a finite
    /// number; `text` is the field as found, possibly shortened.
    case badNumber(path: String, line: Int, column: String, text: String)
    /// A category (class name) that the label set does not contain: a test document in a group
    /// the training file never had, or an unknown TREC coarse class. `known` lists the valid names.
    case unknownCategory(path: String, line: Int, category: String, known: [String])
    /// A line that does not follow the file's line format (`expected` says which).
    case malformedLine(path: String, line: Int, expected: String, found: String)
    /// A required field (`column` names it) is empty or Orange's missing-value mark (`?`).
    case missingValue(path: String, line: Int, column: String)
    /// A file or directory that should hold examples holds none.
    case noExamples(path: String)

    /// A one-line message naming the file, the 1-based line where there is one, and the problem.
    public var description: String {
        switch self {
        case .missingInputs(let directory, let expected, let missing, let searched):
            let below = searched.isEmpty
                ? "no subdirectory to search"
                : "not complete in any subdirectory either (searched \(searched.joined(separator: ", ")))"
            return "\(directory): missing \(missing.joined(separator: ", ")): expected \(expected.joined(separator: ", ")) here or one level down; \(below)"
        case .badHeader(let path, let line, let expected, let found):
            return "\(path):\(line): bad header: expected \(expected), found \(DataError.quoted(found))"
        case .badNumber(let path, let line, let column, let text):
            return "\(path):\(line): bad \(column): \(DataError.quoted(text)) is not a number"
        case .unknownCategory(let path, let line, let category, let known):
            return "\(path):\(line): unknown category \(DataError.quoted(category)): expected one of \(known.joined(separator: ", "))"
        case .malformedLine(let path, let line, let expected, let found):
            return "\(path):\(line): malformed line: expected \(expected), found \(DataError.quoted(found))"
        case .missingValue(let path, let line, let column):
            return "\(path):\(line): the \(column) column is empty"
        case .noExamples(let path):
            return "\(path): no examples found"
        }
    }

    /// The same text as `description`, for Foundation's `localizedDescription`.
    public var errorDescription: String? { description }
}
