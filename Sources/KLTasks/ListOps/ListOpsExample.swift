/// One ListOps example as it appears in an LRA `basic_*.tsv` row: the serialised expression and
/// its value, plus the LRA length, kept so statistics and filters need not re-tokenise.
public struct ListOpsExample: Hashable, Sendable, Codable {
    /// The serialised expression with parentheses (LRA's `Source` column).
    public var source: String
    /// The expression's value 0–9 (LRA's `Target` column).
    public var label: Int
    /// The number of tokens once parentheses are removed (LRA's length).
    public var length: Int

    /// An example from its three fields, as read from a file or built by hand.
    public init(source: String, label: Int, length: Int) {
        self.source = source
        self.label = label
        self.length = length
    }

    /// The example for `tree`: its LRA serialisation, value and length.
    public init(tree: ListOpsTree) {
        self.init(source: tree.source, label: tree.value, length: tree.length)
    }

    /// An example whose length is counted from `source` (every whitespace-separated token that is
    /// not a parenthesis), for rows read from a file.
    public init(source: String, label: Int) {
        var length = 0
        for token in source.utf8.split(separator: UInt8(ascii: " ")) {
            if !(token.count == 1 && (token.first == UInt8(ascii: "(") || token.first == UInt8(ascii: ")"))) {
                length += 1
            }
        }
        self.init(source: source, label: label, length: length)
    }
}
