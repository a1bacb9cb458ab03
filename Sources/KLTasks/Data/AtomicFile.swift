import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files atomically: the bytes go to a temporary file in the destination's directory, which
/// is flushed to disk (`fsync`) and then renamed over the destination.
///
/// A reader therefore sees either the old file or the complete new one, never a half-written
/// file, even if the process dies or the machine loses power mid-write (data sets and
/// checkpoints must not be left truncated). The rename is atomic because the temporary file lies
/// on the same file system; the directory is synced afterwards so the rename itself is durable.
public enum AtomicFile {
    /// Writes `data` to `url` atomically, replacing any existing file.
    public static func write(_ data: Data, to url: URL) throws {
        try write(to: url) { writer in
            try data.withUnsafeBytes { try writer.write(UnsafeRawBufferPointer($0)) }
        }
    }

    /// Writes `text` (UTF-8) to `url` atomically, replacing any existing file.
    public static func write(_ text: String, to url: URL) throws {
        try write(to: url) { writer in try writer.write(text) }
    }

    /// Streams a file to `url` atomically: `body` writes through the `Writer` (which buffers), and
    /// only if it returns without throwing is the result synced and renamed into place; otherwise
    /// the temporary file is removed and the destination is untouched. Streaming keeps large files
    /// (hundreds of MB of ListOps) out of memory.
    public static func write(to url: URL, _ body: (inout Writer) throws -> Void) throws {
        let path = url.path
        let directory = url.deletingLastPathComponent().path
        let temporaryPath = directory + "/." + url.lastPathComponent + ".tmp-" + UUID().uuidString
        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            throw DataError.unwritableFile(path: path, reason: "cannot create \(temporaryPath): \(errorText())")
        }
        var writer = Writer(descriptor: descriptor, path: path)
        do {
            try body(&writer)
            try writer.flush()
            guard fsync(descriptor) == 0 else {
                throw DataError.unwritableFile(path: path, reason: "fsync failed: \(errorText())")
            }
            guard close(descriptor) == 0 else {
                writer.descriptor = -1
                throw DataError.unwritableFile(path: path, reason: "close failed: \(errorText())")
            }
            writer.descriptor = -1
            guard rename(temporaryPath, path) == 0 else {
                throw DataError.unwritableFile(path: path, reason: "rename failed: \(errorText())")
            }
        } catch {
            if writer.descriptor >= 0 { _ = close(writer.descriptor) }
            _ = unlink(temporaryPath)
            throw error
        }
        syncDirectory(directory)
    }

    /// A buffered sink for `write(to:_:)`: collects bytes and hands them to the file in large
    /// chunks.
    public struct Writer {
        /// The temporary file's descriptor (-1 once closed).
        fileprivate var descriptor: Int32
        /// The destination path, for error messages.
        fileprivate let path: String
        /// Bytes not yet written to the file.
        private var buffer: [UInt8] = []
        /// Flush once the buffer holds this many bytes.
        private static let chunkSize = 1 << 20

        fileprivate init(descriptor: Int32, path: String) {
            self.descriptor = descriptor
            self.path = path
            buffer.reserveCapacity(Self.chunkSize)
        }

        /// Appends the UTF-8 bytes of `text`.
        public mutating func write(_ text: String) throws {
            var text = text
            try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
        }

        /// Appends `bytes`.
        public mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
            buffer.append(contentsOf: bytes)
            if buffer.count >= Self.chunkSize { try flush() }
        }

        /// Writes every buffered byte to the file (retrying short writes and interruptions).
        fileprivate mutating func flush() throws {
            let descriptor = descriptor
            let path = path
            try buffer.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw DataError.unwritableFile(path: path, reason: "write failed: \(errorText())")
                    }
                    offset += written
                }
            }
            buffer.removeAll(keepingCapacity: true)
        }
    }

    /// Makes a completed rename durable by syncing the directory that holds it (best effort: some
    /// file systems do not allow it, and the data itself is already synced).
    private static func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = close(descriptor)
    }
}

/// The C library's `write(2)`, named apart from `Writer.write` so the call inside it is unambiguous.
@inline(__always)
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}

/// The current `errno` as text.
private func errorText() -> String {
    String(cString: strerror(errno))
}
