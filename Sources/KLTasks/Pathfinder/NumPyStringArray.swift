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
              let shapeText = Self.value(of: "shape", in: header) else { throw fail("unreadable header \(header)") }
        guard order == "False" else { throw fail("Fortran-ordered arrays are not supported") }
        let shape = shapeText.filter { "0123456789,".contains($0) }.split(separator: ",").compactMap { Int($0) }
        guard shape.count == 2 else { throw fail("expected a 2-D array, the shape is \(shapeText)") }
        let unitSize: Int
        if descr.hasPrefix("<U") { unitSize = 4 } else if descr.hasPrefix("|S") || descr.hasPrefix("S") { unitSize = 1 } else {
            throw fail("unsupported item type \(descr) (expected <U… or |S… strings)")
        }
        guard let characters = Int(descr.drop(while: { !$0.isNumber })), characters > 0 else { throw fail("bad item type \(descr)") }
        let itemSize = characters * unitSize
        let (cells, overflow) = shape[0].multipliedReportingOverflow(by: shape[1])
        let dataStart = headerStart + headerLength
        guard !overflow, cells.multipliedReportingOverflow(by: itemSize).partialValue <= bytes.count - dataStart else {
            throw fail("the data is shorter than the \(shape[0])×\(shape[1]) array of \(descr) items")
        }
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
