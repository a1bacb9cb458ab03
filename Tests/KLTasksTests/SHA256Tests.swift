import Foundation
import Testing
@testable import KLTasks

/// SHA-256 against the FIPS 180-4 / NIST example vectors and hashlib-computed boundary cases.
@Suite struct SHA256Tests {
    private func hex(_ text: String) -> String { SHA256.hexDigest(of: Data(text.utf8)) }

    @Test func nistVectors() {
        #expect(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func millionAs() {
        var hasher = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        #expect(SHA256.hex(hasher.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Lengths around the 55/56-byte padding boundary and the 64-byte block size.
    @Test(arguments: [
        (55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        (56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        (63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
        (64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
        (65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"),
        (119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"),
        (120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"),
        (1000, "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"),
    ])
    func paddingBoundaries(length: Int, expected: String) {
        #expect(hex(String(repeating: "a", count: length)) == expected)
    }

    /// Feeding the bytes in uneven pieces gives the same digest as one call.
    @Test func incrementalUpdatesMatchOneShot() {
        let bytes = (0..<1024).map { UInt8($0 % 256) }
        let expected = "785b0751fc2c53dc14a4ce3d800e69ef9ce1009eb327ccf458afe09c242c26c9"
        #expect(SHA256.hexDigest(of: Data(bytes)) == expected)
        for pieces in [[1], [63], [64], [65], [3, 61, 200, 7]] {
            var hasher = SHA256()
            var offset = 0
            var step = 0
            while offset < bytes.count {
                let size = min(pieces[step % pieces.count], bytes.count - offset)
                hasher.update(Array(bytes[offset..<(offset + size)]))
                offset += size
                step += 1
            }
            #expect(SHA256.hex(hasher.finalize()) == expected, "pieces \(pieces)")
        }
    }

    @Test func fileDigestMatchesDataDigest() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let data = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })   // several 1 MiB chunks
        let url = try scratch.write(data, to: "data.bin")
        #expect(try SHA256.hexDigest(ofFile: url) == SHA256.hexDigest(of: data))
    }

    @Test func missingFileIsAnError() {
        let path = "/nonexistent/klt-\(UUID().uuidString)"
        #expect(throws: DataError.unreadableFile(path: path, reason: "no such file")) {
            try SHA256.hexDigest(ofFile: URL(fileURLWithPath: path))
        }
    }
}
