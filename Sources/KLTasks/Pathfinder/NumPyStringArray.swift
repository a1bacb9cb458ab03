/// A two-dimensional NumPy array of strings read from a `.npy` file: what the original
/// `snakes2.py` saved as Pathfinder metadata (`np.save` of a list of 11-field lists).
///
/// Reads format versions 1–3, little-endian Unicode (`<U`, UTF-32) or byte-string (`|S`) items,
/// C order, shape `(rows, columns)`; anything else is an error naming the file. Items are padded
/// with NULs to the item size, which are stripped.
struct NumPyStringArray {
    /// The magic bytes every `.npy` file starts with.
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// The rows of strings.
    let rows: [[String]]

    /// Parses `bytes`, naming `path` in errors.
    init(_ bytes: [UInt8], path: String) throws {
        func fail(_ reason: String) -> PathfinderError { .badMetadataLine(path: path, line: 1, reason: "NumPy file: \(reason)") }
        guard bytes.count >= 10, bytes.starts(with: Self.magic) else { throw fail("bad magic bytes") }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw fail("unsupported format version \(major)")
        }
        guard bytes.count >= headerStart + headerLength else { throw fail("truncated header") }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        guard let descr = Self.value(of: "descr", in: header)?.trimmingQuotes,
              let order = Self.value(of: "fortran_order", in: header),
              let shapeText = Self.value(of: "shape", in: header) else { throw fail("unreadable header \(header.prefix(200))") }
        guard order == "False" else { throw fail("Fortran-ordered arrays are not supported") }
        guard let shape = Self.shape(shapeText), shape.count == 2 else {
            throw fail("expected a 2-D array with non-negative sizes, the shape is \(shapeText.prefix(80))")
        }
        let unitSize: Int
        if descr.hasPrefix("<U") { unitSize = 4 } else if descr.hasPrefix("|S") || descr.hasPrefix("S") { unitSize = 1 } else {
            throw fail("unsupported item type \(descr.prefix(40)) (expected <U… or |S… strings)")
        }
        // Every size is checked against the bytes actually present, with products that cannot wrap.
        let dataStart = headerStart + headerLength
        let available = bytes.count - dataStart
        guard let characters = Int(descr.drop(while: { !$0.isNumber })), characters > 0 else { throw fail("bad item type \(descr.prefix(40))") }
        let (itemSize, itemOverflow) = characters.multipliedReportingOverflow(by: unitSize)
        let (cells, cellOverflow) = shape[0].multipliedReportingOverflow(by: shape[1])
        let (byteCount, byteOverflow) = cells.multipliedReportingOverflow(by: itemOverflow ? 1 : itemSize)
        guard !itemOverflow, !cellOverflow, !byteOverflow, byteCount <= available else {
            throw fail("the \(shape[0])×\(shape[1]) array of \(descr.prefix(40)) items needs more than the \(available) data bytes the file holds")
        }
        // A row of no items takes no bytes, so bound the rows separately (metadata rows have 11 fields).
        guard shape[1] > 0 || shape[0] == 0 else { throw fail("the shape \(shapeText) has rows of no fields") }
        var rows: [[String]] = []
        rows.reserveCapacity(shape[0])
        for row in 0..<shape[0] {
            var fields: [String] = []
            for column in 0..<shape[1] {
                let start = dataStart + (row * shape[1] + column) * itemSize
                var scalars = String.UnicodeScalarView()
                for unit in 0..<characters {
                    let offset = start + unit * unitSize
                    let code = unitSize == 1 ? UInt32(bytes[offset])
                        : UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
                    if code == 0 { break }
                    guard let scalar = Unicode.Scalar(code) else { throw fail("row \(row + 1) holds an invalid character") }
                    scalars.append(scalar)
                }
                fields.append(String(scalars))
            }
            rows.append(fields)
        }
        self.rows = rows
    }

    /// The sizes of a NumPy shape tuple such as `(1000, 11)` or `(1000, 11,)`; nil when an entry is
    /// not a non-negative integer that fits in `Int`.
    private static func shape(_ text: String) -> [Int]? {
        let inner = text.trimmingCharacters(in: " ")
        guard inner.hasPrefix("("), inner.hasSuffix(")") else { return nil }
        var parts = inner.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false)
            .map { String($0).trimmingCharacters(in: " ") }
        if parts.last == "" { parts.removeLast() }
        var sizes: [Int] = []
        for part in parts {
            guard !part.isEmpty, part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber), let size = Int(part) else { return nil }
            sizes.append(size)
        }
        return sizes
    }

    /// The text after `'key':` in a NumPy header dictionary, up to the next top-level comma or
    /// closing brace (a tuple's commas are kept).
    private static func value(of key: String, in header: String) -> String? {
        guard let range = header.range(of: "'\(key)':") else { return nil }
        var depth = 0
        var value = ""
        for character in header[range.upperBound...] {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if depth == 0 && (character == "," || character == "}") { break }
            value.append(character)
        }
        return value.trimmingCharacters(in: " ")
    }
}

private extension String {
    /// The string without surrounding single or double quotes.
    var trimmingQuotes: String { trimmingCharacters(in: "'\"") }

    /// The string without leading and trailing characters from `set`.
    func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
