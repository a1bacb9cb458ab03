/// One record of a TensorBoard event file: TensorFlow's `Event` message, carrying the file's
/// format version, a summary with one tagged scalar or histogram, or a session start.
///
/// Encoded by hand (`encode(into:)`) with the field numbers of `event.proto` and `summary.proto`:
/// `Event` wall_time 1 (double), step 2 (int64), file_version 3 (string), summary 5,
/// session_log 7; `Summary` value 1 (repeated); `Summary.Value` tag 1, simple_value 2 (float),
/// histo 5; `SessionLog` status 1 (enum, START = 1).
/// One value per event, as TensorFlow's and PyTorch's writers do, so no array is built per step.
public struct SummaryEvent: Equatable, Sendable {
    /// What the event carries.
    public enum Content: Equatable, Sendable {
        /// The format version string; the first record of every event file.
        case fileVersion(String)
        /// A scalar curve's point (`simple_value`, a 32-bit float in the format).
        case scalar(tag: String, value: Float)
        /// A histogram of a tensor's values.
        case histogram(tag: String, Histogram)
        /// `SessionLog.START` at `step`: training (re)starts there, so TensorBoard's reader drops
        /// every event at this step or later that was read before it (from an earlier file of the
        /// run) — the steps a resumed run trains again after it was killed.
        case sessionStart
    }

    /// The version string TensorBoard expects in the first record.
    public static let currentFileVersion = "brain.Event:2"

    /// Seconds since 1970 when the event happened; TensorBoard's relative and wall-time axes.
    public var wallTime: Double
    /// The training step; TensorBoard's step axis (not written for `fileVersion`).
    public var step: Int64
    /// The version or summary.
    public var content: Content

    /// An event of `content` at `step` and `wallTime`.
    public init(wallTime: Double, step: Int64 = 0, content: Content) {
        self.wallTime = wallTime
        self.step = step
        self.content = content
    }

    /// The `Event` message's bytes appended to `encoder`.
    public func encode(into encoder: inout ProtobufEncoder) {
        encoder.appendField(1, double: wallTime)
        switch content {
        case .fileVersion(let version):
            encoder.appendField(3, string: version)
        case .scalar(let tag, let value):
            encoder.appendField(2, int64: step)
            let valueSize = Self.tagFieldSize(tag) + 1 + 4
            Self.appendSummaryHeader(valueSize: valueSize, tag: tag, into: &encoder)
            encoder.appendField(2, float: value)
        case .histogram(let tag, let histogram):
            encoder.appendField(2, int64: step)
            let histogramSize = histogram.encodedSize
            let valueSize = Self.tagFieldSize(tag) + ProtobufEncoder.lengthDelimitedFieldSize(field: 5, length: histogramSize)
            Self.appendSummaryHeader(valueSize: valueSize, tag: tag, into: &encoder)
            encoder.appendMessageHeader(field: 5, length: histogramSize)
            histogram.encode(into: &encoder)
        case .sessionStart:
            encoder.appendField(2, int64: step)
            encoder.appendMessageHeader(field: 7, length: 2)
            encoder.appendField(1, int64: 1)
        }
    }

    /// The encoded `Event` on its own (for tests and tools; writers use `encode(into:)`).
    public var encoded: [UInt8] {
        var encoder = ProtobufEncoder(capacity: 64)
        encode(into: &encoder)
        return encoder.bytes
    }

    private static func tagFieldSize(_ tag: String) -> Int {
        ProtobufEncoder.lengthDelimitedFieldSize(field: 1, length: tag.utf8.count)
    }

    /// Event.summary (5) holding one Summary.value (1) of `valueSize` bytes, and that value's tag.
    private static func appendSummaryHeader(valueSize: Int, tag: String, into encoder: inout ProtobufEncoder) {
        encoder.appendMessageHeader(field: 5, length: ProtobufEncoder.lengthDelimitedFieldSize(field: 1, length: valueSize))
        encoder.appendMessageHeader(field: 1, length: valueSize)
        encoder.appendField(1, string: tag)
    }
}
