/// Cuts UTF-8 bytes into the chunks that byte-pair encoding merges within, so no learned token
/// spans two words: the same cut is made in training and in encoding.
///
/// A chunk is a run of letters (ASCII letters and every byte of a non-ASCII character, so
/// `naïve` and `日本語` stay whole), of digits, of other printable ASCII (punctuation), of spaces
/// or of other whitespace (line breaks, tabs), each at most `maximumLength` bytes. A single space
/// before a letter, digit or punctuation run is glued to its front (` the`), as GPT-2 does, so the
/// common words get one token with their space; in a longer run of spaces, the last one goes to
/// the word. The chunks concatenate to the input, so nothing is lost.
enum ByteChunks {
    /// The longest chunk in bytes. It bounds the cost of encoding one chunk (quadratic in its
    /// length) on runs such as a line of 10,000 dashes.
    static let maximumLength = 64

    /// The class of a byte for cutting.
    private enum ByteClass: Equatable {
        case letter, digit, punctuation, space, otherWhitespace
    }

    /// The class of `byte`.
    private static func byteClass(_ byte: UInt8) -> ByteClass {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), 0x80...: return .letter
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return .digit
        case UInt8(ascii: " "): return .space
        case 0x09...0x0D: return .otherWhitespace
        default: return .punctuation
        }
    }

    /// Whether a run of `byteClass` takes a space glued to its front.
    private static func takesSpace(_ byteClass: ByteClass) -> Bool {
        byteClass == .letter || byteClass == .digit || byteClass == .punctuation
    }

    /// Calls `body` with the range of each chunk of `bytes`, in order.
    static func forEach(in bytes: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        let count = bytes.count
        var position = 0
        while position < count {
            let start = position
            if bytes[position] == UInt8(ascii: " "), position + 1 < count, takesSpace(byteClass(bytes[position + 1])) {
                position += 1
            }
            let runClass = byteClass(bytes[position])
            while position < count, position - start < maximumLength, byteClass(bytes[position]) == runClass {
                // A run of spaces leaves its last one to a word that follows.
                if runClass == .space, position > start, position + 1 < count, takesSpace(byteClass(bytes[position + 1])) { break }
                position += 1
            }
            body(start..<position)
        }
    }
}
