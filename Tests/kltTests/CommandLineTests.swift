import ArgumentParser
import Testing
@testable import klt

/// `klt`'s argument handling: bad values are refused with a message naming the option.
@Suite struct CommandLineTests {
    /// The error message `klt` would print for these arguments, or nil when they parse.
    static func parseError(_ arguments: [String]) -> String? {
        do {
            _ = try KLT.parseAsRoot(arguments)
            return nil
        } catch {
            return KLT.message(for: error)
        }
    }

    @Test func defaultsParse() {
        #expect(Self.parseError(["train"]) == nil)
        #expect(Self.parseError(["kernels"]) == nil)
        #expect(Self.parseError(["train", "--task", "pathfinder", "--difficulty", "4"]) == nil)
        #expect(Self.parseError(["data", "listops", "--output", "/tmp/x"]) == nil)
    }

    @Test(arguments: [
        (["train", "--kernel", "nope"], "--kernel"),
        (["train", "--kernel", "oprf+nope"], "unknown frequency source 'nope'"),
        (["train", "--kernel", "xrf+orf"], "unknown component 'xrf'"),
        (["train", "--preset", "huge"], "--preset"),
        (["train", "--task", "imagenet"], "--task"),
        (["train", "--steps", "0"], "--steps"),
        (["train", "--steps", "many"], "steps"),
        (["train", "--lr", "-1"], "--lr"),
        (["train", "--schedule", "linear"], "--schedule"),
        (["train", "--clip", "0"], "--clip"),
        (["eval", "--checkpoint", "x", "--split", "dev"], "--split"),
        (["eval"], "checkpoint"),
        (["train", "--threads", "0"], "--threads"),
        (["train", "--task", "pathfinder", "--difficulty", "medium"], "--difficulty"),
        (["train", "--task", "pathfinder", "--difficulty", "2"], "--difficulty"),
        (["train", "--resume", "--overwrite"], "--overwrite"),
        (["sweep", "--kernels", "GMM-PRF"], "--seeds"),
        (["sweep", "--kernels", "GMM-PRF", "--seeds", "1", "--jobs", "0"], "--jobs"),
        (["sweep", "--kernels", "GMM-PRF", "--seeds", "1", "--shard", "3/3"], "--shard"),
        (["sweep", "grid.toml", "--kernels", "GMM-PRF"], "sweep file"),
        (["experiment", "everything"], "experiment"),
        (["grid", "--checkpoint", "x", "--frequencies", "64,many"], "--frequencies"),
        (["grid", "--checkpoint", "x", "--kernels", "oprf+nope"], "unknown frequency source 'nope'"),
        (["grid", "--checkpoint", "x", "--draws", "0"], "--draws"),
    ])
    func badArgumentsAreNamed(arguments: [String], option: String) throws {
        let message = try #require(Self.parseError(arguments))
        #expect(message.contains(option), "message '\(message)' does not name \(option)")
    }

    @Test func sweepPlansAreCheckedBeforeAnyRun() throws {
        func planError(_ arguments: [String]) throws -> String? {
            let command = try #require(try KLT.parseAsRoot(arguments) as? Sweep)
            do {
                _ = try command.plan()
                return nil
            } catch {
                return Sweep.message(for: error)
            }
        }
        #expect(try planError(["sweep", "--kernels", "GMM-PRF,FAVOR+", "--seeds", "1,2", "--", "--steps", "10"]) == nil)
        #expect(try planError(["sweep", "--kernels", "GMM-PRF,nope", "--seeds", "1"])?.contains("unknown kernel 'nope'") == true)
        #expect(try planError(["sweep", "--kernels", "GMM-PRF", "--seeds", "1,-2"])?.contains("--seeds") == true)
        #expect(try planError(["sweep", "--kernels", "GMM-PRF", "--seeds", "1", "--", "--steps", "0"])?.contains("--steps") == true)
        #expect(try planError(["sweep", "--kernels", "GMM-PRF", "--seeds", "1", "--", "--seed", "4"])?.contains("set by the sweep") == true)
    }

    @Test func kernelAliasesAreAccepted() {
        #expect(Self.parseError(["train", "--kernel", "mix-gauss-positive"]) == nil)
        #expect(Self.parseError(["train", "--kernel", "FastFood-RKS"]) == nil)
    }
}
