import Foundation

/// A position in an SVG's pixel coordinates (x to the right, y downwards).
public struct PixelPoint: Sendable, Hashable {
    /// Distance from the left edge, in pixels.
    public var x: Double
    /// Distance from the top edge, in pixels.
    public var y: Double

    /// The point at (`x`, `y`).
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// An axis-aligned rectangle in an SVG's pixel coordinates.
public struct PixelRect: Sendable, Hashable {
    /// Left edge.
    public var x: Double
    /// Top edge.
    public var y: Double
    /// Width (non-negative).
    public var width: Double
    /// Height (non-negative).
    public var height: Double

    /// The rectangle with its top-left corner at (`x`, `y`).
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// Right edge.
    public var maxX: Double { x + width }
    /// Bottom edge.
    public var maxY: Double { y + height }
    /// The centre.
    public var center: PixelPoint { PixelPoint(x: x + width / 2, y: y + height / 2) }

    /// Whether `point` lies inside or on the border.
    public func contains(_ point: PixelPoint) -> Bool {
        point.x >= x && point.x <= maxX && point.y >= y && point.y <= maxY
    }

    /// Whether the two rectangles share any area.
    public func intersects(_ other: PixelRect) -> Bool {
        x < other.maxX && other.x < maxX && y < other.maxY && other.y < maxY
    }

    /// The area shared with `other` (0 when they are apart).
    func overlapArea(with other: PixelRect) -> Double {
        let w = min(maxX, other.maxX) - max(x, other.x)
        let h = min(maxY, other.maxY) - max(y, other.y)
        return w > 0 && h > 0 ? w * h : 0
    }

    /// The rectangle grown by `amount` on every side.
    func outset(by amount: Double) -> PixelRect {
        PixelRect(x: x - amount, y: y - amount, width: width + 2 * amount, height: height + 2 * amount)
    }
}

/// Intersection tests used to keep legends and labels off the data.
enum Geometry {
    /// Whether the segment from `a` to `b` passes through `rect` (Liang–Barsky).
    static func segment(_ a: PixelPoint, _ b: PixelPoint, intersects rect: PixelRect) -> Bool {
        var t0 = 0.0, t1 = 1.0
        let dx = b.x - a.x, dy = b.y - a.y
        let checks: [(Double, Double)] = [(-dx, a.x - rect.x), (dx, rect.maxX - a.x), (-dy, a.y - rect.y), (dy, rect.maxY - a.y)]
        for (p, q) in checks {
            if p == 0 {
                if q < 0 { return false }
            } else {
                let r = q / p
                if p < 0 {
                    if r > t1 { return false }
                    t0 = max(t0, r)
                } else {
                    if r < t0 { return false }
                    t1 = min(t1, r)
                }
            }
        }
        return t0 <= t1
    }

    /// Whether `point` lies inside the closed polygon (even–odd rule).
    static func polygon(_ vertices: [PixelPoint], contains point: PixelPoint) -> Bool {
        guard vertices.count >= 3 else { return false }
        var inside = false
        var j = vertices.count - 1
        for i in vertices.indices {
            let a = vertices[i], b = vertices[j]
            if (a.y > point.y) != (b.y > point.y) {
                let crossX = a.x + (point.y - a.y) / (b.y - a.y) * (b.x - a.x)
                if point.x < crossX { inside.toggle() }
            }
            j = i
        }
        return inside
    }

    /// Whether the closed polygon and `rect` share any area.
    static func polygon(_ vertices: [PixelPoint], intersects rect: PixelRect) -> Bool {
        guard let last = vertices.last else { return false }
        var previous = last
        for vertex in vertices {
            if segment(previous, vertex, intersects: rect) { return true }
            previous = vertex
        }
        return polygon(vertices, contains: rect.center)
    }
}
