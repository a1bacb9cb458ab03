import Foundation

/// A least-squares power law y = a·xᵇ, fitted as a straight line on log-log axes; its slope b is the
/// empirical scaling exponent (1 for linear time in the sequence length, 2 for quadratic).
public struct LogLogFit: Sendable, Hashable {
    /// The exponent b: the slope of log₁₀ y against log₁₀ x.
    public let slope: Double
    /// The factor a, the fitted y at x = 1.
    public let coefficient: Double
    /// The coefficient of determination of the fit in log-log space (1 when every point lies on the line).
    public let rSquared: Double
    /// How many points the fit used.
    public let pointCount: Int

    /// The fit through the pairs (`x[i]`, `y[i]`) with both values finite and positive (others are
    /// left out, as a log axis leaves them out); `nil` with fewer than two such pairs or when they all share one x.
    public init?(x: [Double], y: [Double]) {
        var logX: [Double] = [], logY: [Double] = []
        for (u, v) in zip(x, y) where u.isFinite && v.isFinite && u > 0 && v > 0 {
            logX.append(log10(u))
            logY.append(log10(v))
        }
        let n = Double(logX.count)
        guard logX.count >= 2 else { return nil }
        let meanX = logX.reduce(0, +) / n, meanY = logY.reduce(0, +) / n
        var sxx = 0.0, sxy = 0.0, syy = 0.0
        for (u, v) in zip(logX, logY) {
            sxx += (u - meanX) * (u - meanX)
            sxy += (u - meanX) * (v - meanY)
            syy += (v - meanY) * (v - meanY)
        }
        guard sxx > 0 else { return nil }
        slope = sxy / sxx
        coefficient = pow(10, meanY - slope * meanX)
        rSquared = syy > 0 ? min(1, sxy * sxy / (sxx * syy)) : 1
        pointCount = logX.count
    }

    /// The fit through `points` (see ``init(x:y:)``).
    public init?(points: [DataPoint]) {
        self.init(x: points.map(\.x), y: points.map(\.y))
    }

    /// The fitted exponent of y against x (see ``init(x:y:)``), or `nil` where no fit exists.
    public static func slope(x: [Double], y: [Double]) -> Double? {
        LogLogFit(x: x, y: y)?.slope
    }

    /// The fitted value a·xᵇ at `x`.
    public func value(at x: Double) -> Double {
        coefficient * pow(x, slope)
    }
}
