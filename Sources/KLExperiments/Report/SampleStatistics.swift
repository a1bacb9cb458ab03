import Foundation

/// Mean and sample standard deviation of a few values (one per seed).
public struct SampleStatistics: Sendable, Equatable {
    /// How many values.
    public var count: Int
    /// Their mean (NaN when there are none).
    public var mean: Double
    /// Their sample standard deviation (n − 1 in the denominator; 0 for one value, NaN for none).
    public var standardDeviation: Double

    /// The statistics of `values`.
    public init<S: Sequence>(_ values: S) where S.Element == Double {
        let values = Array(values)
        count = values.count
        guard !values.isEmpty else { mean = .nan; standardDeviation = .nan; return }
        mean = values.reduce(0, +) / Double(values.count)
        let m = mean
        standardDeviation = values.count > 1
            ? (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count - 1)).squareRoot() : 0
    }
}
