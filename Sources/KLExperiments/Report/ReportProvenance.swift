import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How a report's numbers were made: the command, the common training options, the machine, when.
public struct ReportProvenance: Sendable {
    /// What the report is for (an experiment's question), shown under its title.
    public var purpose: String?
    /// The command that made the sweep (as the user should type it to reproduce it).
    public var command: String?
    /// The commit checked out in the working directory when the report was written, when known — not
    /// necessarily the commit the runs' binary was built from, which is why reports call it "checkout".
    public var revision: String?
    /// The machine, in words.
    public var machine: String
    /// When the report was written.
    public var date: Date

    /// Provenance for a report written now on this machine.
    public init(purpose: String? = nil, command: String? = nil, revision: String? = nil, machine: String? = nil, date: Date = Date()) {
        self.purpose = purpose
        self.command = command
        self.revision = revision
        self.machine = machine ?? Self.describeMachine()
        self.date = date
    }

    /// "2 cores, 24 GiB, Debian 12, load average 3.1": the load says whether the machine was shared
    /// while the numbers were measured (timings on a loaded machine are slower and noisier).
    static func describeMachine() -> String {
        let info = ProcessInfo.processInfo
        let memory = Double(info.physicalMemory) / 1_073_741_824
        var load = [0.0, 0.0, 0.0]
        let loadText = getloadavg(&load, 3) > 0 ? String(format: ", load average %.1f", load[0]) : ""
        return String(format: "%d cores, %.0f GiB, %@", info.activeProcessorCount, memory, info.operatingSystemVersionString) + loadText
    }

    /// Lines for the top of a Markdown report.
    var markdown: String {
        var lines: [String] = []
        if let purpose { lines.append(purpose + "\n") }
        if let command { lines.append("- Command: `\(command)`") }
        if let revision { lines.append("- Checkout: `\(revision)` (git HEAD of the working directory when this was written)") }
        lines.append("- Machine: \(machine)")
        lines.append("- Written: \(ISO8601DateFormatter().string(from: date))")
        return lines.joined(separator: "\n") + "\n"
    }
}
