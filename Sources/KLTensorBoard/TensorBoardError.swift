#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an event could not be written: bad input from the caller, or the file system refusing.
public enum TensorBoardError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A summary's tag was empty; TensorBoard groups and names every curve by its tag.
    case emptyTag
    /// A summary's step was negative; TensorBoard's x axis counts steps from 0.
    case negativeStep(tag: String, step: Int)
    /// The writer was used after `close()`.
    case closed(path: String)
    /// A system call on the event file failed with `errno`.
    case io(operation: String, path: String, errno: Int32)

    /// A one-line message naming what went wrong and where.
    public var description: String {
        switch self {
        case .emptyTag:
            "TensorBoard summary refused: the tag is empty (use a name such as \"train/loss\")"
        case .negativeStep(let tag, let step):
            "TensorBoard summary '\(tag)' refused: step \(step) is negative (steps count from 0)"
        case .closed(let path):
            "TensorBoard event file \(path) is closed; open a new EventFileWriter to write more"
        case .io(let operation, let path, let code):
            "TensorBoard event file \(path): \(operation) failed: \(String(cString: strerror(code))) (errno \(code))"
        }
    }
}
