/// Checks a sweep file's text for what the TOML parser cannot be given, before it is: a NUL (TOMLKit
/// hands toml++ a C string, so everything after one would silently vanish), and the two mistakes on
/// which toml++ 3.4.0 (inside TOMLKit 0.6.0) stops the process with a failed assertion instead of
/// reporting a parse error (marzer/tomlplusplus#294; both found by fuzzing `SweepFile.parse`):
/// a table header that does not start with a key (`[}train]`, `[&`, `[[[a]]]`), and an array element
/// that starts with `}` or a Unicode line separator (`seeds = [}]`, `[1, }`). The check can go once
/// TOMLKit ships a toml++ that reports these itself.
///
/// Headers and arrays are found as the parser finds them: a table header is a `[` that starts a line
/// outside strings, comments and multi-line arrays; every other `[` opens an array. A valid file never
/// has a problem here; for an invalid one the message may name a different line than the parser's
/// first error would.
enum TOMLPreflight {
    /// What a `[` or `{` opened.
    private enum Bracket {
        case header, array, inlineTable
    }

    /// The first problem, as the 1-based line and a message, or nil when the text can be parsed.
    static func problem(in text: String) -> (line: Int, message: String)? {
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }  // a byte-order mark, which toml++ skips
        let nul = "the file holds a NUL character; a sweep file is text"
        var line = 1
        var index = 0
        var open: [Bracket] = []
        var atLineStart = true  // only blanks since the last line break outside any bracket
        var expectsElement = false  // after an array's `[` or `,`, with only blanks and comments since
        var expectsValue = false  // after a key's `=`, with only blanks since
        func isQuote(_ offset: Int, _ quote: Unicode.Scalar) -> Bool {
            index + offset < scalars.count && scalars[index + offset] == quote
        }
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "\0":
                return (line, nul)
            case "\n":
                line += 1
                if open.isEmpty { atLineStart = true }
                index += 1
            case " ", "\t", "\r":
                index += 1
            case "#":
                while index < scalars.count && scalars[index] != "\n" {
                    if scalars[index] == "\0" { return (line, nul) }
                    index += 1
                }
            case "\"", "'":
                atLineStart = false
                expectsElement = false
                let multiline = isQuote(1, scalar) && isQuote(2, scalar)
                index += multiline ? 3 : 1
                // To the closing quote(s); `"` strings have escapes, `'` strings none. A run of three
                // to five quotes closes a multi-line string (up to two belong to its text).
                while index < scalars.count {
                    let character = scalars[index]
                    if character == "\0" { return (line, nul) }
                    if character == "\\" && scalar == "\"" {
                        if index + 1 < scalars.count && scalars[index + 1] == "\n" { line += 1 }
                        index += 2
                        continue
                    }
                    if character == "\n" {
                        if !multiline { break }  // an unterminated string: the parser's error
                        line += 1
                    }
                    if character == scalar {
                        var run = 0
                        while isQuote(run, scalar) { run += 1 }
                        if !multiline || run >= 3 {
                            index += multiline ? run : 1
                            break
                        }
                        index += run
                        continue
                    }
                    index += 1
                }
            case "[":
                if open.isEmpty && atLineStart {
                    if let found = keylessHeader(scalars, after: index) {
                        return (line, "a table header must start with a key (a letter, digit, '_', '-' or a quoted key) after '[', found \(found)")
                    }
                    open.append(.header)
                } else {
                    open.append(.array)
                }
                atLineStart = false
                expectsElement = open.last == .array
                index += 1
            case "{":
                atLineStart = false
                expectsElement = false
                open.append(.inlineTable)
                index += 1
            case "]", "}":
                if expectsElement && scalar == "}" {
                    return (line, "an array value is missing before '}'")
                }
                atLineStart = false
                expectsElement = false
                _ = open.popLast()
                index += 1
            case ",":
                atLineStart = false
                expectsElement = open.last == .array
                index += 1
            case "\u{85}", "\u{2028}", "\u{2029}":
                if expectsElement {
                    return (line, "found \(describe(scalar)) where an array value should start (use a line break)")
                }
                atLineStart = false
                index += 1
            case "=":
                atLineStart = false
                expectsElement = false
                expectsValue = true
                index += 1
            default:
                if (expectsValue || expectsElement), let found = malformedTime(scalars, at: index) {
                    return (line, "a date-time needs a time of digits after its 'T', found \(found)")
                }
                atLineStart = false
                expectsElement = false
                expectsValue = false
                index += 1
            }
        }
        return nil
    }

    /// For a value starting at `scalars[start]` that is a date `YYYY-MM-DD` followed by `T` or `t`:
    /// what follows the `T` when it is not a digit (toml++ asserts on that instead of reporting it,
    /// e.g. `1979-05-27T-27`); nil for anything else.
    private static func malformedTime(_ scalars: [Unicode.Scalar], at start: Int) -> String? {
        let pattern = Array("DDDD-DD-DDT".unicodeScalars)
        guard start + pattern.count <= scalars.count else { return nil }
        for (offset, expected) in pattern.enumerated() {
            let scalar = scalars[start + offset]
            switch expected {
            case "D": guard ("0"..."9").contains(scalar) else { return nil }
            case "T": guard scalar == "T" || scalar == "t" else { return nil }
            default: guard scalar == expected else { return nil }
            }
        }
        let after = start + pattern.count
        guard after < scalars.count else { return "the end of the file" }
        return ("0"..."9").contains(scalars[after]) ? nil : describe(scalars[after])
    }

    /// What follows the `[` of a table header at `scalars[start]` (and a second `[` right after it,
    /// spaces and tabs skipped) when the parser would read it as a key but it cannot start one, for the
    /// message; nil when it starts a key, closes the header, or is an error the parser reports itself.
    private static func keylessHeader(_ scalars: [Unicode.Scalar], after start: Int) -> String? {
        var index = start + 1
        func skipBlanks() -> Bool {
            let from = index
            while index < scalars.count && (scalars[index] == " " || scalars[index] == "\t") { index += 1 }
            return index > from
        }
        if skipBlanks() {
            if index < scalars.count && scalars[index] == "[" { return nil }  // `[ [`: the parser refuses it
        } else if index < scalars.count && scalars[index] == "[" {
            index += 1
            _ = skipBlanks()
        }
        guard index < scalars.count else { return nil }
        let next = scalars[index]
        let startsKey = next.isASCII && (next.properties.isAlphabetic || ("0"..."9").contains(next) || next == "_" || next == "-")
        if startsKey || next == "]" || next == "\"" || next == "'" { return nil }
        return describe(next)
    }

    /// `scalar` for a message: quoted, or named where it is invisible.
    private static func describe(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n", "\r": "the end of the line"
        case "\u{85}": "a next-line character (U+0085)"
        case "\u{2028}": "a Unicode line separator (U+2028)"
        case "\u{2029}": "a Unicode paragraph separator (U+2029)"
        default: "'\(scalar.escaped(asASCII: false))'"
        }
    }
}
