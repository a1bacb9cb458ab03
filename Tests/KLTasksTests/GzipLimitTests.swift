import Foundation
import Testing
@testable import KLTasks

/// Compressed IDX files are inflated no further than their header says they hold: the header first
/// (its magic number and sizes), then the rest with exactly that size as the limit.
@Suite struct GzipLimitTests {
    /// A gzip file (one member) of `bytes`.
    static func gzip(_ bytes: [UInt8]) -> Data {
        var file: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF] + Deflate.compress(bytes)
        for value in [CRC32.checksum(bytes), UInt32(truncatingIfNeeded: bytes.count)] {
            file += withUnsafeBytes(of: value.littleEndian) { Array($0) }
        }
        return Data(file)
    }

    /// An IDX image header promising `count` images of 28×28.
    static func imageHeader(count: UInt8) -> [UInt8] { [0, 0, 8, 3, 0, 0, 0, count, 0, 0, 0, 28, 0, 0, 0, 28] }

    @Test func prefixInflatesOnlyWhatIsAskedFor() throws {
        let bytes = (0..<100_000).map { UInt8($0 % 251) }
        let gz = Self.gzip(bytes)
        #expect(try Inflate.prefix(gzip: gz, count: 16) == Array(bytes.prefix(16)))
        #expect(try Inflate.prefix(gzip: gz, count: 1_000_000) == bytes)
        #expect(try Inflate.decompress(gzip: gz) == bytes)
    }

    @Test func aBombWithoutAnIDXHeaderIsRefusedByItsMagic() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let url = try scratch.write(Self.gzip([UInt8](repeating: 0, count: 16 << 20)), to: "train-images-idx3-ubyte.gz")
        #expect(throws: ImageDataError.wrongMagic(path: url.path, expected: IDX.imageMagic, found: 0)) { try IDX.images(contentsOf: url) }
    }

    @Test func dataBeyondWhatTheHeaderPromisesIsNeverInflated() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        // 10 images of 28×28 promised (7,856 bytes with the header), 16 MiB of zeros delivered.
        let url = try scratch.write(Self.gzip(Self.imageHeader(count: 10) + [UInt8](repeating: 0, count: 16 << 20)),
                                    to: "train-images-idx3-ubyte.gz")
        #expect {
            try IDX.images(contentsOf: url)
        } throws: { error in
            guard case ImageDataError.corruptCompression(let path, let reason) = error else { return false }
            return path == url.path && reason.contains("more than the 7856 bytes its header promises")
        }
        // What the header promises decodes.
        let exact = try scratch.write(Self.gzip(Self.imageHeader(count: 2) + [UInt8](repeating: 7, count: 2 * 784)), to: "ok.gz")
        #expect(try IDX.images(contentsOf: exact).count == 2)
    }
}
