/// Byte-level tokenisation as LRA does it for Text and Retrieval: every UTF-8 byte is one token,
/// with id = byte + 1 (so 1…256), and 0 is left for padding: 257 ids in all.
///
/// These are the semantics of tfds' `ByteTextEncoder()` (no additional tokens), which LRA's
/// `char` tokenizer uses. A byte vocabulary needs no training and has no unknown tokens, and any
/// text, in any language or even invalid UTF-8, encodes losslessly: a non-ASCII character simply
/// becomes two to four tokens.
public struct ByteTokenizer: Hashable, Sendable {
    /// The padding id (no byte maps to it).
    public static let paddingID = 0
    /// The number of ids: padding plus the 256 byte values.
    public static let vocabularySize = 257

    /// A tokeniser (it has no state).
    public init() {}

    /// The id of `byte`: `byte + 1`.
    @inline(__always)
    public static func id(of byte: UInt8) -> Int { Int(byte) + 1 }

    /// The byte of `id`, or nil for padding and for ids outside `1...256`.
    @inline(__always)
    public static func byte(of id: Int) -> UInt8? {
        id >= 1 && id <= 256 ? UInt8(id - 1) : nil
    }

    /// The ids of the UTF-8 bytes of `text`, all of them.
    public func encode(_ text: String) -> [Int] {
        text.utf8.map(Self.id(of:))
    }

    /// The ids of `bytes`, all of them.
    public func encode(bytes: some Sequence<UInt8>) -> [Int] {
        bytes.map(Self.id(of:))
    }

    /// The ids of the first `maximumLength` bytes of `bytes` (all of them when nil), with the
    /// number of bytes before truncation, so callers can report what was cut.
    public func encode(
        bytes: some Collection<UInt8>, maximumLength: Int?
    ) -> (tokens: [Int], originalLength: Int) {
        let count = bytes.count
        guard let maximumLength, maximumLength < count else { return (encode(bytes: bytes), count) }
        return (encode(bytes: bytes.prefix(Swift.max(maximumLength, 0))), count)
    }

    /// The ids of the first `maximumLength` UTF-8 bytes of `text` (all when nil), with the number of
    /// bytes before truncation. A cut may fall inside a multi-byte character, as LRA's does.
    public func encode(_ text: String, maximumLength: Int?) -> (tokens: [Int], originalLength: Int) {
        encode(bytes: text.utf8, maximumLength: maximumLength)
    }

    /// The bytes of `ids`, skipping padding and any id outside `1...256`.
    public func decodeBytes(_ ids: some Sequence<Int>) -> [UInt8] {
        ids.compactMap(Self.byte(of:))
    }

    /// The text of `ids` (padding skipped), for inspection; bytes that are not valid UTF-8 (say,
    /// a character cut by truncation) become U+FFFD.
    public func decode(_ ids: some Sequence<Int>) -> String {
        String(decoding: decodeBytes(ids), as: UTF8.self)
    }
}
