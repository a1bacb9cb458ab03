import KLTensor
import KLTasks

/// A split of a corpus as one stream of token ids (its documents' tokens one after another), cut
/// into the windows pre-training reads: random ones for training, consecutive ones for evaluation.
public struct TokenStream: Sendable {
    /// The ids, documents in the split's order.
    public let tokens: [Int32]
    /// The UTF-8 bytes the stream encodes (for bits per byte).
    public let byteCount: Int

    /// The stream of `documents` under `tokenizer`.
    public init(documents: [TextDocument], tokenizer: some TextTokenizer) {
        var tokens: [Int32] = []
        for document in documents { tokens.append(contentsOf: tokenizer.encode(bytes: document.bytes).lazy.map { Int32($0) }) }
        self.tokens = tokens
        byteCount = documents.reduce(0) { $0 + $1.bytes.count }
    }

    /// A stream of given ids (for tests).
    public init(tokens: [Int], byteCount: Int) {
        self.tokens = tokens.map { Int32($0) }
        self.byteCount = byteCount
    }

    /// `count` windows of `size` tokens at offsets drawn uniformly from `generator` (the whole
    /// stream, once, when it is shorter than `size`).
    public func randomWindows(count: Int, size: Int, generator: inout RandomGenerator) -> [[Int]] {
        guard tokens.count > size else { return Array(repeating: tokens.map(Int.init), count: count) }
        return (0..<count).map { _ in
            let start = generator.nextInt(below: tokens.count - size + 1)
            return tokens[start..<(start + size)].map(Int.init)
        }
    }

    /// The stream cut into consecutive windows of `size` tokens from the start, each sharing its
    /// first token with the previous window's last when `overlap` is 1 (the causal objective, whose
    /// window's last token is only a target); the remainder at the end is a shorter last window
    /// when it holds at least `minimum` tokens.
    public func consecutiveWindows(size: Int, overlap: Int = 0, minimum: Int = 1) -> [[Int]] {
        precondition(size > overlap && overlap >= 0, "TokenStream: windows of \(size) tokens cannot overlap by \(overlap)")
        var windows: [[Int]] = []
        var start = 0
        while start + overlap < tokens.count {
            let end = min(start + size, tokens.count)
            if end - start >= minimum { windows.append(tokens[start..<end].map(Int.init)) }
            start = end - overlap
        }
        return windows
    }
}
