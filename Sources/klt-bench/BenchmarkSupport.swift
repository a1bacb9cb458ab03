import Foundation

/// Wall-clock timing for the benchmarks: best of several trials, since this machine is shared and
/// noisy and the minimum is the most repeatable estimate of what the code can do.
enum BenchmarkTimer {
    /// Seconds of one run of `body`.
    static func seconds(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// The fastest of `trials` runs, after one untimed warm-up run.
    static func best(of trials: Int, _ body: () -> Void) -> Double {
        body()
        return (0..<trials).map { _ in seconds(body) }.min()!
    }
}

/// Reading `--name value` options from the benchmark's arguments.
enum BenchmarkArguments {
    /// The value after `name`, if present.
    static func value(_ name: String, in arguments: [String]) -> String? {
        guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
        return arguments[index + 1]
    }

    /// The integer after `name`; stops with a message naming the option when it is not an integer.
    static func integer(_ name: String, in arguments: [String]) -> Int? {
        guard let text = value(name, in: arguments) else { return nil }
        guard let number = Int(text) else {
            FileHandle.standardError.write(Data("klt-bench: \(name) expects an integer, got '\(text)'\n".utf8))
            exit(2)
        }
        return number
    }

    /// A comma-separated list after `name`.
    static func list(_ name: String, in arguments: [String]) -> [String]? {
        value(name, in: arguments).map { $0.split(separator: ",").map { String($0) } }
    }
}

/// A number with three significant decimals for tables.
func format(_ value: Double, decimals: Int = 2) -> String { String(format: "%.\(decimals)f", value) }
