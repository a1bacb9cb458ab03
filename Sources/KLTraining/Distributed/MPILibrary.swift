import CKLKernels

/// The system's MPI library (Open MPI), opened at run time with `dlopen` (as OpenBLAS is): nothing
/// MPI is needed to build, and processes that are not ranks of a parallel job never load it.
public struct MPILibrary: Sendable, CustomStringConvertible {
    /// The name it was opened by, such as `libmpi.so.40`.
    public let fileName: String
    /// The first line of `MPI_Get_library_version`, such as "Open MPI v4.1.4, package: Debian OpenMPI, …".
    public let version: String

    /// Opens the library without initialising MPI; throws `MPIError.unavailable` with the reason
    /// (no library found, not Open MPI, a function missing).
    public static func load() throws(MPIError) -> MPILibrary {
        var error = [CChar](repeating: 0, count: 1024)
        guard kl_mpi_load(&error, error.count) == 1 else {
            throw MPIError.unavailable(String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        var text = [CChar](repeating: 0, count: 1024)
        let version = kl_mpi_library_version(&text, text.count) == 1
            ? String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "unknown version"
        return MPILibrary(fileName: String(cString: kl_mpi_library_name()),
                          version: String(version.split(separator: "\n").first ?? "unknown version"))
    }

    /// "Open MPI v4.1.4 (libmpi.so.40)": the version up to its first comma, and the file.
    public var description: String {
        "\(version.split(separator: ",").first.map(String.init) ?? version) (\(fileName))"
    }
}
