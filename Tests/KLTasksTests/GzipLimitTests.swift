import Foundation
import Testing
@testable import KLTasks

/// Compressed IDX files are inflated no further than their header says they hold: the header first
/// (its magic number and sizes), then the rest with exactly that size as the limit (the inflater's
/// own bounds are tested in `InflateTests`).
@Suite struct GzipLimitTests {
    /// A gzip file (one member) of `bytes`.
    static func gzip(_ bytes: [UInt8]) -> Data { Data(gzipMember(bytes)) }

    /// An IDX image header promising `count` images of 28×28.
    static func imageHeader(count: UInt8) -> [UInt8] { [0, 0, 8, 3, 0, 0, 0, count, 0, 0, 0, 28, 0, 0, 0, 28] }

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

    @Test func lessThanTheHeaderPromisesIsAWrongSize() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let url = try scratch.write(Self.gzip(Self.imageHeader(count: 2) + [UInt8](repeating: 7, count: 784)), to: "short.gz")
        #expect(throws: ImageDataError.wrongSize(path: url.path, expected: 16 + 2 * 784, found: 16 + 784)) {
            try IDX.images(contentsOf: url)
        }
    }

    @Test func aHeaderPromisingMoreThanTheLimitIsRefusedBeforeInflating() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        // 2^31 − 1 images of 28×28: far more than the 1 GiB limit.
        let header: [UInt8] = [0, 0, 8, 3, 0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 28, 0, 0, 0, 28]
        let url = try scratch.write(Self.gzip(header + [UInt8](repeating: 0, count: 1 << 20)), to: "huge.gz")
        #expect {
            try IDX.images(contentsOf: url)
        } throws: { error in
            guard case ImageDataError.corruptCompression(let path, let reason) = error else { return false }
            return path == url.path && reason.contains("more than the \(Gzip.outputLimit)-byte limit")
        }
    }
}
