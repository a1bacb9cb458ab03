import Foundation
import KLTraining
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `klt train --init-from`: a run starts from another run's checkpoint (a curriculum's next stage)
/// with a fresh optimizer and schedule, and a checkpoint of another model is refused by name.
@Suite struct InitFromTests {
    static func arguments(output: URL, cache: URL, steps: Int, learningRate: String = "0.003") -> [String] {
        ["train", "--preset", "tiny", "--steps", "\(steps)", "--eval-every", "\(steps)", "--batch-size", "8", "--lr", learningRate,
         "--train-examples", "64", "--validation-examples", "16", "--test-examples", "16", "--seed", "3",
         "--cache-dir", cache.path, "--output-dir", output.path, "--quiet"]
    }

    /// The learned parameters of a checkpoint, by name.
    static func parameters(_ url: URL) throws -> [String: [Float]] {
        try Checkpoint.read(from: url).tensors.filter { $0.key.hasPrefix("param/") }.mapValues(\.scalars)
    }

    @Test func aRunStartsFromTheCheckpointItIsGiven() throws {
        let root = try KLTProcess.freshFolder("klt-init-from-\(getpid())")
        defer { try? FileManager.default.removeItem(at: root) }
        let cache = root.appendingPathComponent("cache")
        let first = root.appendingPathComponent("first"), second = root.appendingPathComponent("second")
        let trained = try KLTProcess.run(Self.arguments(output: first, cache: cache, steps: 6), log: root.appendingPathComponent("first.log"))
        #expect(trained.status == 0, "\(trained.output)")
        let start = first.appendingPathComponent("last.safetensors")
        // A learning rate too small to move anything: the second run's parameters stay the first run's.
        let continued = try KLTProcess.run(Self.arguments(output: second, cache: cache, steps: 2, learningRate: "1e-12")
                                           + ["--init-from", start.path], log: root.appendingPathComponent("second.log"))
        #expect(continued.status == 0, "\(continued.output)")
        let before = try Self.parameters(start), after = try Self.parameters(second.appendingPathComponent("last.safetensors"))
        #expect(before.keys.sorted() == after.keys.sorted())
        for (name, values) in before {
            let moved = zip(values, after[name] ?? []).map { abs($0 - $1) }.max() ?? .infinity
            #expect(moved < 1e-6, "\(name) moved by \(moved)")
        }
        // The second run counts its own steps from 0.
        #expect(try Checkpoint.read(from: second.appendingPathComponent("last.safetensors")).state.step == 2)

        let refused = try KLTProcess.run(Self.arguments(output: root.appendingPathComponent("third"), cache: cache, steps: 2)
                                         + ["--preset", "cpu", "--init-from", start.path], log: root.appendingPathComponent("third.log"))
        #expect(refused.status != 0)
        #expect(refused.output.contains(start.path), "\(refused.output)")
    }
}
