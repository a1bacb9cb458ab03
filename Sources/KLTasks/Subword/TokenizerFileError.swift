import Foundation

/// Why a tokeniser side file (`BytePairEncoding.init(contentsOf:)`) could not be used: it is not
/// the JSON the format asks for, or its merges are inconsistent. The message names the file, so
/// a damaged file beside a checkpoint is found at once. (A missing or unreadable file is a
/// `DataError.unreadableFile`, as for every data file.)
public enum TokenizerFileError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    /// The file is not a valid byte-pair vocabulary; `reason` says what is wrong.
    case invalid(path: String, reason: String)

    /// A one-line message naming the file and the fault.
    public var description: String {
        switch self {
        case .invalid(let path, let reason):
            return "\(path): not a usable byte-pair vocabulary: \(reason)"
        }
    }

    /// The same text as `description`, for Foundation's `localizedDescription`.
    public var errorDescription: String? { description }
}
