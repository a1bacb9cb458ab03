import Foundation
import KLTensor

/// The drawing state of one Pathfinder image while its contours are laid out: the intensity image
/// and the occupancy mask, with the operations of `snakes.py` / `snakes2.py` (data spec §3.2–3.3)
/// that place seeds and extend contours.
///
/// The mask starts with a 1-px border set. A contour claims pixels lazily, as the original does:
/// a dash's mask is committed only when the *next* dash is accepted (so a contour may touch its
/// newest dash), and when a contour is complete. Randomness comes from the caller's
/// `RandomGenerator`, one call per draw.
struct PathfinderScene {
    /// Pixels per dash (`paddle_length`).
    static let dashLength = 2.0
    /// The gap and dilation radius (`paddle_margin`).
    static let margin = 1
    /// Pivot to pivot: `length + 2 · margin`.
    static let pivotStep = 4.0
    /// Radius of the head candidates around a pivot: `length + margin`.
    static let stepRadius = 3.0
    /// Turning penalty multiplier (`continuity`): 1 means a cos² kernel that reaches 0 at 90°.
    static let continuity = 1.0
    /// Extra tries per dash after the first (`max_paddle_retrial`).
    static let segmentRetries = 2
    /// Mask values above this count as occupied when looking for a free seed (`ceil(v − 0.3)`).
    static let occupiedThreshold = 0.3
    /// A candidate dash is rejected where mask + dash mask reaches this.
    static let overlapThreshold = 1.8
    /// A distractor seed gives up when fewer than this fraction of pixels are free.
    static let minimumFreeFraction = 0.01

    /// A dash whose mask is not yet committed.
    struct PendingDash {
        let stamp: PathfinderStamps.Stamp
        let start: PathfinderPoint
    }

    /// The state of a contour being grown.
    struct Growth {
        /// The dash drawn last.
        var pending: PendingDash
        /// The current pivot.
        var pivot: PathfinderPoint
        /// The current growth direction.
        var orientation: Double
        /// The dashes so far.
        var segments: [PathfinderTrace.Segment]
    }

    /// The image side.
    let side: Int
    /// The rendered dashes.
    let stamps: PathfinderStamps
    /// Intensity, row-major; dashes are `contrast · line`, combined by `max`.
    var image: [Double]
    /// Occupancy, row-major, 0…1.
    var mask: [Double]

    /// An empty scene: black image, mask with its 1-px border set.
    init(stamps: PathfinderStamps) {
        self.stamps = stamps
        side = stamps.side
        image = [Double](repeating: 0, count: side * side)
        mask = [Double](repeating: 0, count: side * side)
        for i in 0..<side {
            mask[i] = 1
            mask[(side - 1) * side + i] = 1
            mask[i * side] = 1
            mask[i * side + side - 1] = 1
        }
    }

    /// Whether `point` lies in the image.
    @inline(__always)
    func contains(_ point: PathfinderPoint) -> Bool {
        point.row >= 0 && point.row < side && point.column >= 0 && point.column < side
    }

    // MARK: Dashes

    /// The part of a stamp centred on `start` that falls in the image: the first image row and
    /// column it covers, the first stamp row and column that land there, and how many rows and
    /// columns do (both may be 0 when the stamp misses the image entirely).
    @inline(__always)
    private func window(at start: PathfinderPoint) -> (row: Int, column: Int, stampRow: Int, stampColumn: Int, rows: Int, columns: Int) {
        let half = PathfinderStamps.halfSize
        let top = max(start.row - half, 0), bottom = min(start.row + half, side - 1)
        let left = max(start.column - half, 0), right = min(start.column + half, side - 1)
        return (top, left, top - (start.row - half), left - (start.column - half),
                max(bottom - top + 1, 0), max(right - left + 1, 0))
    }

    /// Draws a dash into the image: `image = max(image, contrast · line)`.
    mutating func draw(_ stamp: PathfinderStamps.Stamp, at start: PathfinderPoint, contrast: Double) {
        let w = window(at: start), size = PathfinderStamps.size
        for r in 0..<w.rows {
            for c in 0..<w.columns {
                let i = (w.row + r) * side + w.column + c
                image[i] = max(image[i], contrast * stamp.line[(w.stampRow + r) * size + w.stampColumn + c])
            }
        }
    }

    /// Commits a dash's mask: `mask = max(mask, dash mask)`.
    mutating func commit(_ dash: PendingDash) {
        let w = window(at: dash.start), size = PathfinderStamps.size
        for r in 0..<w.rows {
            for c in 0..<w.columns {
                let i = (w.row + r) * side + w.column + c
                mask[i] = max(mask[i], dash.stamp.mask[(w.stampRow + r) * size + w.stampColumn + c])
            }
        }
    }

    /// Whether a dash's mask collides with the occupied pixels (`max(mask + m) ≥ 1.8`).
    func overlaps(_ stamp: PathfinderStamps.Stamp, at start: PathfinderPoint) -> Bool {
        let w = window(at: start), size = PathfinderStamps.size
        for r in 0..<w.rows {
            for c in 0..<w.columns
            where mask[(w.row + r) * side + w.column + c] + stamp.mask[(w.stampRow + r) * size + w.stampColumn + c] >= Self.overlapThreshold {
                return true
            }
        }
        return false
    }

    // MARK: Seeds

    /// A uniformly drawn integer angle in −180…179 degrees, as radians.
    static func randomOrientation(using random: inout RandomGenerator) -> Double {
        Double(random.nextInt(below: 360) - 180) * Double.pi / 180
    }

    /// `θ + π` for negative `θ`, else `θ − π` (`flip_by_pi`).
    static func reversed(_ orientation: Double) -> Double {
        orientation < 0 ? orientation + Double.pi : orientation - Double.pi
    }

    /// The pixels where a seed dash of direction `orientation` may start: those still free after
    /// the mask, with a frame of `frame` pixels set, is dilated by the head-centric seed structure
    /// (so the dash keeps clear of the frame and of what is drawn). In row-major order.
    ///
    /// As in the original, none at all when some pixel has no structure offset inside the image:
    /// `cv2.dilate` leaves such a pixel at −DBL_MAX (outside pixels do not count), and
    /// `find_available_coordinates` then reports nothing free (its "mystery" branch). That
    /// happens when the structure lies wholly to one side of its anchor, so those directions can
    /// never seed.
    func freeSeedPixels(orientation: Double, frame: Int) -> [Int] {
        let offsets = stamps.stamp(orientation: orientation).seedOffsets
        let side = side
        // The framed mask, thresholded: a dilated value exceeds 0.3 exactly when one of the
        // values it is the maximum of does.
        var occupied = [Bool](repeating: true, count: side * side)
        if frame < side - frame {
            for y in frame..<(side - frame) {
                for x in frame..<(side - frame) { occupied[y * side + x] = mask[y * side + x] > Self.occupiedThreshold }
            }
        }
        var free: [Int] = []
        occupied.withUnsafeBufferPointer { occupied in
            offsets.withUnsafeBufferPointer { offsets in
                for y in 0..<side {
                    for x in 0..<side {
                        var isFree = true, covered = false
                        var k = 0
                        while k < offsets.count {
                            let sy = y + offsets[k], sx = x + offsets[k + 1]
                            k += 2
                            guard sy >= 0 && sy < side && sx >= 0 && sx < side else { continue }
                            covered = true
                            if occupied[sy * side + sx] {
                                isFree = false
                                break
                            }
                        }
                        guard covered else {
                            free.removeAll()
                            return
                        }
                        if isFree { free.append(y * side + x) }
                    }
                }
            }
        }
        return free
    }

    /// Places a seed dash (`seed_snake` / the first seed of `initialize_two_seeds`): up to three
    /// tries of a random direction and a free tail inside a frame of `frame` pixels whose head
    /// (2 px on) and pivot (3 px back from the head) lie in the image. Draws the dash and returns
    /// its growth state, or nil when no pixel is free or every try leaves the image.
    mutating func seed(frame: Int, contrast: Double, using random: inout RandomGenerator) -> Growth? {
        for _ in 0...Self.segmentRetries {
            let orientation = Self.randomOrientation(using: &random)
            let free = freeSeedPixels(orientation: orientation, frame: frame)
            guard !free.isEmpty else { return nil }
            let index = free[random.nextInt(below: free.count)]
            let tail = PathfinderPoint(row: index / side, column: index % side)
            if let growth = startGrowth(tail: tail, orientation: orientation, contrast: contrast) { return growth }
        }
        return nil
    }

    /// Places the second target seed (`initialize_two_seeds`): a random direction, and a tail 7 px
    /// from `tail` in a random integer direction (rounded half to even, no occupancy check), up to
    /// three tries until head and pivot lie in the image.
    mutating func seed(near tail: PathfinderPoint, distance: Double, contrast: Double,
                       using random: inout RandomGenerator) -> Growth? {
        for _ in 0...Self.segmentRetries {
            let orientation = Self.randomOrientation(using: &random)
            let angle = Double(random.nextInt(below: 360)) * Double.pi / 180
            let second = PathfinderPoint(
                row: Int((Double(tail.row) + distance * sin(angle)).rounded(.toNearestOrEven)),
                column: Int((Double(tail.column) + distance * cos(angle)).rounded(.toNearestOrEven)))
            if let growth = startGrowth(tail: second, orientation: orientation, contrast: contrast) { return growth }
        }
        return nil
    }

    /// Checks a seed's head and pivot against the image bounds; if they fit, draws the dash at
    /// `tail` and returns the growth state.
    private mutating func startGrowth(tail: PathfinderPoint, orientation: Double, contrast: Double) -> Growth? {
        let head = tail.translated(angle: orientation, distance: Self.dashLength)
        let pivot = head.translated(angle: Self.reversed(orientation), distance: Self.stepRadius)
        guard contains(head) && contains(pivot) else { return nil }
        let stamp = stamps.stamp(orientation: orientation)
        draw(stamp, at: tail, contrast: contrast)
        return Growth(
            pending: PendingDash(stamp: stamp, start: tail), pivot: pivot, orientation: orientation,
            segments: [PathfinderTrace.Segment(start: tail, orientation: orientation, pivot: pivot)])
    }

    // MARK: Extension

    /// Adds one dash to a contour (`extend_snake`): the new pivot is 4 px on; heads are the
    /// distinct in-image points (truncated) on the radius-3 circle around it at 1-px arc spacing,
    /// weighted by `(1 − dilated mask) · cos²(turn)` with the turn clipped at 90°; up to three
    /// draws until the dash (from the head back towards the pivot) does not collide. On success
    /// draws it, commits the previous dash's mask and returns true.
    mutating func extend(_ growth: inout Growth, contrast: Double, using random: inout RandomGenerator) -> Bool {
        let pivot = growth.pivot.translated(angle: growth.orientation, distance: Self.pivotStep)
        // Candidate heads, as numpy builds them: angles arange(0, 360, 360 / (2π·3)) degrees.
        let degreesPerPixel = 360 / (2 * Self.stepRadius * Double.pi)
        var heads: [PathfinderPoint] = []
        var k = 0
        while Double(k) * degreesPerPixel < 360 {
            let angle = Double(k) * degreesPerPixel * Double.pi / 180
            k += 1
            let y = Double(pivot.row) + Self.stepRadius * sin(angle)
            let x = Double(pivot.column) + Self.stepRadius * cos(angle)
            guard y >= 0 && y < Double(side) && x >= 0 && x < Double(side) else { continue }
            heads.append(PathfinderPoint(row: Int(y), column: Int(x)))
        }
        // numpy's `unique(axis=0)`: sorted by row, then column, without repeats.
        heads.sort { ($0.row, $0.column) < ($1.row, $1.column) }
        heads = heads.enumerated().filter { $0.offset == 0 || heads[$0.offset - 1] != $0.element }.map(\.element)
        guard !heads.isEmpty else { return false }
        var orientations: [Double] = []
        var weights: [Double] = []
        for head in heads {
            let orientation = atan2(Double(head.row - pivot.row), Double(head.column - pivot.column))
            var turn = abs(orientation - growth.orientation)
            turn = min(turn, 2 * Double.pi - turn)
            turn = min(turn * Self.continuity, Double.pi / 2)
            let kernel = turn >= Double.pi / 2 ? 0 : pow(max(cos(turn), 0), 2)
            orientations.append(orientation)
            weights.append((1 - dilatedMask(at: head)) * kernel)
        }
        let total = weights.reduce(0, +)
        guard total >= 1e-4 else { return false }
        var cumulative: [Double] = []
        var running = 0.0
        for weight in weights {
            running += weight / total
            cumulative.append(running)
        }
        let lastPositive = weights.lastIndex(where: { $0 > 0 }) ?? 0
        for _ in 0...Self.segmentRetries {
            let u = random.nextDouble()
            let index = cumulative.firstIndex(where: { $0 > u }) ?? lastPositive
            let head = heads[index]
            let stamp = stamps.stamp(orientation: Self.reversed(orientations[index]))
            guard !overlaps(stamp, at: head) else { continue }
            draw(stamp, at: head, contrast: contrast)
            commit(growth.pending)
            growth.pending = PendingDash(stamp: stamp, start: head)
            growth.pivot = pivot
            growth.orientation = orientations[index]
            growth.segments.append(PathfinderTrace.Segment(start: head, orientation: orientations[index], pivot: pivot))
            return true
        }
        return false
    }

    /// The mask dilated by the small disk (radius 1: the pixel and its four neighbours) at `point`.
    private func dilatedMask(at point: PathfinderPoint) -> Double {
        var value = mask[point.row * side + point.column]
        for (dy, dx) in [(-1, 0), (1, 0), (0, -1), (0, 1)] {
            let y = point.row + dy, x = point.column + dx
            if y >= 0 && y < side && x >= 0 && x < side { value = max(value, mask[y * side + x]) }
        }
        return value
    }

    /// The fraction of pixels not occupied (mask ≤ 0.3), for the distractors' stopping rule.
    var freeFraction: Double {
        Double(mask.lazy.filter { $0 <= Self.occupiedThreshold }.count) / Double(mask.count)
    }
}
