import Foundation

/// The pre-rendered pieces of a Pathfinder image: one dash ("paddle") and its occupancy mask for
/// every direction, and the markers, rendered as `snakes.draw_line_n_mask` and
/// `snakes2.draw_circle` do.
///
/// A dash of length 2 px and thickness 0.5 px is drawn at 2× on a 17 × 17 canvas as a 1-px line
/// (Pillow's Bresenham, both ends included) from the centre (8, 8) to `translate((8, 8), θ, 4)`,
/// then Lanczos-resized to 9 × 9 (`LanczosResampler`, Pillow's algorithm). Its mask is the same
/// canvas dilated with the disk of radius 2 (margin 1 at 2×) before resizing. Both depend on θ
/// only through that integer end point, so all 81 possible end points are rendered once. A marker
/// is a disk of radius 3 (1.5 px at 2×) on a 2× canvas of the whole image, resized the same way.
struct PathfinderStamps: Sendable {
    /// The stamp's half size: length 2 + thickness rounded up 1 + margin 1.
    static let halfSize = 4
    /// The stamp's side, 9.
    static let size = 2 * halfSize + 1
    /// The antialiasing scale.
    static let scale = 2
    /// The side of the head-centric seed structure (`(length + margin) · 2 + 1`).
    static let seedStructureSize = 7

    /// One direction's dash.
    struct Stamp: Sendable {
        /// The dash's intensity, 0…1, `size × size`, centred on the dash's start.
        let line: [Double]
        /// The occupancy it claims, 0…1 (`size × size`, same centre).
        let mask: [Double]
        /// The offsets (relative to the anchor of the 7 × 7 seed structure) of the structure's
        /// set pixels, where the mask, cast to bytes as the original does, is exactly 1: row
        /// offsets at even indices, column offsets at odd ones.
        let seedOffsets: [Int]
    }

    /// Stamps indexed by the 2× end point's offset: `(dy + 4) · 9 + (dx + 4)`.
    private let stamps: [Stamp]
    /// The side of the images markers are drawn for.
    let side: Int
    /// 2× image → image resizer for markers.
    private let markerResampler: LanczosResampler

    /// Renders every stamp, for images of `side × side` pixels.
    init(side: Int) {
        self.side = side
        let canvas = Self.size * Self.scale - 1  // 17
        let resampler = LanczosResampler(inputWidth: canvas, inputHeight: canvas, outputWidth: Self.size, outputHeight: Self.size)
        var stamps: [Stamp] = []
        for dy in -Self.halfSize...Self.halfSize {
            for dx in -Self.halfSize...Self.halfSize {
                stamps.append(Self.render(dy: dy, dx: dx, canvas: canvas, resampler: resampler))
            }
        }
        self.stamps = stamps
        markerResampler = LanczosResampler(
            inputWidth: side * Self.scale, inputHeight: side * Self.scale, outputWidth: side, outputHeight: side)
    }

    /// The dash drawn from its start in direction `orientation` (radians).
    func stamp(orientation: Double) -> Stamp {
        let centre = PathfinderPoint(row: 8, column: 8)
        let end = centre.translated(angle: orientation, distance: 4)
        let dy = min(max(end.row - 8, -Self.halfSize), Self.halfSize)
        let dx = min(max(end.column - 8, -Self.halfSize), Self.halfSize)
        return stamps[(dy + Self.halfSize) * Self.size + dx + Self.halfSize]
    }

    /// A marker disk centred on `tip`, as bytes (`side × side`): the 2× disk
    /// `(y − 2·row)² + (x − 2·column)² ≤ 3²` at 255 on black, Lanczos-resized.
    func marker(at tip: PathfinderPoint) -> [UInt8] {
        let big = side * Self.scale
        let radius = Double(Self.scale) * 1.5
        var canvas = [UInt8](repeating: 0, count: big * big)
        let reach = Int(radius) + 1
        for y in max(Self.scale * tip.row - reach, 0)..<min(max(Self.scale * tip.row + reach + 1, 0), big) {
            for x in max(Self.scale * tip.column - reach, 0)..<min(max(Self.scale * tip.column + reach + 1, 0), big) {
                let dy = Double(y - Self.scale * tip.row), dx = Double(x - Self.scale * tip.column)
                if dy * dy + dx * dx <= radius * radius { canvas[y * big + x] = 255 }
            }
        }
        return markerResampler.resize(canvas)
    }

    /// Renders the dash whose 2× end point is `(8 + dy, 8 + dx)`.
    private static func render(dy: Int, dx: Int, canvas: Int, resampler: LanczosResampler) -> Stamp {
        var line = [UInt8](repeating: 0, count: canvas * canvas)
        for point in bresenham(from: (8, 8), to: (8 + dy, 8 + dx)) {
            line[point.0 * canvas + point.1] = 255
        }
        // Grey dilation with the disk x² + y² ≤ 2² (cv2.dilate; pixels outside are ignored).
        var dilated = [UInt8](repeating: 0, count: canvas * canvas)
        for y in 0..<canvas {
            for x in 0..<canvas {
                var value: UInt8 = 0
                for oy in -2...2 {
                    for ox in -2...2 where oy * oy + ox * ox <= 4 {
                        let sy = y + oy, sx = x + ox
                        if sy >= 0 && sy < canvas && sx >= 0 && sx < canvas { value = max(value, line[sy * canvas + sx]) }
                    }
                }
                dilated[y * canvas + x] = value
            }
        }
        let lineBytes = resampler.resize(line)
        let maskBytes = resampler.resize(dilated)
        // The seed structure: the mask drawn into a 7 × 7 grid with the dash's start at (4, 4),
        // i.e. stamp rows and columns 0…6, cast to bytes (only exact 1.0 survives), anchored at
        // the grid's centre (3, 3).
        var offsets: [Int] = []
        for r in 0..<seedStructureSize {
            for c in 0..<seedStructureSize where maskBytes[r * size + c] == 255 {
                offsets.append(contentsOf: [r - seedStructureSize / 2, c - seedStructureSize / 2])
            }
        }
        return Stamp(line: lineBytes.map { Double($0) / 255 }, mask: maskBytes.map { Double($0) / 255 }, seedOffsets: offsets)
    }

    /// Pillow's one-pixel line: Bresenham from `start` to `end`, both included (what Pillow's
    /// `ImageDraw.line` draws today; the data spec's probe statistics were made with it). Points
    /// are `(row, column)`.
    static func bresenham(from start: (Int, Int), to end: (Int, Int)) -> [(Int, Int)] {
        var (y, x) = start
        var dx = end.1 - x, dy = end.0 - y
        let xs = dx < 0 ? -1 : 1, ys = dy < 0 ? -1 : 1
        dx = abs(dx)
        dy = abs(dy)
        var points: [(Int, Int)] = []
        if dx >= dy {
            var e = 2 * dy - dx
            for _ in 0...dx {
                points.append((y, x))
                if e >= 0 && dy != 0 {
                    y += ys
                    e -= 2 * dx
                }
                e += 2 * dy
                x += xs
            }
        } else {
            var e = 2 * dx - dy
            for _ in 0...dy {
                points.append((y, x))
                if e >= 0 && dx != 0 {
                    x += xs
                    e -= 2 * dy
                }
                e += 2 * dx
                y += ys
            }
        }
        return points
    }
}
