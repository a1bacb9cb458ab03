/// One reader of untrusted bytes under fuzzing: what it reads, how long its inputs may be, and the
/// seeds its corpus starts from.
///
/// `read` is called with every input libFuzzer makes. Errors it throws are the reader refusing bad
/// input, which is what it should do; their descriptions are rendered too, so the code that builds
/// messages from hostile values is fuzzed along. A crash, a hang, running out of memory or a
/// sanitizer report is a bug.
struct FuzzTarget: Sendable {
    /// The name on the command line (`klt-fuzz NAME`).
    let name: String
    /// What is fuzzed, in a few words (`klt-fuzz --list`).
    let summary: String
    /// libFuzzer's `-max_len`: inputs up to this many bytes (a few real files of the format fit).
    let maximumLength: Int
    /// Seed files, relative to the repository root (the test fixtures in this format).
    let fixtures: [String]
    /// Seeds made in memory by the library's own writers (or by hand where it has none).
    let seeds: @Sendable () throws -> [[UInt8]]
    /// Reads one input.
    let read: @Sendable ([UInt8]) throws -> Void
    /// Whether libFuzzer looks for leaks (`-detect_leaks`). libFuzzer checks after every input that
    /// leaks, suppressed or not, so a target whose dependency leaks on most inputs (see
    /// `Fuzzing/lsan-suppressions.txt`) runs without, or it would spend its time on those checks.
    var detectsLeaks = true
    /// Tokens for libFuzzer's `-dict` (see `LibFuzzerDictionary`); none for binary formats, whose
    /// magic numbers and sizes libFuzzer finds by itself from the comparisons it watches.
    var dictionary: [String] = []

    /// The error the reader refuses `input` with (its description rendered), or nil when it reads it.
    @discardableResult
    func refusal(of input: [UInt8]) -> Error? {
        do {
            try read(input)
            return nil
        } catch {
            _ = String(describing: error)
            return error
        }
    }

    /// Runs every one of `attempts` (one input read in several ways), rendering each error; throws
    /// the last error when none of them succeeded.
    static func anyOf(_ attempts: [() throws -> Void]) throws {
        var failure: Error?
        var succeeded = false
        for attempt in attempts {
            do {
                try attempt()
                succeeded = true
            } catch {
                _ = String(describing: error)
                failure = error
            }
        }
        if !succeeded, let failure { throw failure }
    }
}
