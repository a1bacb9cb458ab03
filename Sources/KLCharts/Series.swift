import Foundation

/// A point in data coordinates.
public struct DataPoint: Sendable, Hashable {
    /// The horizontal value.
    public var x: Double
    /// The vertical value.
    public var y: Double

    /// The point (`x`, `y`).
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// An interval around a point: an error bar in y, and optionally in x.
public struct ErrorBar: Sendable, Hashable {
    /// The point's horizontal value.
    public var x: Double
    /// The point's vertical value.
    public var y: Double
    /// The bottom of the vertical bar (equal to `y` for none).
    public var yLower: Double
    /// The top of the vertical bar (equal to `y` for none).
    public var yUpper: Double
    /// The left end of the horizontal bar (equal to `x` for none).
    public var xLower: Double
    /// The right end of the horizontal bar (equal to `x` for none).
    public var xUpper: Double

    /// An asymmetric error bar, such as a min–max range; the horizontal bar is drawn when its bounds are given.
    public init(x: Double, y: Double, yLower: Double, yUpper: Double, xLower: Double? = nil, xUpper: Double? = nil) {
        self.x = x
        self.y = y
        self.yLower = yLower
        self.yUpper = yUpper
        self.xLower = xLower ?? x
        self.xUpper = xUpper ?? x
    }

    /// A symmetric error bar, such as ± one standard deviation: `y ± yError`, and `x ± xError` when given.
    public init(x: Double, y: Double, yError: Double, xError: Double = 0) {
        self.init(x: x, y: y, yLower: y - abs(yError), yUpper: y + abs(yError), xLower: x - abs(xError), xUpper: x + abs(xError))
    }
}

/// One thing a chart draws: a line, a band, points, error bars, histogram bars or a reference line.
///
/// Series with the same ``name`` share one colour and one legend entry, so a band of seeds and the
/// line of their mean, or points and their error bars, read as one. Series named `""` take a colour
/// but have no legend entry. Points that cannot be placed (NaN or infinite coordinates, values ≤ 0 on
/// a log axis) are skipped: a line or band breaks into separate pieces there.
public struct Series: Sendable, Hashable {
    /// What is drawn, with its data.
    public enum Kind: Sendable, Hashable {
        /// A polyline through `points` in the given order; `markers` adds a dot at every point.
        case line(points: [DataPoint], dashed: Bool, markers: Bool)
        /// The area between `lower` and `upper`, pairing their points by index; drawn translucent,
        /// beneath every line.
        case band(lower: [DataPoint], upper: [DataPoint])
        /// Dots at `points`, with `labels[i]` written beside point `i` where given (missing or empty labels are not drawn).
        case scatter(points: [DataPoint], labels: [String])
        /// Whiskers with caps; draw the points themselves with a ``Series/scatter(name:points:labels:color:)`` of the same name.
        case errorBars([ErrorBar])
        /// Histogram bars from each bin's lower to upper edge, from zero (from the axis on a log scale) to the count.
        case bars([HistogramBin])
        /// A dashed horizontal line across the plot at `y`, labelled with the series name at its right end
        /// (instead of a legend entry); grey unless a colour is given.
        case referenceLine(y: Double)
    }

    /// The legend text; also what colours are keyed by.
    public var name: String
    /// What is drawn.
    public var kind: Kind
    /// A fixed colour, or `nil` for the chart's palette colour for ``name``.
    public var color: Color?

    /// A series of `kind` named `name`.
    public init(name: String, kind: Kind, color: Color? = nil) {
        self.name = name
        self.kind = kind
        self.color = color
    }

    /// A line through `points`, solid unless `dashed`, with a dot at each point if `markers`.
    public static func line(name: String, points: [DataPoint], color: Color? = nil, dashed: Bool = false, markers: Bool = false) -> Series {
        Series(name: name, kind: .line(points: points, dashed: dashed, markers: markers), color: color)
    }

    /// A line through (`x[i]`, `y[i]`) (the shorter array sets the count).
    public static func line(name: String, x: [Double], y: [Double], color: Color? = nil, dashed: Bool = false, markers: Bool = false) -> Series {
        line(name: name, points: zip(x, y).map(DataPoint.init), color: color, dashed: dashed, markers: markers)
    }

    /// A translucent band between `lower[i]` and `upper[i]`, such as mean ± std or min–max over seeds.
    public static func band(name: String, lower: [DataPoint], upper: [DataPoint], color: Color? = nil) -> Series {
        Series(name: name, kind: .band(lower: lower, upper: upper), color: color)
    }

    /// A band between `lower[i]` and `upper[i]` at `x[i]`.
    public static func band(name: String, x: [Double], lower: [Double], upper: [Double], color: Color? = nil) -> Series {
        band(name: name, lower: zip(x, lower).map(DataPoint.init), upper: zip(x, upper).map(DataPoint.init), color: color)
    }

    /// Dots at `points`, each labelled with `labels[i]` where given.
    public static func scatter(name: String, points: [DataPoint], labels: [String] = [], color: Color? = nil) -> Series {
        Series(name: name, kind: .scatter(points: points, labels: labels), color: color)
    }

    /// Error bars (whiskers with caps) around points.
    public static func errorBars(name: String, bars: [ErrorBar], color: Color? = nil) -> Series {
        Series(name: name, kind: .errorBars(bars), color: color)
    }

    /// Histogram bars, one per bin (see ``Histogram/bins(of:count:range:)``).
    public static func bars(name: String, bins: [HistogramBin], color: Color? = nil) -> Series {
        Series(name: name, kind: .bars(bins), color: color)
    }

    /// A dashed horizontal line at `y` labelled `name`, such as a majority-class baseline.
    public static func referenceLine(name: String, y: Double, color: Color? = nil) -> Series {
        Series(name: name, kind: .referenceLine(y: y), color: color)
    }
}
