import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends TFRecord-framed records to a new file, the container format of TensorBoard event files.
///
/// Each record is `uint64` length, masked CRC-32C of those 8 bytes, the data, masked CRC-32C of
/// the data, all little-endian. A record is handed to the operating system in one `write` as soon
/// as it is added (nothing is held back in user space), so a killed process leaves every earlier
/// record intact and at most a truncated last one, which TensorBoard's reader skips; `flush()`
/// additionally makes the records durable (`fsync`) against a machine crash.
///
/// The framing buffers are reused from record to record, so writing allocates nothing once they
/// have grown to the largest record. Not thread-safe: use one writer from one thread at a time.
public final class TFRecordWriter {
    /// The file the records go to.
    public let url: URL
    private var descriptor: Int32
    private var payload = ProtobufEncoder(capacity: 256)
    private var frame: [UInt8] = []

    /// Creates the file at `url` and opens it for writing. With `exclusive` (the default) an
    /// existing file is never overwritten: the call throws `TensorBoardError.io` with `EEXIST`.
    public init(creatingFileAt url: URL, exclusive: Bool = true) throws {
        self.url = url
        let flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC)
        descriptor = open(url.path, flags, 0o644)
        guard descriptor >= 0 else { throw TensorBoardError.io(operation: "create", path: url.path, errno: errno) }
        frame.reserveCapacity(256)
    }

    deinit { close() }

    /// Whether `close()` has been called.
    public var isClosed: Bool { descriptor < 0 }

    /// Appends one record whose data are `data`.
    public func write(_ data: UnsafeRawBufferPointer) throws {
        try writeRecord { $0.appendBytes(data) }
    }

    /// Appends one record whose data `encode` writes into a reused, empty encoder; the way to frame
    /// a protobuf message without building it in a buffer of its own.
    public func writeRecord(encoding encode: (inout ProtobufEncoder) throws -> Void) throws {
        guard descriptor >= 0 else { throw TensorBoardError.closed(path: url.path) }
        payload.removeAll()
        try encode(&payload)
        frame.removeAll(keepingCapacity: true)
        Self.frame(payload.bytes, into: &frame)
        try frame.withUnsafeBytes { try writeAll($0) }
    }

    /// Appends to `frame` the TFRecord framing of `data`: length, masked length CRC, data, masked
    /// data CRC (`data.count + 16` bytes).
    public static func frame(_ data: [UInt8], into frame: inout [UInt8]) {
        var length = UInt64(data.count).littleEndian
        withUnsafeBytes(of: &length) { lengthBytes in
            frame.append(contentsOf: lengthBytes)
            appendLittleEndian(CRC32C.maskedChecksum(lengthBytes), to: &frame)
        }
        frame.append(contentsOf: data)
        data.withUnsafeBytes { appendLittleEndian(CRC32C.maskedChecksum($0), to: &frame) }
    }

    /// Makes every record written so far durable on disk (`fsync`). Records already reach the
    /// operating system as they are written; this guards against power loss, not a killed process.
    public func flush() throws {
        guard descriptor >= 0 else { throw TensorBoardError.closed(path: url.path) }
        guard fsync(descriptor) == 0 else { throw TensorBoardError.io(operation: "fsync", path: url.path, errno: errno) }
    }

    /// Flushes and closes the file; later writes throw `TensorBoardError.closed`. Calling it again
    /// does nothing.
    public func close() {
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = systemClose(descriptor)
        descriptor = -1
    }

    private static func appendLittleEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    /// Writes all of `bytes`, resuming after a signal or a short write.
    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let written = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw TensorBoardError.io(operation: "write", path: url.path, errno: errno)
            }
            offset += written
        }
    }
}

/// `write(2)`, named apart from `TFRecordWriter.write(_:)`.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(descriptor, buffer, count)
    #elseif canImport(Musl)
    Musl.write(descriptor, buffer, count)
    #else
    Darwin.write(descriptor, buffer, count)
    #endif
}

/// `close(2)`, named apart from `TFRecordWriter.close()`.
private func systemClose(_ descriptor: Int32) -> Int32 {
    #if canImport(Glibc)
    Glibc.close(descriptor)
    #elseif canImport(Musl)
    Musl.close(descriptor)
    #else
    Darwin.close(descriptor)
    #endif
}
