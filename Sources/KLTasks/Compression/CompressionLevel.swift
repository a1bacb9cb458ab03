/// How hard deflate (zlib) works to shrink data, for the files the library writes (`PNG.encode`).
///
/// zlib's levels: 0 stores the data in uncompressed blocks, 1 is the fastest compression and 9
/// the smallest output; `.default` is zlib's own default, 6.
public struct CompressionLevel: Sendable, Hashable, CustomStringConvertible {
    /// The zlib level, 0…9.
    public let value: Int

    /// Level `value`, which must be in 0…9.
    public init(_ value: Int) {
        precondition((0...9).contains(value), "a compression level is 0…9, got \(value)")
        self.value = value
    }

    /// No compression: stored blocks (level 0).
    public static let stored = CompressionLevel(0)
    /// zlib's default trade-off between speed and size (level 6).
    public static let `default` = CompressionLevel(6)

    /// "zlib level N".
    public var description: String { "zlib level \(value)" }
}
