/// libFuzzer's dictionary format (`-dict=FILE`): one token a line, quoted, with `\\`, `\"` and
/// `\xNN` escapes. libFuzzer splices the tokens into inputs, which reaches the words of a text format
/// (JSON and TOML syntax, field names, edge numbers) that random byte changes rarely spell.
enum LibFuzzerDictionary {
    /// The file's text for `tokens`.
    static func text(_ tokens: [String]) -> String {
        tokens.map { token in
            "\"" + token.utf8.map { byte in
                switch byte {
                case UInt8(ascii: "\\"): "\\\\"
                case UInt8(ascii: "\""): "\\\""
                case 0x20..<0x7F: String(UnicodeScalar(byte))
                default: "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
                }
            }.joined() + "\""
        }.joined(separator: "\n") + "\n"
    }

    /// Numbers at the edges of what JSON and TOML readers convert.
    static let edgeNumbers = ["-1", "0", "-0", "1e308", "1e999", "-1e-9", "1.5", "9223372036854775807",
                              "-9223372036854775808", "18446744073709551616", "4294967296"]
}
