/// Why MPI could not be used, or a collective call failed.
public enum MPIError: Error, CustomStringConvertible, Equatable {
    /// The process was started by a launcher but no usable MPI library was found (the reason says why).
    case unavailable(String)
    /// An MPI call returned an error code.
    case callFailed(call: String, code: Int32)

    public var description: String {
        switch self {
        case .unavailable(let reason): "MPI: \(reason)"
        case .callFailed(let call, let code): "MPI: \(call) failed with error code \(code)"
        }
    }
}
