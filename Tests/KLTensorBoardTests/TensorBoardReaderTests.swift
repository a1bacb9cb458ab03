import Foundation
import Testing
import KLTensorBoard

/// TensorBoard's own Python reader, run on a file this module wrote.
///
/// Runs where `python3 -c "import tensorboard"` succeeds, and always when the `CI` environment
/// variable is set, so that in CI a missing TensorBoard fails instead of skipping. To run it on a
/// developer machine: `pip install tensorboard`.
@Suite struct TensorBoardReaderTests {
    @Test(.enabled(if: PythonTensorBoard.isInstalled || PythonTensorBoard.isRequired,
                   "needs Python's tensorboard package (pip install tensorboard); required when CI is set"))
    func tensorBoardReadsTheFile() throws {
        let temporary = try TemporaryDirectory()
        let writer = try EventFileWriter(directory: temporary.url)
        let losses = (1...50).map { 2.5 / Double($0) + 0.01 * Double($0) }
        for (step, loss) in zip(1...50, losses) { try writer.addScalar("train/loss", loss, step: step, wallTime: 1_700_000_000 + Double(step)) }
        for step in [10, 20, 30] { try writer.addScalar("validation/accuracy", 0.1 + Double(step) / 100, step: step) }
        try writer.addScalar("train/grad_norm", .nan, step: 7)
        let weights: [Float] = (0..<1000).map { Float(sin(Double($0))) * 0.2 } + [.nan, .infinity]
        try writer.addHistogram("weights/layer0", values: weights, step: 50)
        writer.close()

        let result = try PythonTensorBoard.read(writer.url)
        #expect(result.scalarTags == ["train/grad_norm", "train/loss", "validation/accuracy"])
        #expect(result.histogramTags == ["weights/layer0"])

        let loss = try #require(result.scalars["train/loss"])
        #expect(loss.map(\.step) == Array(1...50))
        #expect(loss.map(\.value) == losses.map { Double(Float($0)) })               // stored as float32
        #expect(loss.map(\.wallTime) == (1...50).map { 1_700_000_000 + Double($0) })
        let accuracy = try #require(result.scalars["validation/accuracy"])
        #expect(accuracy.map(\.step) == [10, 20, 30])
        #expect(accuracy.map(\.value) == [0.2, 0.3, 0.4].map { Double(Float($0)) })
        #expect(result.nonFiniteScalars["train/grad_norm"] == ["nan"])

        let expected = Histogram(values: weights)
        let histogram = try #require(result.histograms["weights/layer0"]?.first)
        #expect(histogram.step == 50)
        #expect(histogram.num == 1000 && histogram.num == expected.count)
        #expect(histogram.min == expected.minimum && histogram.max == expected.maximum)
        #expect(histogram.sum == expected.sum && histogram.sumSquares == expected.sumOfSquares)
        #expect(histogram.bucketLimit == expected.bucketLimits && histogram.bucket == expected.bucketCounts)
        // What the dashboard serves: TensorBoard's conversion to [left, right, count] buckets.
        #expect(histogram.dashboardBucketCount == expected.bucketCounts.count)
        #expect(histogram.dashboardTotal == 1000)
        #expect(histogram.dashboardLeft == expected.minimum && histogram.dashboardRight == expected.maximum)
    }

    /// A run killed after step 30 and resumed from its checkpoint at step 20: the second event file
    /// starts with a session start at step 21, and TensorBoard shows steps 1...50 once each, the
    /// redone steps with the resumed session's values.
    @Test(.enabled(if: PythonTensorBoard.isInstalled || PythonTensorBoard.isRequired,
                   "needs Python's tensorboard package (pip install tensorboard); required when CI is set"))
    func aResumedRunShowsEachStepOnce() throws {
        let temporary = try TemporaryDirectory()
        let killed = try EventFileWriter(directory: temporary.url)
        for step in 1...30 { try killed.addScalar("train/loss", 1, step: step, wallTime: 1_700_000_000 + Double(step)) }
        killed.close()
        let resumed = try EventFileWriter(directory: temporary.url)
        try resumed.addSessionStart(step: 21, wallTime: 1_700_000_100)
        for step in 21...50 { try resumed.addScalar("train/loss", 2, step: step, wallTime: 1_700_000_100 + Double(step)) }
        resumed.close()
        #expect(resumed.url.lastPathComponent > killed.url.lastPathComponent, "TensorBoard reads a run's files in name order")

        let result = try PythonTensorBoard.read(temporary.url)
        let loss = try #require(result.scalars["train/loss"])
        #expect(loss.map(\.step) == Array(1...50))
        #expect(loss.map(\.value) == [Double](repeating: 1, count: 20) + [Double](repeating: 2, count: 30))
    }
}

/// Finding and running `python3` with TensorBoard installed.
enum PythonTensorBoard {
    /// `python3` on `PATH`, if any.
    static let python: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").lazy
            .map { URL(fileURLWithPath: String($0)).appendingPathComponent("python3") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// Whether `python3 -c "import tensorboard"` succeeds.
    static let isInstalled: Bool = (try? run(["-c", "import tensorboard"]).status) == 0

    /// Whether the test must run even without TensorBoard (in CI, so that a missing package fails).
    static var isRequired: Bool { ProcessInfo.processInfo.environment["CI"] != nil }

    struct Result: Decodable {
        struct Scalar: Decodable { var step: Int; var wallTime: Double; var value: Double }
        struct HistogramValue: Decodable {
            var step: Int
            var min, max, num, sum, sumSquares: Double
            var bucketLimit, bucket: [Double]
            var dashboardBucketCount: Int
            var dashboardTotal, dashboardLeft, dashboardRight: Double
        }
        var version: String
        var scalarTags, histogramTags: [String]
        var scalars: [String: [Scalar]]
        var nonFiniteScalars: [String: [String]]
        var histograms: [String: [HistogramValue]]
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Reads the event file at `url`, or the event files of the run folder `url`, with
    /// TensorBoard's `EventAccumulator` (and its dashboard's histogram conversion), returning what
    /// it saw.
    static func read(_ url: URL) throws -> Result {
        let output = try run(["-c", script, url.path])
        guard output.status == 0 else {
            throw Failure(description: "python3 exited with \(output.status): \(output.stderr)")
        }
        guard let line = output.stdout.split(separator: "\n").last else {
            throw Failure(description: "python3 printed nothing; stderr: \(output.stderr)")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let result = try decoder.decode(Result.self, from: Data(line.utf8))
        print("TensorBoard \(result.version) read \(url.lastPathComponent)")
        return result
    }

    private static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        guard let python else { throw Failure(description: "python3 is not on PATH (needed with tensorboard: pip install tensorboard)") }
        let process = Process()
        process.executableURL = python
        process.arguments = arguments
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Drain stderr concurrently so that neither pipe can fill and block the child.
        let errorData = ErrorCollector()
        let thread = Thread { errorData.data = stderr.fileHandleForReading.readDataToEndOfFile() }
        thread.start()
        let outData = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.isDone { usleep(1000) }
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errorData.data, as: UTF8.self))
    }

    private final class ErrorCollector: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Data?
        var data: Data {
            get { lock.withLock { stored ?? Data() } }
            set { lock.withLock { stored = newValue } }
        }
        var isDone: Bool { lock.withLock { stored != nil } }
    }

    private static let script = """
        import json, math, sys
        import tensorboard
        from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
        from tensorboard import data_compat
        from tensorboard.compat.proto import summary_pb2
        from tensorboard.util import tensor_util

        accumulator = EventAccumulator(sys.argv[1], size_guidance={
            "scalars": 0, "histograms": 0, "compressedHistograms": 0, "tensors": 0, "images": 0, "audio": 0})
        accumulator.Reload()
        tags = accumulator.Tags()
        result = {"version": tensorboard.__version__,
                  "scalar_tags": sorted(tags["scalars"]), "histogram_tags": sorted(tags["histograms"]),
                  "scalars": {}, "non_finite_scalars": {}, "histograms": {}}
        for tag in tags["scalars"]:
            events = accumulator.Scalars(tag)
            result["scalars"][tag] = [{"step": e.step, "wall_time": e.wall_time, "value": e.value}
                                      for e in events if math.isfinite(e.value)]
            result["non_finite_scalars"][tag] = [str(e.value) for e in events if not math.isfinite(e.value)]
        for tag in tags["histograms"]:
            values = []
            for e in accumulator.Histograms(tag):
                h = e.histogram_value
                proto = summary_pb2.HistogramProto(min=h.min, max=h.max, num=h.num, sum=h.sum,
                    sum_squares=h.sum_squares, bucket_limit=h.bucket_limit, bucket=h.bucket)
                migrated = data_compat.migrate_value(summary_pb2.Summary.Value(tag=tag, histo=proto))
                buckets = tensor_util.make_ndarray(migrated.tensor)
                values.append({"step": e.step, "min": h.min, "max": h.max, "num": h.num, "sum": h.sum,
                    "sum_squares": h.sum_squares, "bucket_limit": list(h.bucket_limit), "bucket": list(h.bucket),
                    "dashboard_bucket_count": int(buckets.shape[0]), "dashboard_total": float(buckets[:, 2].sum()),
                    "dashboard_left": float(buckets[0, 0]), "dashboard_right": float(buckets[-1, 1])})
            result["histograms"][tag] = values
        print(json.dumps(result))
        """
}
