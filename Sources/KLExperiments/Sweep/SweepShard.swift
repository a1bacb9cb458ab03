/// The slice of a sweep one process runs: runs whose position in the grid leaves `index` as the
/// remainder by `count`, so `count` processes (a cluster job array, say Slurm's
/// `--array=0-3` with `--shard $SLURM_ARRAY_TASK_ID/4`) split a grid evenly between them.
public struct SweepShard: Equatable, Sendable, CustomStringConvertible {
    /// This slice, 0-based.
    public var index: Int
    /// How many slices there are.
    public var count: Int

    /// The whole sweep.
    public static let all = SweepShard(index: 0, count: 1)

    /// A slice; `index` must be in `0..<count`.
    public init(index: Int, count: Int) {
        precondition(count > 0 && (0..<count).contains(index), "invalid shard \(index)/\(count)")
        self.index = index
        self.count = count
    }

    /// Parses "i/n" (0-based i); nil when it is not of that form or i ∉ 0..<n.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count > 0, (0..<count).contains(index) else {
            return nil
        }
        self.init(index: index, count: count)
    }

    /// The part of this slice that rank `rank` of `ranks` runs: every `ranks`-th of its runs, so the
    /// ranks of an MPI job split a slice as a job array splits the grid, and each run of the slice
    /// belongs to exactly one rank.
    public func dealt(toRank rank: Int, of ranks: Int) -> SweepShard {
        SweepShard(index: index + count * rank, count: count * ranks)
    }

    /// Whether the run at `position` in the grid belongs to this slice.
    public func contains(position: Int) -> Bool { position % count == index }

    /// "i/n".
    public var description: String { "\(index)/\(count)" }
}
