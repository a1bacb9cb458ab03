import ArgumentParser
import KLTensor

/// The options of a training run's life that `klt train` and `klt pretrain` share: resuming or
/// replacing the run in its folder, stopping early, threads and quiet output.
struct RunOptions: ParsableArguments {
    @Flag(help: "Continue the run in --output-dir from its last checkpoint (or start it, if it has none yet).")
    var resume = false
    @Flag(help: "Start again in an --output-dir that already holds a run, replacing it.")
    var overwrite = false
    @Option(parsing: .unconditional, help: "Stop after this many steps in total (continue later with --resume).")
    var stopAfter: Int?
    @Option(parsing: .unconditional, help: "Worker threads (default: $\(ThreadCount.environmentKey) or every core).")
    var threads: Int?
    @Flag(help: "Print only the final report.")
    var quiet = false

    func validate() throws {
        if let stopAfter, stopAfter <= 0 { throw ValidationError("--stop-after must be positive, got \(stopAfter)") }
        if let threads, !(1...ThreadCount.maximum).contains(threads) {
            throw ValidationError("--threads must be in 1...\(ThreadCount.maximum), got \(threads)")
        }
        do { _ = try ThreadCount.requested() } catch { throw ValidationError("\(error)") }
        guard !(resume && overwrite) else { throw ValidationError("--resume and --overwrite exclude each other") }
    }
}
