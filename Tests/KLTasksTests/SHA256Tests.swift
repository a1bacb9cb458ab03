import Crypto
import Foundation
import Testing
@testable import KLTasks

/// The fetcher's SHA-256 hex digests (swift-crypto's SHA-256): FIPS 180-4 / NIST example vectors,
/// files read in chunks, and unreadable files.
@Suite struct SHA256Tests {
    private func hex(_ text: String) -> String { SHA256.hexDigest(of: Data(text.utf8)) }

    @Test func nistVectors() {
        #expect(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func fileDigestMatchesDataDigest() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let data = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })   // several 1 MiB chunks
        let url = try scratch.write(data, to: "data.bin")
        // Python's hashlib.sha256 of the same bytes.
        let expected = "743fd190d8ee22d6c4146e71a2cb8dfb25746a0fec3d453def83406d51e1b443"
        #expect(try SHA256.hexDigest(ofFile: url) == expected)
        #expect(SHA256.hexDigest(of: data) == expected)
    }

    @Test func missingFileIsAnError() {
        let path = "/nonexistent/klt-\(UUID().uuidString)"
        #expect(throws: DataError.unreadableFile(path: path, reason: "no such file")) {
            try SHA256.hexDigest(ofFile: URL(fileURLWithPath: path))
        }
    }
}
