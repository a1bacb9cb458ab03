import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An advisory lock on a file (`flock`), held while a closure runs, so that processes sharing a
/// cache (the runs of a sweep started side by side) generate or fetch a data set once, the others
/// waiting and then finding it ready. The lock is released when the closure returns or the process dies.
public enum FileLock {
    /// Runs `body` holding an exclusive lock on `url` (created if needed); blocks until it is free.
    public static func withExclusiveLock<T>(on url: URL, _ body: () throws -> T) throws -> T {
        try withLock(on: url, waiting: true, body)!
    }

    /// Runs `body` holding an exclusive lock on `url` if no other process holds it; returns nil at
    /// once, without running `body`, if one does (a sweep's run that another process is training).
    public static func withExclusiveLockIfFree<T>(on url: URL, _ body: () throws -> T) throws -> T? {
        try withLock(on: url, waiting: false, body)
    }

    private static func withLock<T>(on url: URL, waiting: Bool, _ body: () throws -> T) throws -> T? {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw DataError.unwritableFile(path: url.path, reason: "cannot open the lock file: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        while flock(descriptor, waiting ? LOCK_EX : LOCK_EX | LOCK_NB) != 0 {
            if errno == EWOULDBLOCK && !waiting { return nil }
            guard errno == EINTR else {
                throw DataError.unwritableFile(path: url.path, reason: "cannot lock: \(String(cString: strerror(errno)))")
            }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}
