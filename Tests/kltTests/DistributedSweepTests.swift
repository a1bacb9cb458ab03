import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `mpirun -np 2 klt sweep`: the runs are dealt out between the ranks and each is trained once.
@Suite(.serialized, .enabled(if: MPIRun.isEnabled, MPIRun.requirement)) struct DistributedSweepTests {
    @Test func twoRanksFinishEveryRunOnce() throws {
        let root = try KLTProcess.freshFolder("klt-mpi-sweep-\(getpid())")
        defer { try? FileManager.default.removeItem(at: root) }
        let sweep = root.appendingPathComponent("sweep")
        let result = try MPIRun.run(ranks: 2, [
            "sweep", "--kernels", "elu+1,GMM-PRF", "--seeds", "1,2", "--presets", "tiny", "--output-dir", sweep.path, "--",
            "--steps", "10", "--eval-every", "5", "--batch-size", "8", "--train-examples", "160", "--validation-examples", "32",
            "--test-examples", "32", "--cache-dir", root.appendingPathComponent("cache").path,
        ], log: root.appendingPathComponent("sweep.log"))
        try #require(result.status == 0, "\(result.output)")
        #expect(result.output.contains("shard 0/2 has 2") && result.output.contains("shard 1/2 has 2"), "\(result.output)")
        #expect(result.output.contains("sweep: 4 finished, 0 failed, 0 unfinished (of 4 in this shard, over 2 ranks)"), "\(result.output)")
        let runs = sweep.appendingPathComponent("runs")
        let names = try FileManager.default.contentsOfDirectory(atPath: runs.path).sorted()
        #expect(names == ["listops-GMM-PRF-seed1-tiny", "listops-GMM-PRF-seed2-tiny", "listops-elu+1-seed1-tiny", "listops-elu+1-seed2-tiny"])
        for name in names {
            let run = runs.appendingPathComponent(name)
            #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("summary.json").path), "\(name) has no summary")
            // One session per run: its log holds one start, no resume.
            let log = try String(contentsOf: run.appendingPathComponent("train.log"), encoding: .utf8)
            #expect(log.components(separatedBy: "\ntask listops:").count == 2 && !log.contains("resuming"), "\(name):\n\(log)")
            // A run is not a rank of the sweep's job: it trained as one process.
            #expect(!log.contains("MPI rank"), "\(name):\n\(log)")
        }
        #expect(FileManager.default.fileExists(atPath: sweep.appendingPathComponent("report.md").path))
    }
}
