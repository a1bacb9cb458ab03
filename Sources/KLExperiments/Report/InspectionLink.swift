import Foundation

/// A `klt inspect` output folder that a report shows: its first layer's spectrum inline and a link to
/// the whole inspection (every layer's spectrum, the kernel shape, the approximation error).
public struct InspectionLink: Sendable, Equatable {
    /// What was inspected, e.g. "GMM-PRF, seed 1".
    public var label: String
    /// The inspection folder.
    public var directory: URL
    /// The folder as the report links it (relative to the report's folder).
    public var relativePath: String

    /// A link to the inspection in `directory`, written `relativePath` from the report.
    public init(label: String, directory: URL, relativePath: String) {
        self.label = label
        self.directory = directory
        self.relativePath = relativePath
    }

    static let note = "From `klt inspect` on each learned kernel's best checkpoint (first seed): the spectral distribution "
        + "after training against its initialisation (rebuilt from the seed), per layer and head; the linked pages add the "
        + "kernel κ(q, k) and the approximation error on the model's own queries and keys."

    /// The first layer's spectrum chart inline, with a link to the whole inspection.
    var html: String {
        let spectrum = directory.appendingPathComponent("spectrum-layer0.svg")
        let chart = FileManager.default.contents(atPath: spectrum.path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return "<h3>\(HTMLReport.escape(label))</h3>\n<p><a href=\"\(HTMLReport.escape(relativePath))/index.html\">the whole inspection</a> · "
            + "<a href=\"\(HTMLReport.escape(relativePath))/summary.txt\">summary</a></p>\n" + chart + "\n"
    }
}
