import KLTensor
import KLTraining

/// What runs a command: the compute backend line printed by `klt info` and at the start of training,
/// and the MPI line of `klt info`.
enum BackendDescription {
    /// The compute backend, vector instruction set and threads, followed by the rank and MPI
    /// library when `group` has several processes.
    static func line(for group: ProcessGroup = .single) -> String {
        "backend: \(ComputeBackend.current) · vector math \(VectorMath.instructionSet) · \(Parallel.threadCount) threads"
            + (group.isDistributed ? " · MPI \(group.summary)" : "")
    }

    /// The MPI library `mpirun -np N klt …` would use, or why there is none; under a launcher, this
    /// process's rank. Loading the library here initialises nothing.
    static func mpiLine(for group: ProcessGroup) -> String {
        if group.isDistributed { return "MPI: \(group.summary)" }
        do {
            let library = try MPILibrary.load()
            return "MPI: \(library), for mpirun -np N klt train|sweep (this process is not an MPI rank)"
        } catch {
            return "MPI: none (\(error)); klt runs as one process"
        }
    }
}
