/// One generated Pathfinder image: the pixels, the label and the geometry behind them.
public struct PathfinderImage: Hashable, Sendable {
    /// `side · side` grey values, row-major (32 · 32 = 1,024 for Pathfinder-32); the brightest
    /// pixel is always 255 (min–max byte scaling).
    public var pixels: [UInt8]
    /// The side length in pixels.
    public var side: Int
    /// 1 if both markers sit on the two ends of the same contour, 0 if one is on each target.
    public var label: Int
    /// Where the contours and markers are.
    public var trace: PathfinderTrace

    /// An image from its fields.
    public init(pixels: [UInt8], side: Int, label: Int, trace: PathfinderTrace) {
        self.pixels = pixels
        self.side = side
        self.label = label
        self.trace = trace
    }

    /// The pixels as a `GrayImage` (for `PNG.encode`).
    public var grayImage: GrayImage { GrayImage(width: side, height: side, pixels: pixels) }
}
