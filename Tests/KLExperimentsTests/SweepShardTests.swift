import KLExperiments
import Testing

/// How a sweep's shard is dealt out between the ranks of an MPI job (`mpirun -np N klt sweep`).
@Suite struct SweepShardTests {
    @Test func ranksShareAShardWithoutOverlap() {
        for shard in [SweepShard.all, SweepShard(index: 1, count: 3)] {
            let positions = Array(0..<40).filter(shard.contains(position:))
            let dealt = (0..<4).map { rank in positions.filter(shard.dealt(toRank: rank, of: 4).contains(position:)) }
            #expect(dealt.flatMap { $0 }.sorted() == positions)
            #expect(dealt.allSatisfy { abs($0.count - positions.count / 4) <= 1 })
        }
    }
}
