/// An 8-bit greyscale image: `height` rows of `width` pixels, row-major, 0 = black.
///
/// The one image type of the library's image tasks (Pathfinder, grey CIFAR): a model reads the
/// pixels row by row as a token sequence, so nothing more than bytes and a shape is needed.
public struct GrayImage: Hashable, Sendable {
    /// The number of columns.
    public let width: Int
    /// The number of rows.
    public let height: Int
    /// `width · height` pixel values, row after row.
    public var pixels: [UInt8]

    /// An image from its pixels; `pixels.count` must be `width · height`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height,
                     "a \(width)×\(height) image needs \(width * height) pixels, got \(pixels.count)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// An all-black image.
    public init(width: Int, height: Int) {
        self.init(width: width, height: height, pixels: [UInt8](repeating: 0, count: width * height))
    }

    /// The pixel at `row`, `column`.
    public subscript(row: Int, column: Int) -> UInt8 {
        get { pixels[row * width + column] }
        set { pixels[row * width + column] = newValue }
    }
}
