import Foundation

/// Training feedback on standard output: on a terminal one progress line redrawn in place; otherwise
/// (a log file, CI) plain lines every `plainInterval` steps.
public final class ProgressReporter {
    /// Whether standard output is a terminal.
    public let isTerminal: Bool
    /// Steps between plain lines when not on a terminal.
    public let plainInterval: Int
    /// Whether to print at all.
    public let enabled: Bool
    private var lineIsOpen = false

    /// A reporter; `plainInterval` applies when standard output is not a terminal.
    public init(enabled: Bool = true, plainInterval: Int = 10) {
        isTerminal = isatty(STDOUT_FILENO) != 0
        self.plainInterval = max(1, plainInterval)
        self.enabled = enabled
    }

    /// Reports training progress after `step` of `total` steps.
    public func progress(step: Int, total: Int, loss: Double, accuracy: Double, stepsPerSecond: Double) {
        guard enabled else { return }
        let remaining = stepsPerSecond > 0 ? Double(total - step) / stepsPerSecond : 0
        let line = String(format: "step %d/%d  loss %.4f  acc %.3f  %.2f steps/s  ETA %@",
                          step, total, loss, accuracy, stepsPerSecond, ProgressReporter.duration(remaining))
        if isTerminal {
            print("\r\u{1B}[2K" + line, terminator: "")
            fflush(nil)
            lineIsOpen = true
        } else if step % plainInterval == 0 || step == total {
            print(line)
            fflush(nil)
        }
    }

    /// Prints a message on its own line (closing a redrawn progress line first).
    public func message(_ text: String) {
        guard enabled else { return }
        if lineIsOpen { print(""); lineIsOpen = false }
        print(text)
        fflush(nil)
    }

    /// "1h02m", "3m05s", "12s".
    public static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
        if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return "\(s)s"
    }
}
