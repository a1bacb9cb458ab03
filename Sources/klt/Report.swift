import ArgumentParser
import Foundation
import KLExperiments

/// `klt report SWEEP_DIR`: the results of a sweep as report.md, report.html and results.csv.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a sweep's report: report.md, report.html (tables and figures) and results.csv.")

    @Argument(help: "The sweep folder (written by `klt sweep`).")
    var sweep: String

    func run() throws {
        for url in try Self.write(sweep: URL(fileURLWithPath: sweep)) { print("wrote \(url.path)") }
    }

    /// Writes the report of the sweep at `directory`, naming the source revision when run inside a git checkout.
    @discardableResult
    static func write(sweep directory: URL) throws -> [URL] {
        try SweepReport.write(sweep: directory, revision: SourceRevision.current)
    }
}

/// The git commit of the working directory, when there is one: reports name the checkout they were
/// written from (the runs may have been made by a binary built from another commit).
enum SourceRevision {
    static var current: String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "rev-parse", "--short=12", "HEAD"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
