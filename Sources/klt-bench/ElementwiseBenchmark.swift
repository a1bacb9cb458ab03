import Foundation
import KLTensor

/// `klt-bench elementwise [--count N]`: throughput of the vectorised exp, log, sin, cos, tanh, erf
/// against a scalar Foundation loop, on 1 thread and on all threads, in one run.
func runElementwiseBenchmark(arguments: [String]) {
    let count = BenchmarkArguments.integer("--count", in: arguments) ?? 10_000_000
    let input = UnsafeMutablePointer<Float>.allocate(capacity: count)
    let output = UnsafeMutablePointer<Float>.allocate(capacity: count)
    defer { input.deallocate(); output.deallocate() }
    var generator = RandomGenerator(seed: 1)
    generator.fillUniform(UnsafeMutableBufferPointer(start: input, count: count), low: -10, high: 10)
    let threads = Parallel.threadCount
    print("Elementwise throughput, \(count) floats in [-10, 10), best of 5 (G elements/s); vector ISA: \(VectorMath.instructionSet)")
    print("| function | scalar Foundation, 1 thread | vectorised, 1 thread | vectorised, \(threads) threads | vectorised ÷ scalar (1 thread) |")
    print("|---|---|---|---|---|")
    for function in VectorFunction.allCases {
        let positive = function == .log
        if positive { for i in 0..<count { input[i] = abs(input[i]) + 1e-3 } }
        let scalar = BenchmarkTimer.best(of: 5) { scalarLoop(function, input, output, count) }
        let serial = BenchmarkTimer.best(of: 5) { VectorMath.applySerially(function, input, output, count: count) }
        let parallel = BenchmarkTimer.best(of: 5) { VectorMath.apply(function, input, output, count: count) }
        let rate = { (seconds: Double) in Double(count) / seconds / 1e9 }
        print("| \(function.rawValue) | \(format(rate(scalar))) | \(format(rate(serial))) | \(format(rate(parallel))) | \(format(scalar / serial))× |")
        if positive { generator.fillUniform(UnsafeMutableBufferPointer(start: input, count: count), low: -10, high: 10) }
    }
}

/// The baseline: Foundation's scalar function called per element.
private func scalarLoop(_ function: VectorFunction, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
    switch function {
    case .exp: for i in 0..<n { y[i] = Foundation.exp(x[i]) }
    case .log: for i in 0..<n { y[i] = Foundation.log(x[i]) }
    case .sin: for i in 0..<n { y[i] = Foundation.sin(x[i]) }
    case .cos: for i in 0..<n { y[i] = Foundation.cos(x[i]) }
    case .tanh: for i in 0..<n { y[i] = Foundation.tanh(x[i]) }
    case .erf: for i in 0..<n { y[i] = Foundation.erf(x[i]) }
    }
}
