import CKLKernels
import Foundation

/// Ties a run's lifetime to the process that started it. A sweep starts each run as a child
/// `klt train` and announces its pid in `KLT_PARENT_PID`; the child then dies with it, so killing a
/// sweep (even with SIGKILL) never leaves orphaned runs writing into its folder.
public enum ParentProcess {
    /// The environment variable a launcher sets to its own pid.
    public static let environmentKey = "KLT_PARENT_PID"

    /// When `KLT_PARENT_PID` is set, arranges to be killed when that parent dies (Linux), and
    /// returns false if the parent is already gone (the caller should exit at once). Returns true
    /// otherwise, also where the platform cannot watch the parent (macOS: the run then finishes alone).
    public static func followParentIfAnnounced(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard let text = environment[environmentKey], let pid = Int32(text) else { return true }
        return kl_exit_with_parent(pid) >= 0
    }
}
