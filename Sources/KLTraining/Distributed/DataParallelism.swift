import KLTensor

/// How a `Trainer` shares its work with the other ranks of a group (`mpirun -np N klt train`): each
/// rank takes a contiguous block of rows of every global batch (the batches and their order are a
/// single process's with the same seed), the gradients are summed in one all-reduce per step so that
/// every rank applies the same AdamW update, evaluation batches are dealt out between the ranks,
/// rank 0 alone writes files and prints, and the ranks compare parameter checksums every
/// `checksumInterval` steps (and before every checkpoint).
public struct DataParallelism: Sendable {
    /// The ranks that train together.
    public var group: ProcessGroup
    /// Steps between parameter checksums.
    public var checksumInterval: Int

    /// A data-parallel setting for `group`.
    public init(group: ProcessGroup, checksumInterval: Int = 100) {
        precondition(checksumInterval > 0, "checksumInterval must be positive, got \(checksumInterval)")
        self.group = group
        self.checksumInterval = checksumInterval
    }

    /// One process training alone.
    public static let none = DataParallelism(group: .single)

    /// The rows of a global batch of `rows` that `rank` of `ranks` takes: contiguous and disjoint,
    /// covering the batch, as even as can be (sizes differ by at most one).
    public static func rows(ofBatchOf rows: Int, rank: Int, ranks: Int) -> Range<Int> {
        (rows * rank / ranks)..<(rows * (rank + 1) / ranks)
    }

    /// This rank's rows of a global batch of `rows`.
    public func rows(ofBatchOf rows: Int) -> Range<Int> {
        Self.rows(ofBatchOf: rows, rank: group.rank, ranks: group.size)
    }

    /// The dropout generator of one rank at one step of a run of several ranks: a Philox stream keyed
    /// by the seed and the rank, at block `step`, so that ranks draw independent masks for their rows
    /// and a run resumed with any number of ranks needs no per-rank state. (A single process keeps
    /// the run's one dropout stream; masks therefore depend on the rank count, see the README.)
    public static func dropoutGenerator(seed: UInt64, rank: Int, step: Int) -> RandomGenerator {
        var z = seed ^ (0x4450_524B_0000_0000 | UInt64(rank))   // "DPRK"
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return RandomGenerator(state: .init(key: z ^ (z >> 31), counterLow: 0, counterHigh: UInt64(step)))
    }
}
