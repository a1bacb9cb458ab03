/// A tokeniser of text into ids for a language model: the byte-level `ByteTokenizer` or a
/// learned `BytePairEncoding`, so code that embeds or pretrains on text can take either.
///
/// Both reserve id 0 for padding and give byte `b` the id `b + 1`, so byte-level ids mean the
/// same under both.
public protocol TextTokenizer: Sendable {
    /// The number of ids, reserved ones included: the size of an embedding table for them.
    var vocabularySize: Int { get }
    /// The ids of `text`'s UTF-8 bytes.
    func encode(_ text: String) -> [Int]
    /// The ids of `bytes` (a corpus document's UTF-8 bytes).
    func encode(bytes: some Sequence<UInt8>) -> [Int]
    /// The text of `ids`, reserved ids skipped; bytes that are not valid UTF-8 become U+FFFD.
    func decode(_ ids: some Sequence<Int>) -> String
}

extension ByteTokenizer: TextTokenizer {
    /// The number of ids, 257 (`ByteTokenizer.vocabularySize`), as the protocol asks for it.
    public var vocabularySize: Int { Self.vocabularySize }
}
