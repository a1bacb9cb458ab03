import Foundation

/// Cuts a text data file's bytes (read once with `DataFile.read(_:mapped:)`) into lines and fields,
/// for the TSV and text loaders.
///
/// Lines are ranges of byte offsets without their `\n` and without one
/// trailing `\r` (Windows line ends, as in the VADER files), numbered from 1 by their position in
/// the returned array.
enum TextFileReader {
    /// The line ranges of `bytes`. A final line without `\n` counts; the empty piece after a
    /// final `\n` does not, so `"a\nb\n"` and `"a\nb"` both have two lines and `""` has none.
    static func lines(of bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var lines: [Range<Int>] = []
        let count = bytes.count
        var start = 0
        while start < count {
            var end = start
            while end < count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            var contentEnd = end
            if contentEnd > start && bytes[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
            lines.append(start..<contentEnd)
            start = end + 1
        }
        return lines
    }

    /// The tab-separated fields of the line `range` (no quoting: every tab separates).
    static func fields(of range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var fields: [Range<Int>] = []
        var start = range.lowerBound
        for position in range where bytes[position] == UInt8(ascii: "\t") {
            fields.append(start..<position)
            start = position + 1
        }
        fields.append(start..<range.upperBound)
        return fields
    }

    /// The bytes of `range` as text for messages and names: UTF-8, with invalid bytes replaced.
    static func text(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// The bytes of `range` as strict UTF-8 text, or `DataError.invalidEncoding` naming the line.
    static func strictText(
        _ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>, path: String, line: Int
    ) throws -> String {
        guard let text = String(validating: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) else {
            throw DataError.invalidEncoding(path: path, line: line)
        }
        return text
    }

    /// Whether `range` holds only spaces and tabs (or nothing).
    static func isBlank(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        range.allSatisfy { bytes[$0] == UInt8(ascii: " ") || bytes[$0] == UInt8(ascii: "\t") }
    }
}
