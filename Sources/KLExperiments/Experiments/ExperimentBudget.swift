import Foundation
import KLTraining

/// What a sweep will cost before it starts: runs and steps left, and the time they take at the speed
/// its finished runs measured on this machine (or, before any has finished, that the first run will tell).
public struct ExperimentBudget: CustomStringConvertible, Sendable {
    /// Runs of the shard.
    public var runs: Int
    /// Runs still to train (or to finish).
    public var remaining: Int
    /// Steps of a run.
    public var steps: Int?
    /// Mean training seconds of a finished run, from their summaries (classifier or pre-training).
    public var measuredSecondsPerRun: Double?
    /// Runs at once.
    public var jobs: Int

    /// The budget of `runner`'s shard as its folder stands.
    public init(runner: SweepRunner) {
        let results = runner.shardRuns.map { SweepRunResult(run: $0, directory: runner.folder(of: $0)) }
        runs = results.count
        remaining = results.filter { $0.status != .finished && $0.status != .failed }.count
        let arguments = runner.plan.trainArguments
        steps = arguments.firstIndex(of: "--steps").flatMap { arguments.indices.contains($0 + 1) ? Int(arguments[$0 + 1]) : nil } ?? 4000
        let seconds = results.compactMap { $0.summary?.trainingSeconds ?? PretrainingRunSummary.read(from: $0.directory)?.trainingSeconds }
        measuredSecondsPerRun = seconds.isEmpty ? nil : seconds.reduce(0, +) / Double(seconds.count)
        jobs = runner.jobs
    }

    /// "budget: 30 runs × 2000 steps, 18 left; …".
    public var description: String {
        var text = "budget: \(runs) runs × \(steps.map(String.init) ?? "?") steps, \(remaining) still to train, \(jobs) at a time"
        if let measuredSecondsPerRun {
            let total = measuredSecondsPerRun * Double(remaining) / Double(max(1, min(jobs, remaining)))
            text += "; at \(ProgressReporter.duration(measuredSecondsPerRun)) of training per finished run here, about \(ProgressReporter.duration(total)) more (plus evaluation)"
        } else {
            text += "; no run has finished yet: the progress line gives an ETA after the first"
        }
        return text
    }
}
