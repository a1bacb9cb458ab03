import Foundation

/// How wide a band around a mean is drawn.
public enum Spread: Sendable, Hashable {
    /// Mean ± the sample standard deviation (n − 1 in the denominator; zero for a single run).
    case standardDeviation
    /// From the smallest to the largest value.
    case range
}

/// Several runs of one curve (e.g. seeds) reduced to their mean and a band, for a line over a band.
public struct SeriesSummary: Sendable, Hashable {
    /// The mean at each x.
    public var mean: [DataPoint]
    /// The band's lower edge at each x.
    public var lower: [DataPoint]
    /// The band's upper edge at each x.
    public var upper: [DataPoint]

    /// The summary of `runs`, matched by x: every x that some run has (in increasing order) gets the
    /// mean and spread of the finite y values the runs have there. Non-finite x values are left out;
    /// an x where no run has a finite y gets NaN, which breaks the line and the band there.
    public init(runs: [[DataPoint]], spread: Spread = .standardDeviation) {
        var valuesAtX: [Double: [Double]] = [:]
        for run in runs {
            for point in run where point.x.isFinite {
                valuesAtX[point.x, default: []].append(contentsOf: point.y.isFinite ? [point.y] : [])
            }
        }
        var mean: [DataPoint] = [], lower: [DataPoint] = [], upper: [DataPoint] = []
        for x in valuesAtX.keys.sorted() {
            let ys = valuesAtX[x]!
            guard !ys.isEmpty else {
                mean.append(DataPoint(x: x, y: .nan))
                lower.append(DataPoint(x: x, y: .nan))
                upper.append(DataPoint(x: x, y: .nan))
                continue
            }
            let average = ys.reduce(0, +) / Double(ys.count)
            let (low, high): (Double, Double)
            switch spread {
            case .standardDeviation:
                let variance = ys.count > 1 ? ys.reduce(0) { $0 + ($1 - average) * ($1 - average) } / Double(ys.count - 1) : 0
                let deviation = variance.squareRoot()
                (low, high) = (average - deviation, average + deviation)
            case .range:
                (low, high) = (ys.min()!, ys.max()!)
            }
            mean.append(DataPoint(x: x, y: average))
            lower.append(DataPoint(x: x, y: low))
            upper.append(DataPoint(x: x, y: high))
        }
        self.mean = mean
        self.lower = lower
        self.upper = upper
    }
}
