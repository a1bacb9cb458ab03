import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What this process has used of the machine, for run summaries and reports.
public enum ResourceUsage {
    /// The largest resident set size this process has had so far, in bytes (`getrusage`; Linux
    /// reports kilobytes, macOS bytes). It counts everything the process holds (code, data sets,
    /// tensors, allocator slack), which is what a user sizing a machine needs.
    public static var peakResidentBytes: Int {
        var usage = rusage()
        #if os(Linux)
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        return Int(usage.ru_maxrss) * 1024
        #else
        guard getrusage(RUSAGE_SELF, &usage) == 0 else { return 0 }
        return Int(usage.ru_maxrss)
        #endif
    }
}
