import CKLKernels
import Foundation

/// The processes that work on one job together: this process alone, or the ranks of an MPI job
/// started by `mpirun`. Every collective method must be called by every rank in the same order;
/// for a single process they return their input.
public final class ProcessGroup: Sendable {
    /// This process's rank, 0-based.
    public let rank: Int
    /// How many processes the group has.
    public let size: Int
    /// The MPI library the group talks through (nil for a single process).
    public let library: MPILibrary?

    private init(rank: Int, size: Int, library: MPILibrary?) {
        self.rank = rank
        self.size = size
        self.library = library
    }

    /// This process on its own.
    public static let single = ProcessGroup(rank: 0, size: 1, library: nil)

    /// Whether this is rank 0, the rank that alone writes files and prints progress.
    public var isRoot: Bool { rank == 0 }

    /// Whether the group has more than one process.
    public var isDistributed: Bool { size > 1 }

    /// The group this process belongs to: when a launcher started it (`MPILauncher.isLaunched`), MPI
    /// is loaded and initialised (once per process) and the group is its world; otherwise `single`,
    /// and MPI is never loaded. Throws `MPIError` when a launcher started the process but MPI cannot
    /// be used.
    public static func world() throws -> ProcessGroup {
        try launched.get()
    }

    private static let launched = Result<ProcessGroup, MPIError> { () throws(MPIError) -> ProcessGroup in
        guard MPILauncher.isLaunched() else { return .single }
        let library = try MPILibrary.load()
        var rank: Int32 = 0, size: Int32 = 0
        let code = kl_mpi_init(&rank, &size)
        guard code == 0 else { throw MPIError.callFailed(call: "MPI_Init_thread", code: code) }
        return ProcessGroup(rank: Int(rank), size: Int(size), library: library)
    }

    /// "rank 1 of 4, Open MPI v4.1.4 (libmpi.so.40)", or "single process".
    public var summary: String {
        guard let library else { return "single process" }
        return "rank \(rank) of \(size), \(library)"
    }

    private func check(_ code: Int32, _ call: String) throws {
        guard code == 0 else { throw MPIError.callFailed(call: call, code: code) }
    }

    /// Replaces `values` on every rank by their sum over the ranks (one MPI_Allreduce).
    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) throws {
        guard isDistributed, let base = values.baseAddress else { return }
        try check(kl_mpi_allreduce_sum_float(base, values.count), "MPI_Allreduce")
    }

    /// The sums over the ranks of `values` (one MPI_Allreduce).
    public func allReduceSum(_ values: [Double]) throws -> [Double] {
        guard isDistributed else { return values }
        var sums = values
        try sums.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            try check(kl_mpi_allreduce_sum_double(base, buffer.count), "MPI_Allreduce")
        }
        return sums
    }

    /// Every rank's `value`, in rank order.
    public func allGather(_ value: UInt64) throws -> [UInt64] {
        guard isDistributed else { return [value] }
        var mine = value
        var all = [UInt64](repeating: 0, count: size)
        try all.withUnsafeMutableBytes { receive in
            try check(kl_mpi_allgather_bytes(&mine, MemoryLayout<UInt64>.size, receive.baseAddress), "MPI_Allgather")
        }
        return all
    }

    /// Rank 0's `bytes` on every rank (the other ranks' argument is ignored; pass nil). Rank 0 sends
    /// nil as "nothing", which every rank then receives.
    public func broadcastFromRoot(_ bytes: [UInt8]?) throws -> [UInt8]? {
        guard isDistributed else { return bytes }
        var count: Int64 = isRoot ? Int64(bytes?.count ?? -1) : 0
        try check(kl_mpi_broadcast_bytes(&count, MemoryLayout<Int64>.size, 0), "MPI_Bcast")
        guard count >= 0 else { return nil }
        var received = isRoot ? bytes! : [UInt8](repeating: 0, count: Int(count))
        try received.withUnsafeMutableBytes { buffer in
            guard buffer.count > 0 else { return }
            try check(kl_mpi_broadcast_bytes(buffer.baseAddress, buffer.count, 0), "MPI_Bcast")
        }
        return received
    }

    /// Waits until every rank has called it. A rank that may wait long (a sweep's rank whose runs
    /// are done) passes `pollInterval`: it then sleeps between checks instead of spinning on a core.
    public func barrier(pollingEvery pollInterval: Duration? = nil) throws {
        guard isDistributed else { return }
        let microseconds = pollInterval.map { max(1, UInt32(clamping: Int64(($0 / .microseconds(1)).rounded()))) } ?? 0
        try check(kl_mpi_barrier(microseconds), "MPI_Barrier")
    }

    /// Runs `body`, the whole work of this process in the group, and leaves MPI cleanly: on success
    /// MPI is finalised; when `body` throws in a group of several processes, the error is printed
    /// with this rank's number and MPI_Abort ends every rank of the job at once (the others would
    /// otherwise wait for this one in their next collective call). A single process rethrows.
    public func running<Result>(_ body: () throws -> Result) rethrows -> Result {
        guard isDistributed else { return try body() }
        do {
            let result = try body()
            _ = kl_mpi_finalize()
            return result
        } catch {
            FileHandle.standardError.write(Data("Error (rank \(rank) of \(size)): \(error)\n".utf8))
            kl_mpi_abort(1)
            exit(1)
        }
    }
}
