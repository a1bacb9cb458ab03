/// The ListOps tokeniser with the bracket fix: parentheses are dropped, every other whitespace-separated
/// token is kept, including the operators (`[MIN`, `[MAX`, `[MED`, `[SM`) and the closing `]`.
///
/// LRA's first pipeline dropped the brackets (LRA issue #14), which loses the tree structure; the
/// KL-Transformer code kept them as reserved tokens, and so do we. The vocabulary is fixed (not read
/// from the data), so ids are the same for every data set: 0 = padding, 1…10 = digits 0–9,
/// 11…14 = the operators, 15 = `]`, 16 = any other token.
public struct ListOpsTokenizer: Sendable {
    /// Every known token, in id order starting at 1.
    public static let vocabulary = (0...9).map(String.init) + ["[MIN", "[MAX", "[MED", "[SM", "]"]
    /// The padding id.
    public static let paddingID = 0
    /// The id of tokens outside the vocabulary.
    public static let unknownID = vocabulary.count + 1
    /// Number of ids, padding and unknown included (17).
    public static let vocabularySize = vocabulary.count + 2

    private static let ids: [Substring: Int] = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { (Substring($1), $0 + 1) })

    /// A tokeniser (it has no state: the vocabulary is fixed).
    public init() {}

    /// Token ids of a LRA `Source` string, parentheses removed.
    public func encode(_ source: String) -> [Int] {
        source.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
            .filter { $0 != "(" && $0 != ")" }
            .map { Self.ids[$0] ?? Self.unknownID }
    }

    /// The tokens of `ids` (padding skipped), for inspection.
    public func decode(_ ids: [Int]) -> [String] {
        ids.compactMap { id in
            id == Self.paddingID ? nil : id >= 1 && id <= Self.vocabulary.count ? Self.vocabulary[id - 1] : "<unk>"
        }
    }
}
