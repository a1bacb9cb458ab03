internal import Crypto
import Foundation

/// SHA-256 (swift-crypto's, which is CryptoKit's on Apple platforms) in the form the fetcher needs:
/// lowercase hex digests, as registries and `sha256sum` print them and `FetchManifest` pins them.
extension SHA256 {
    /// The digest of `data` as 64 lowercase hex digits.
    static func hexDigest(of data: Data) -> String {
        hex(hash(data: data))
    }

    /// The digest of the file at `url` as 64 lowercase hex digits, read in 1 MiB chunks so large
    /// archives are not held in memory. Throws `DataError.unreadableFile` when it cannot be read.
    static func hexDigest(ofFile url: URL) throws -> String {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw DataError.unreadableFile(path: url.path, reason: DataFile.reason(for: error, path: url.path))
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: 1 << 20)
            } catch {
                throw DataError.unreadableFile(path: url.path, reason: DataFile.reason(for: error, path: url.path))
            }
            guard let chunk, !chunk.isEmpty else { break }
            hasher.update(data: chunk)
        }
        return hex(hasher.finalize())
    }

    /// `digest`'s bytes as lowercase hex digits, two per byte.
    private static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(2 * SHA256.Digest.byteCount)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
