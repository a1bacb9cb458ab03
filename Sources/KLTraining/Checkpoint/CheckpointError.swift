import Foundation

/// A checkpoint could not be read or written. The description names the file and what is wrong,
/// e.g. `model.safetensors: tensor 'w': data_offsets [0, 12] hold 12 bytes, but F32 [2, 2] needs 16`.
public struct CheckpointError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// What went wrong, for code that reacts to particular failures; `message` has the details.
    public enum Kind: Sendable, Equatable {
        /// The file could not be opened, read, created, written, synced or renamed.
        case io
        /// The file is shorter than the 8-byte header length that starts every safetensors file.
        case fileTooShort
        /// The header length points past the end of the file.
        case truncatedHeader
        /// The header length exceeds the limit on header sizes (a sign of a corrupt or foreign file).
        case headerTooLarge
        /// The header is not UTF-8 JSON, or not a JSON object.
        case invalidHeader
        /// A tensor entry or the metadata has a missing field, a wrong type or an impossible value.
        case invalidEntry
        /// A tensor uses an element type this reader does not convert.
        case unsupportedDType
        /// A tensor's byte range is out of the data buffer, reversed, or of the wrong size for its shape.
        case invalidOffsets
        /// Tensor byte ranges overlap, leave gaps, or leave bytes at the end of the file uncovered.
        case invalidLayout
        /// The data does not match the checksum recorded when the file was written.
        case checksumMismatch
        /// A tensor name or metadata key cannot be written.
        case invalidName
    }

    /// What went wrong.
    public let kind: Kind
    /// The file (or other source) involved, as given by the caller.
    public let file: String
    /// What is wrong, without the file name.
    public let message: String

    /// Creates an error about `file`.
    public init(_ kind: Kind, file: String, _ message: String) {
        self.kind = kind
        self.file = file
        self.message = message
    }

    /// `file: message`.
    public var description: String { "\(file): \(message)" }

    /// Same as `description`, so `localizedDescription` is informative too.
    public var errorDescription: String? { description }
}
