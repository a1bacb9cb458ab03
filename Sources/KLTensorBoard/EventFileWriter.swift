import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a TensorBoard event file in a run directory, so `tensorboard --logdir DIR` shows a
/// training run's scalar curves and histograms while it trains.
///
/// The file is `events.out.tfevents.<unix seconds>.<hostname>.<pid>.<n>` (`n` the first number that
/// names no existing file, so writers started in the same second never collide), created anew
/// by `init`, whose first record is the file-version event. Every summary is handed to the
/// operating system as one whole TFRecord when it is added: a killed process leaves at most a
/// truncated last record, which TensorBoard's reader tolerates. Encoding reuses the writer's
/// buffers, so adding a scalar allocates nothing; it is meant to be called every step.
/// Not thread-safe: use one writer from one thread at a time.
public final class EventFileWriter {
    /// The run directory (TensorBoard's `--logdir`, or one run below it).
    public let directory: URL
    private let records: TFRecordWriter

    /// The event file being written.
    public var url: URL { records.url }

    /// Creates `directory` if needed and a new event file in it, and writes the file-version event.
    public init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let prefix = "events.out.tfevents.\(Self.zeroPadded(Int(Date().timeIntervalSince1970)))."
            + "\(Self.hostName()).\(getpid())."
        var attempt = 0
        while true {
            do {
                records = try TFRecordWriter(creatingFileAt: directory.appendingPathComponent(prefix + String(attempt)))
                break
            } catch TensorBoardError.io(_, _, let code) where code == EEXIST && attempt < 10_000 {
                attempt += 1
            }
        }
        try write(SummaryEvent(wallTime: Date().timeIntervalSince1970, content: .fileVersion(SummaryEvent.currentFileVersion)))
    }

    /// Adds a point `value` at `step` to the scalar curve `tag` (e.g. "train/loss"). The value is
    /// stored as a 32-bit float, as TensorBoard's format holds it; NaN and infinities are written as
    /// they are (TensorBoard shows them). `wallTime` (seconds since 1970) defaults to now.
    /// Throws `TensorBoardError` for an empty tag, a negative step or a failed write.
    public func addScalar(_ tag: String, _ value: Double, step: Int, wallTime: Double? = nil) throws {
        try validate(tag, step: step)
        try write(SummaryEvent(wallTime: wallTime ?? Date().timeIntervalSince1970, step: Int64(step),
                               content: .scalar(tag: tag, value: Float(value))))
    }

    /// Adds the histogram of `values` at `step` under `tag` (e.g. "weights/layer0"), with
    /// TensorFlow's default exponential buckets (see `Histogram`). Non-finite values (NaN, ±∞)
    /// are skipped: they are not in the count, the sums, the extremes or any bucket.
    /// `wallTime` (seconds since 1970) defaults to now. Throws `TensorBoardError` for an empty
    /// tag, a negative step or a failed write.
    public func addHistogram(_ tag: String, values: [Float], step: Int, wallTime: Double? = nil) throws {
        try values.withUnsafeBufferPointer { try addHistogram(tag, values: $0, step: step, wallTime: wallTime) }
    }

    /// Adds the histogram of `values` read in place (a tensor's storage), as `addHistogram(_:values:step:wallTime:)`
    /// does for an array; non-finite values are skipped.
    public func addHistogram(_ tag: String, values: UnsafeBufferPointer<Float>, step: Int, wallTime: Double? = nil) throws {
        try validate(tag, step: step)
        try write(SummaryEvent(wallTime: wallTime ?? Date().timeIntervalSince1970, step: Int64(step),
                               content: .histogram(tag: tag, Histogram(values: values))))
    }

    /// Marks that training starts at `step` (a session start): TensorBoard then forgets what earlier
    /// event files of the run logged at `step` and after, so a run resumed from a checkpoint shows
    /// the steps it trains again once, with their new values. Throws for a negative step or a
    /// failed write.
    public func addSessionStart(step: Int, wallTime: Double? = nil) throws {
        guard step >= 0 else { throw TensorBoardError.negativeStep(tag: "session start", step: step) }
        try write(SummaryEvent(wallTime: wallTime ?? Date().timeIntervalSince1970, step: Int64(step), content: .sessionStart))
    }

    /// Appends any event as one record, e.g. a histogram computed elsewhere.
    public func write(_ event: SummaryEvent) throws {
        try records.writeRecord { event.encode(into: &$0) }
    }

    /// Makes everything written so far durable on disk (`fsync`); records already reach the
    /// operating system, and so TensorBoard, as they are added.
    public func flush() throws {
        try records.flush()
    }

    /// Flushes and closes the file; later additions throw `TensorBoardError.closed`. Closing twice
    /// does nothing, and a writer that is released closes itself.
    public func close() {
        records.close()
    }

    private func validate(_ tag: String, step: Int) throws {
        guard !tag.isEmpty else { throw TensorBoardError.emptyTag }
        guard step >= 0 else { throw TensorBoardError.negativeStep(tag: tag, step: step) }
    }

    /// Seconds as TensorFlow writes them in the name: at least ten digits.
    private static func zeroPadded(_ seconds: Int) -> String {
        let digits = String(seconds)
        return String(repeating: "0", count: max(0, 10 - digits.count)) + digits
    }

    /// This machine's name, with any character that cannot be in a file name replaced.
    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let safe = String(name.map { $0 == "/" || $0 == "\0" ? "_" : $0 })
        return safe.isEmpty ? "localhost" : safe
    }
}
