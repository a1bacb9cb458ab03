import Foundation
import KLTraining
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A `klt train` run killed with SIGKILL at random moments (some of them while a checkpoint is
/// being written) and started again with `--resume` after each kill ends with exactly what a run
/// that was never killed produces: every training loss and validation score bit for bit, the same
/// test result, every step logged once, no temporary file left, and no resume losing more than one
/// evaluation interval.
@Suite(.serialized) struct TrainingCrashResumeTests {
    static let evaluationInterval = 5
    static let steps = 60

    static func arguments(output: URL, cache: URL) -> [String] {
        ["train", "--preset", "tiny", "--kernel", "GMM-PRF", "--steps", "\(steps)", "--eval-every", "\(evaluationInterval)",
         "--batch-size", "8", "--lr", "0.003", "--train-examples", "160", "--validation-examples", "32", "--test-examples", "32",
         "--seed", "3", "--cache-dir", cache.path, "--output-dir", output.path, "--resume"]
    }

    /// Fields that measure time or memory, which differ between any two runs.
    static let measuredFields: Set<String> = ["seconds", "stepsPerSecond", "trainingSeconds", "peakResidentBytes", "peakTensorBytes"]

    /// metrics.jsonl as JSON objects without the measured fields (a torn last line, as a kill can
    /// leave, is skipped).
    static func records(_ run: URL) throws -> [[String: String]] {
        let text = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return object.filter { !measuredFields.contains($0.key) }.mapValues { "\($0)" }
        }
    }

    /// The largest training step logged so far (0 when none).
    static func lastLoggedStep(_ run: URL) -> Int {
        let records = (try? records(run)) ?? []
        return records.filter { $0["kind"] == "train" }.compactMap { $0["step"].flatMap(Int.init) }.max() ?? 0
    }

    /// Whether a checkpoint is being written (its temporary file exists).
    static func writingCheckpoint(_ run: URL) -> Bool {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: run.path)) ?? []
        return names.contains { $0.hasPrefix(".") && $0.hasSuffix(".tmp") }
    }

    @Test func killedRunsResumeToTheUninterruptedLosses() throws {
        let root = try KLTProcess.freshFolder("klt-crash-resume-\(getpid())")
        defer { try? FileManager.default.removeItem(at: root) }
        let cache = root.appendingPathComponent("cache")

        let reference = root.appendingPathComponent("uninterrupted")
        let whole = try KLTProcess.run(Self.arguments(output: reference, cache: cache), log: root.appendingPathComponent("reference.log"))
        #expect(whole.status == 0, "\(whole.output)")

        // Kill moments from a fixed seed (SplitMix64), tied to progress so that they land on any
        // machine: attempt k kills once step 6k + 1…6k + 5 has been logged, and every third attempt as
        // soon as a checkpoint's temporary file appears instead.
        var state: UInt64 = 0x5EED_CAFE
        func nextStep(_ attempt: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return 6 * attempt + 1 + Int((z ^ (z >> 31)) % 5)
        }
        let interrupted = root.appendingPathComponent("interrupted")
        var kills = 0, killsWhileWriting = 0, lastStepBeforeKill: Int?
        for attempt in 0..<12 {
            let log = root.appendingPathComponent("attempt\(attempt).log")
            let process = try KLTProcess.start(Self.arguments(output: interrupted, cache: cache), log: log)
            let duringWrite = attempt % 3 == 2 && attempt < 9
            let target = nextStep(attempt)
            let deadline = Date().addingTimeInterval(120)
            while process.isRunning, Date() < deadline {
                if duringWrite ? Self.writingCheckpoint(interrupted) : Self.lastLoggedStep(interrupted) >= target { break }
                usleep(duringWrite ? 300 : 2_000)
            }
            let killed = attempt < 9 && process.isRunning
            if killed {
                if Self.writingCheckpoint(interrupted) { killsWhileWriting += 1 }
                kill(process.processIdentifier, SIGKILL)
            }
            process.waitUntilExit()
            let output = try String(contentsOf: log, encoding: .utf8)
            // The resume starts from the last checkpoint: at most one evaluation interval before
            // the last step the killed process had logged.
            if let before = lastStepBeforeKill {
                let resumed = output.split(separator: "\n").first { $0.contains("resuming") }
                    .flatMap { $0.split(separator: " ").last }.flatMap { Int($0) } ?? 0
                #expect(resumed >= before - Self.evaluationInterval, "lost steps \(resumed + 1)...\(before): \(output)")
            }
            if killed {
                kills += 1
                lastStepBeforeKill = Self.lastLoggedStep(interrupted)
                continue
            }
            #expect(process.terminationStatus == 0, "\(output)")
            break
        }
        #expect(kills >= 6, "only \(kills) kills landed before the run finished")
        print("TrainingCrashResumeTests: \(kills) SIGKILLs, \(killsWhileWriting) while a checkpoint was being written")

        let resumedRecords = try Self.records(interrupted), referenceRecords = try Self.records(reference)
        #expect(resumedRecords == referenceRecords)
        let trainSteps = resumedRecords.filter { $0["kind"] == "train" }.compactMap { $0["step"].flatMap(Int.init) }
        #expect(trainSteps == Array(1...Self.steps), "every step is logged once, in order")
        func summary(_ run: URL) throws -> [String: String] {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("summary.json"))) as? [String: Any]
            return try #require(object).filter { !Self.measuredFields.contains($0.key) }.mapValues { "\($0)" }
        }
        #expect(try summary(interrupted) == summary(reference))
        #expect(!Self.writingCheckpoint(interrupted), "a temporary file was left behind")
        // The final checkpoints hold the same tensors (parameters, buffers, Adam moments), step
        // and best step as the uninterrupted run's.
        for name in ["best.safetensors", "last.safetensors"] {
            let resumed = try Checkpoint.read(from: interrupted.appendingPathComponent(name))
            let whole = try Checkpoint.read(from: reference.appendingPathComponent(name))
            #expect(resumed.tensors.keys.sorted() == whole.tensors.keys.sorted())
            for (key, tensor) in whole.tensors {
                #expect(resumed.tensors[key]?.scalars.map(\.bitPattern) == tensor.scalars.map(\.bitPattern), "\(name): \(key) differs")
            }
            #expect(resumed.state.step == whole.state.step && resumed.state.bestStep == whole.state.bestStep, "\(name)")
        }
    }
}
