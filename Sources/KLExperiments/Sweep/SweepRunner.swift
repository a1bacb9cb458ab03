import Foundation
import KLTasks
import KLTraining

/// Runs a sweep: each run of its shard that has not finished is an ordinary `klt train` (or `klt
/// pretrain`, `SweepPlan.command`) process in
/// its own folder `runs/<name>` under the sweep folder, resumed from its last checkpoint when it has
/// one. `jobs` runs go at once, the cores split between them (`--threads`). A run that exits with an
/// error is recorded as failed (`failed.json`) and the sweep goes on; a run killed by a signal is
/// left to be resumed. Runs die with the sweep (`ParentProcess`), so a killed sweep restarted later
/// redoes no finished run and continues every interrupted one.
public final class SweepRunner: @unchecked Sendable {
    /// The grid.
    public let plan: SweepPlan
    /// The sweep folder.
    public let directory: URL
    /// The `klt` executable whose `train` (or `pretrain`) subcommand runs each run.
    public let executable: URL
    /// Runs at once.
    public let jobs: Int
    /// Threads each run uses.
    public let threadsPerRun: Int
    /// The slice of the grid this process runs.
    public let shard: SweepShard
    /// Whether runs recorded as failed are tried again.
    public let retriesFailed: Bool
    private let output: @Sendable (String) -> Void

    /// A runner; `cores` (default: every active core) are split evenly between the `jobs`.
    public init(plan: SweepPlan, directory: URL, executable: URL, jobs: Int = 1, cores: Int = ProcessInfo.processInfo.activeProcessorCount,
                shard: SweepShard = .all, retriesFailed: Bool = false, output: @escaping @Sendable (String) -> Void = { print($0); fflush(nil) }) {
        self.plan = plan
        self.directory = directory
        self.executable = executable
        self.jobs = max(1, jobs)
        threadsPerRun = max(1, cores / max(1, jobs))
        self.shard = shard
        self.retriesFailed = retriesFailed
        self.output = output
    }

    /// The folder of a run.
    public func folder(of run: SweepRun) -> URL { Self.runsDirectory(in: directory).appendingPathComponent(run.name) }

    /// `runs/` inside a sweep folder.
    public static func runsDirectory(in sweep: URL) -> URL { sweep.appendingPathComponent("runs") }

    /// The plan file inside a sweep folder.
    public static func planURL(in sweep: URL) -> URL { sweep.appendingPathComponent("sweep.json") }

    /// The runs of this shard, in grid order.
    public var shardRuns: [SweepRun] {
        plan.runs.enumerated().filter { shard.contains(position: $0.offset) }.map(\.element)
    }

    /// How a sweep ended.
    public struct Outcome: Sendable, Equatable {
        /// Runs of the shard that have a summary.
        public var finished: Int
        /// Runs of the shard recorded as failed.
        public var failed: Int
        /// Runs of the shard not finished (killed by a signal, or never started).
        public var unfinished: Int
    }

    /// Records the plan in the sweep folder (refusing a folder made with other common training
    /// options: its runs could not be compared), then runs every unfinished run of the shard.
    @discardableResult
    public func run() throws -> Outcome {
        try recordPlan()
        let runs = shardRuns
        let statuses = runs.map { RunFolderStatus(directory: folder(of: $0)) }
        let toDo = zip(runs, statuses).filter { _, status in
            status == .pending || status == .interrupted || (status == .failed && retriesFailed)
        }.map(\.0)
        let alreadyFinished = statuses.filter { $0 == .finished }.count
        let alreadyFailed = statuses.filter { $0 == .failed }.count
        output("sweep \(directory.path): \(plan.runs.count) runs in the grid\(shard.count > 1 ? ", shard \(shard) has \(runs.count)" : ""); "
               + "\(alreadyFinished) finished, \(alreadyFailed) failed\(retriesFailed ? " (retrying)" : ""), \(toDo.count) to run, "
               + "\(jobs) at a time × \(threadsPerRun) thread\(threadsPerRun == 1 ? "" : "s")")
        let queue = SweepQueue(runs: toDo, progress: SweepProgress(total: runs.count, done: alreadyFinished + (retriesFailed ? 0 : alreadyFailed), jobs: jobs))
        DispatchQueue.concurrentPerform(iterations: min(jobs, max(toDo.count, 1))) { _ in
            while let run = queue.next() {
                let started = Date()
                let line = self.execute(run)
                let remaining = queue.record(seconds: Date().timeIntervalSince(started), ended: line.ended)
                output("[\(remaining.done)/\(remaining.total)] \(run.name): \(line.text) in \(ProgressReporter.duration(Date().timeIntervalSince(started))) · \(remaining.text)")
            }
        }
        let final = runs.map { RunFolderStatus(directory: folder(of: $0)) }
        return Outcome(finished: final.filter { $0 == .finished }.count, failed: final.filter { $0 == .failed }.count,
                       unfinished: final.filter { $0 == .pending || $0 == .interrupted }.count)
    }

    /// Writes `sweep.json`, or checks that the one there has the same common options.
    private func recordPlan() throws {
        try FileManager.default.createDirectory(at: Self.runsDirectory(in: directory), withIntermediateDirectories: true)
        let url = Self.planURL(in: directory)
        if let data = FileManager.default.contents(atPath: url.path) {
            guard let existing = try? JSONDecoder().decode(SweepPlan.self, from: data) else {
                throw SweepError.conflictingPlan("\(url.path) is not a sweep plan; use another --output-dir")
            }
            guard existing.trainArguments == plan.trainArguments else {
                throw SweepError.conflictingPlan("\(directory.path) holds a sweep made with other training options (\(existing.trainArguments.joined(separator: " ")), now \(plan.trainArguments.joined(separator: " "))); its runs could not be compared: use another --output-dir")
            }
            guard existing.runCommand == plan.runCommand else {
                throw SweepError.conflictingPlan("\(directory.path) holds a sweep of `klt \(existing.runCommand.rawValue)` runs, now of `klt \(plan.runCommand.rawValue)`: use another --output-dir")
            }
            guard existing.initialisingSweep == plan.initialisingSweep, existing.initialisingTask == plan.initialisingTask else {
                throw SweepError.conflictingPlan("\(directory.path) holds a sweep whose runs started from \(existing.initialisingSweep.map { "the sweep \($0)" } ?? "scratch"), now from \(plan.initialisingSweep.map { "the sweep \($0)" } ?? "scratch"); its runs could not be compared: use another --output-dir")
            }
            if existing == plan { return }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try AtomicFile.write(try encoder.encode(plan), to: url)
    }

    /// The arguments of one run's `klt train` (or `klt pretrain`).
    public func trainArguments(for run: SweepRun) -> [String] {
        [plan.runCommand.rawValue] + plan.arguments(of: run) + (initialisingCheckpoint(for: run).map { ["--init-from", $0.path] } ?? [])
            + ["--output-dir", folder(of: run).path, "--resume", "--threads", String(threadsPerRun)]
    }

    /// The checkpoint a run starts from when the plan has an initialising sweep: the best one of
    /// the run of the same name in that sweep (`SweepPlan.initialisingSweep`), or of the run with the
    /// same axis values on the plan's initialising task (`SweepPlan.initialisingTask`).
    public func initialisingCheckpoint(for run: SweepRun) -> URL? {
        guard let sweep = plan.initialisingSweep else { return nil }
        let folder = URL(fileURLWithPath: sweep, relativeTo: directory.deletingLastPathComponent()).standardizedFileURL
        var origin = run
        if let task = plan.initialisingTask { origin.task = task }
        return Self.runsDirectory(in: folder).appendingPathComponent(origin.name).appendingPathComponent("best.safetensors")
    }

    /// Runs one `klt train` to its end, holding the run folder's lock so that two sweeps over one
    /// folder (overlapping shards, or a sweep started twice) never train the same run at once; returns
    /// a line for the progress output and whether the run ended (finished or failed: nothing left to do).
    private func execute(_ run: SweepRun) -> (text: String, ended: Bool) {
        let lock = folder(of: run).appendingPathComponent(".sweep.lock")
        do {
            let outcome = try FileLock.withExclusiveLockIfFree(on: lock) { () -> (text: String, ended: Bool) in
                // Another process may have finished it between our status check and the lock.
                guard RunFolderStatus(directory: folder(of: run)) != .finished else { return ("finished by another process", true) }
                return train(run)
            }
            return outcome ?? ("skipped: another process is training it", false)
        } catch {
            return ("could not be started: \(error)", false)
        }
    }

    /// Runs one `klt train` to its end, its output appended to the run's `train.log`.
    private func train(_ run: SweepRun) -> (text: String, ended: Bool) {
        let runFolder = folder(of: run)
        let logURL = runFolder.appendingPathComponent("train.log")
        do {
            try FileManager.default.createDirectory(at: runFolder, withIntermediateDirectories: true)
            try? FileManager.default.removeItem(at: runFolder.appendingPathComponent(RunFolderStatus.failureFileName))
            if !FileManager.default.fileExists(atPath: logURL.path) {
                guard FileManager.default.createFile(atPath: logURL.path, contents: nil) else {
                    return ("could not be started: cannot create \(logURL.path)", false)
                }
            }
            let log = try FileHandle(forWritingTo: logURL)
            defer { try? log.close() }
            try log.seekToEnd()
            let process = Process()
            process.executableURL = executable
            process.arguments = trainArguments(for: run)
            // A run is never a rank of the sweep's MPI job: it must not see the launcher's variables.
            var environment = MPILauncher.environmentForChildProcess(ProcessInfo.processInfo.environment)
            environment[ParentProcess.environmentKey] = String(ProcessInfo.processInfo.processIdentifier)
            environment.removeValue(forKey: "KLT_THREADS")
            process.environment = environment
            process.standardOutput = log
            process.standardError = log
            process.standardInput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            if process.terminationReason == .uncaughtSignal {
                return ("killed by signal \(process.terminationStatus); it resumes from its last checkpoint when the sweep is run again", false)
            }
            guard process.terminationStatus == 0 else {
                let tail = Self.tail(of: logURL, lines: 20)
                try RunFailure(exitStatus: process.terminationStatus, logTail: tail).write(to: runFolder)
                let reason = tail.split(separator: "\n").last.map(String.init) ?? "no output"
                return ("FAILED (exit \(process.terminationStatus)): \(reason) — see \(logURL.path)", true)
            }
            if plan.runCommand == .pretrain, let summary = PretrainingRunSummary.read(from: runFolder) {
                return (String(format: "test %.3f, validation %.3f bits per byte", summary.testBitsPerByte ?? .nan, summary.validationBitsPerByte), true)
            }
            guard let summary = RunSummary.read(from: runFolder) else {
                return ("ended without a summary.json; see \(logURL.path)", false)
            }
            return (String(format: "test %.2f%%, validation %.2f%%", 100 * (summary.testAccuracy ?? .nan), 100 * summary.validationAccuracy), true)
        } catch {
            return ("could not be started: \(error)", false)
        }
    }

    /// The last `lines` lines of a text file.
    static func tail(of url: URL, lines: Int) -> String {
        guard let data = FileManager.default.contents(atPath: url.path) else { return "" }
        let text = String(decoding: data.suffix(64 * 1024), as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: true).suffix(lines).joined(separator: "\n")
    }
}

/// The runs still to start and the progress so far, shared by a sweep's job threads.
private final class SweepQueue: @unchecked Sendable {
    private let lock = NSLock()
    private let runs: [SweepRun]
    private var position = 0
    private var progress: SweepProgress

    init(runs: [SweepRun], progress: SweepProgress) {
        self.runs = runs
        self.progress = progress
    }

    /// The next run to start, or nil when every run has been handed out.
    func next() -> SweepRun? {
        lock.withLock {
            defer { position += 1 }
            return position < runs.count ? runs[position] : nil
        }
    }

    /// Counts a run that stopped; returns the runs done, the total and the time-left text.
    func record(seconds: Double, ended: Bool) -> (done: Int, total: Int, text: String) {
        lock.withLock {
            progress.record(seconds: seconds, ended: ended)
            return (progress.done, progress.total, progress.remainingDescription)
        }
    }
}

/// Runs done out of the total and the time left, estimated from the runs measured so far.
struct SweepProgress {
    /// Runs in the shard.
    let total: Int
    /// Runs that need no more work (finished, or failed and not retried).
    var done: Int
    /// Runs at once.
    let jobs: Int
    private var measured: [Double] = []

    init(total: Int, done: Int, jobs: Int) {
        self.total = total
        self.done = done
        self.jobs = jobs
    }

    /// Counts a run that stopped after `seconds`; `ended`: it needs no more work.
    mutating func record(seconds: Double, ended: Bool) {
        if ended { done += 1 }
        measured.append(seconds)
    }

    /// "12 to go, ETA 25m10s (2m06s a run)".
    var remainingDescription: String {
        let left = total - done
        guard left > 0 else { return "sweep complete" }
        guard !measured.isEmpty else { return "\(left) to go" }
        let mean = measured.reduce(0, +) / Double(measured.count)
        let eta = mean * Double(left) / Double(min(jobs, left))
        return "\(left) to go, ETA \(ProgressReporter.duration(eta)) (\(ProgressReporter.duration(mean)) a run)"
    }
}
