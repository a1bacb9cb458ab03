import Foundation

/// What a launcher (Open MPI's `mpirun`, or a PMIx/PMI launcher such as Slurm's `srun`) tells the
/// processes it starts, read from the environment alone, so that a plain `klt train` never loads MPI.
public enum MPILauncher {
    /// Variables a launcher sets in every rank's environment: Open MPI's mpirun, PMIx, PMI-1/2.
    public static let rankVariables = ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"]
    /// Prefixes of the variables through which a launcher reaches its ranks; a child process that is
    /// not a rank itself (a sweep's `klt train`) must not see them, or it would try to join the job.
    public static let variablePrefixes = ["OMPI_", "PMIX_", "PMI_", "ORTE_", "PRTE_", "HYDRA_", "MPI_LOCAL"]

    /// Whether this process was started by a launcher as one rank of a parallel job.
    public static func isLaunched(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        rankVariables.contains { environment[$0] != nil }
    }

    /// How many ranks the launcher started on this machine (Open MPI's `OMPI_COMM_WORLD_LOCAL_SIZE`,
    /// MPICH's `MPI_LOCALNRANKS`), 1 when it does not say: the ranks that share this machine's cores.
    public static func localRanks(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        for key in ["OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"] {
            if let text = environment[key], let count = Int(text), count > 0 { return count }
        }
        return 1
    }

    /// `environment` without the launcher's variables, for a child process that is not a rank.
    public static func environmentForChildProcess(_ environment: [String: String]) -> [String: String] {
        environment.filter { key, _ in !variablePrefixes.contains { key.hasPrefix($0) } }
    }

    /// The worker threads each rank uses by default: this machine's cores shared by its ranks
    /// (`localRanks`), and never more than the cores this process may run on (a launcher that binds
    /// each rank to one core leaves it one).
    public static func threadsPerRank(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        let shared = ProcessInfo.processInfo.processorCount / localRanks(environment: environment)
        return max(1, min(shared, ProcessInfo.processInfo.activeProcessorCount))
    }
}
