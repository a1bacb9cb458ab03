import Foundation

/// The results table of a sweep: one row per task and kernel (and feature count, length and preset
/// when the sweep varies them), aggregated over seeds. Failed runs are counted, never dropped.
public struct ResultsTable: Sendable {
    /// One row.
    public struct Row: Sendable {
        /// The grid point without its seed.
        public var key: SweepRun
        /// Runs of this row in the grid (one per seed).
        public var runs: Int
        /// Runs that finished with finite scores.
        public var succeeded: Int
        /// Runs that failed (an error, or a non-finite score).
        public var failed: Int
        /// Test accuracy of the best-on-validation checkpoint, over the succeeded seeds.
        public var test: SampleStatistics
        /// Best validation accuracy, over the succeeded seeds.
        public var validation: SampleStatistics
        /// Training steps per second, over the succeeded seeds.
        public var stepsPerSecond: SampleStatistics
        /// Training seconds per run, over the succeeded seeds.
        public var seconds: SampleStatistics
        /// The largest peak resident memory of a run, in bytes.
        public var peakResidentBytes: Int?
        /// The model's trainable parameters.
        public var parameters: Int?
        /// Majority-class accuracy on the evaluation split.
        public var majorityBaseline: Double?

        /// "f64 · len500 · cpu": what distinguishes rows of one kernel, when the sweep varies it.
        public var variant: String {
            [key.features.map { "f\($0)" }, key.maxLength.map { "len\($0)" }, key.preset].compactMap { $0 }.joined(separator: " · ")
        }
        /// The kernel with its variant, the label of this row's series in charts.
        public var label: String { variant.isEmpty ? key.kernel : "\(key.kernel) (\(variant))" }
    }

    /// Rows in grid order.
    public var rows: [Row]

    /// The table of a sweep's results.
    public init(_ results: SweepResults) {
        var order: [SweepRun] = []
        var groups: [SweepRun: [SweepRunResult]] = [:]
        for result in results.runs {
            var key = result.run
            key.seed = 0
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(result)
        }
        rows = order.map { key in
            let members = groups[key]!
            let good = members.filter(\.succeeded).compactMap(\.summary)
            return Row(key: key, runs: members.count, succeeded: good.count,
                       failed: members.filter { $0.reportedStatus == "failed" }.count,
                       test: SampleStatistics(good.compactMap(\.testAccuracy)),
                       validation: SampleStatistics(good.map(\.validationAccuracy)),
                       stepsPerSecond: SampleStatistics(good.compactMap(\.stepsPerSecond)),
                       seconds: SampleStatistics(good.map(\.trainingSeconds)),
                       peakResidentBytes: good.compactMap(\.peakResidentBytes).max(),
                       parameters: good.compactMap(\.parameters).first, majorityBaseline: good.first?.majorityBaseline)
        }
    }

    /// The tasks, in grid order.
    public var tasks: [String] {
        var seen = Set<String>()
        return rows.map(\.key.task).filter { seen.insert($0).inserted }
    }

    /// The columns a row can be best in.
    public enum Column: CaseIterable, Sendable {
        /// Highest mean test accuracy.
        case test
        /// Highest mean validation accuracy.
        case validation
        /// Most steps per second.
        case stepsPerSecond
        /// Least training time.
        case seconds
        /// Least peak memory.
        case memory
    }

    /// Whether `row` is the best of its task in `column` (ties all marked; rows without the value never).
    public func isBest(_ row: Row, in column: Column) -> Bool {
        let peers = rows.filter { $0.key.task == row.key.task }
        func value(_ r: Row) -> Double? {
            let v: Double? = switch column {
            case .test: r.test.mean
            case .validation: r.validation.mean
            case .stepsPerSecond: r.stepsPerSecond.mean
            case .seconds: -r.seconds.mean
            case .memory: r.peakResidentBytes.map { -Double($0) }
            }
            return v.flatMap { $0.isFinite ? $0 : nil }
        }
        guard peers.count > 1, let mine = value(row) else { return false }
        return peers.compactMap(value).allSatisfy { $0 <= mine }
    }
}
