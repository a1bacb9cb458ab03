import Foundation
import Testing
@testable import KLTasks

/// Pathfinder's NumPy metadata reader: every size in the header is checked, without wrapping,
/// against the bytes the file actually holds, so a hostile header is an error naming the file.
@Suite struct NumPyStringArrayTests {
    /// A version-1 `.npy` file with this `descr` and `shape` text, followed by `data`.
    static func file(descr: String, shape: String, data: [UInt8] = []) -> [UInt8] {
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
        let length = header.utf8.count
        return NumPyStringArray.magic + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8) + data
    }

    @Test func readsAWellFormedArray() throws {
        let data = Array("ab".utf8) + [0] + Array("c".utf8) + [0, 0]   // |S3 items "ab", "c"
        let array = try NumPyStringArray(Self.file(descr: "|S3", shape: "(1, 2)", data: data), path: "m.npy")
        #expect(array.rows == [["ab", "c"]])
    }

    /// The three headers (a reserveCapacity abort, a size check wrapped to 0 and an
    /// out-of-bounds read, a trapping `characters * unitSize`) and more of their kind.
    @Test(arguments: [
        ("<U2", "(1000000000000000, 0)", "rows of no fields"),
        ("<U2", "(1, 2305843009213693952)", "needs more than the 64 data bytes"),
        ("<U4611686018427387904", "(1, 11)", "needs more than the 64 data bytes"),
        ("<U2", "(4611686018427387904, 4)", "needs more than the 64 data bytes"),
        ("<U2", "(-3, 11)", "non-negative sizes"),
        ("<U2", "(99999999999999999999999, 11)", "non-negative sizes"),
        ("<U2", "(3,)", "2-D"),
        ("<U2", "(100, 11)", "needs more than the 64 data bytes"),
    ])
    func hostileHeadersAreRefusedNamingTheFile(descr: String, shape: String, expected: String) throws {
        let bytes = Self.file(descr: descr, shape: shape, data: [UInt8](repeating: 65, count: 64))
        #expect {
            _ = try NumPyStringArray(bytes, path: "batch/metadata/0.npy")
        } throws: { error in
            let message = "\(error)"
            return error is PathfinderError && message.hasPrefix("batch/metadata/0.npy:1:") && message.contains(expected)
        }
    }
}
