import Foundation
import KLTraining

/// Everything a report knows about one run of a sweep, read from its folder: where it stands, what
/// it was, how it scored and its curves.
public struct SweepRunResult: Sendable {
    /// The grid point.
    public var run: SweepRun
    /// The run folder.
    public var directory: URL
    /// Finished, failed, interrupted or pending.
    public var status: RunFolderStatus
    /// `run.json`, once the run has started.
    public var record: RunRecord?
    /// `summary.json`, once the run has finished.
    public var summary: RunSummary?
    /// `failed.json`, when the run failed.
    public var failure: RunFailure?
    /// The curves logged so far.
    public var metrics: RunMetrics

    /// Reads a run's folder.
    public init(run: SweepRun, directory: URL) {
        self.run = run
        self.directory = directory
        status = RunFolderStatus(directory: directory)
        record = try? RunRecord.read(from: directory)
        summary = RunSummary.read(from: directory)
        failure = RunFailure.read(from: directory)
        metrics = RunMetrics(directory: directory)
    }

    /// Whether the run finished with finite scores (a non-finite or missing score counts as failed).
    public var succeeded: Bool {
        guard status == .finished, let summary else { return false }
        return (summary.testAccuracy ?? summary.validationAccuracy).isFinite && summary.validationAccuracy.isFinite
    }

    /// The status a report shows: `finished`, `failed` (also for non-finite scores), `interrupted`, `pending`.
    public var reportedStatus: String {
        if status == .finished && !succeeded { return "failed" }
        return status.rawValue
    }
}

/// A sweep folder read back for a plan: the plan and every run's result, in grid order.
public struct SweepResults: Sendable {
    /// The sweep folder.
    public var directory: URL
    /// The plan reported on: the one in `sweep.json`, or one given (a named experiment reporting on
    /// its part of a sweep folder it shares with another).
    public var plan: SweepPlan
    /// Every run's result.
    public var runs: [SweepRunResult]

    /// Reads the runs of `plan` (default: the folder's `sweep.json`) from a sweep folder. Without a
    /// plan, a folder without `sweep.json` is refused with a message naming it; with one, a folder
    /// not started yet (a later stage of an experiment) reads as every run pending.
    public init(directory: URL, plan: SweepPlan? = nil) throws {
        let planURL = SweepRunner.planURL(in: directory)
        let data = FileManager.default.contents(atPath: planURL.path)
        if let plan {
            self.plan = plan
        } else {
            guard let data else {
                throw SweepError.conflictingPlan("\(directory.path) is not a sweep folder (it has no sweep.json); run `klt sweep` into it first")
            }
            do {
                self.plan = try JSONDecoder().decode(SweepPlan.self, from: data)
            } catch {
                throw SweepError.conflictingPlan("\(planURL.path) cannot be read as a sweep plan: \(error)")
            }
        }
        self.directory = directory
        let runsDirectory = SweepRunner.runsDirectory(in: directory)
        runs = self.plan.runs.map { SweepRunResult(run: $0, directory: runsDirectory.appendingPathComponent($0.name)) }
    }
}
