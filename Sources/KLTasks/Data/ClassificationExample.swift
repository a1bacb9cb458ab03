/// One tokenised sequence-classification example: the token ids a model reads, the class, and the
/// length before truncation; for a pair task (retrieval: do two documents match?) also the second
/// sequence.
///
/// Keeping the original length lets callers report how much truncation cut (LRA truncates ListOps
/// at 2,000 tokens) without re-reading the source. Pair tasks (LRA's AAN retrieval and its
/// 20 Newsgroups stand-in) set `pairedTokens`, which the model encodes with the same weights as
/// `tokens` before combining the two; single-sequence tasks leave it nil, so their encoded form
/// (`Codable`) is unchanged.
public struct ClassificationExample: Hashable, Sendable, Codable {
    /// Token ids, already truncated to the loader's maximum length; 0 is reserved for padding.
    public var tokens: [Int]
    /// The class, in `0 ..< classCount` of the task.
    public var label: Int
    /// The number of tokens before truncation (equal to `tokens.count` when nothing was cut).
    public var originalLength: Int
    /// The second sequence of a pair task, truncated like `tokens`; nil for single-sequence tasks.
    public var pairedTokens: [Int]?
    /// The number of tokens of the second sequence before truncation; nil exactly when
    /// `pairedTokens` is nil.
    public var pairedOriginalLength: Int?

    /// An example from its fields; `originalLength` defaults to `tokens.count`, and
    /// `pairedOriginalLength` to `pairedTokens?.count`. Leave `pairedTokens` nil for a
    /// single-sequence task.
    public init(
        tokens: [Int], label: Int, originalLength: Int? = nil,
        pairedTokens: [Int]? = nil, pairedOriginalLength: Int? = nil
    ) {
        self.tokens = tokens
        self.label = label
        self.originalLength = originalLength ?? tokens.count
        self.pairedTokens = pairedTokens
        self.pairedOriginalLength = pairedTokens.map { pairedOriginalLength ?? $0.count }
    }

    /// Whether this is a pair example (it has a second sequence).
    public var isPair: Bool { pairedTokens != nil }

    /// Whether truncation removed tokens (from either sequence of a pair).
    public var isTruncated: Bool {
        originalLength > tokens.count || (pairedOriginalLength ?? 0) > (pairedTokens?.count ?? 0)
    }
}
