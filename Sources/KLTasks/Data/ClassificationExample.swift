/// One tokenised sequence-classification example: the token ids a model reads, the class, and the
/// length before truncation.
///
/// Keeping the original length lets callers report how much truncation cut (LRA truncates ListOps
/// at 2,000 tokens) without re-reading the source.
public struct ClassificationExample: Hashable, Sendable, Codable {
    /// Token ids, already truncated to the loader's maximum length; 0 is reserved for padding.
    public var tokens: [Int]
    /// The class, in `0 ..< classCount` of the task.
    public var label: Int
    /// The number of tokens before truncation (equal to `tokens.count` when nothing was cut).
    public var originalLength: Int

    /// An example from its fields; `originalLength` defaults to `tokens.count`.
    public init(tokens: [Int], label: Int, originalLength: Int? = nil) {
        self.tokens = tokens
        self.label = label
        self.originalLength = originalLength ?? tokens.count
    }

    /// Whether truncation removed tokens.
    public var isTruncated: Bool { originalLength > tokens.count }
}
