import Foundation

/// A pixel position in a Pathfinder image: row (y, from the top) first, as in the original
/// `snakes2.py` code, then column.
public struct PathfinderPoint: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The row, 0 at the top.
    public var row: Int
    /// The column, 0 at the left.
    public var column: Int

    /// A point from its coordinates.
    public init(row: Int, column: Int) {
        self.row = row
        self.column = column
    }

    /// The Euclidean distance to `other`, in pixels.
    public func distance(to other: PathfinderPoint) -> Double {
        let dy = Double(other.row - row), dx = Double(other.column - column)
        return (dy * dy + dx * dx).squareRoot()
    }

    /// `snakes.translate_coord`: the point `distance` pixels away in direction `angle` (radians;
    /// 0 points right, π/2 down), each coordinate rounded up (`ceil`). The rounding is the
    /// original's, and makes integer steps of nominal length 4 anywhere from 2.8 to 4.5 pixels.
    public func translated(angle: Double, distance: Double) -> PathfinderPoint {
        PathfinderPoint(
            row: Int((Double(row) + distance * sin(angle)).rounded(.up)),
            column: Int((Double(column) + distance * cos(angle)).rounded(.up)))
    }

    /// `(row, column)`.
    public var description: String { "(\(row), \(column))" }
}
