/// The images of an IDX image file (magic 2051): `count` grey images of `rows × columns` bytes,
/// stored one after another, each row-major.
///
/// Kept as one flat byte array (47 MB for Fashion-MNIST's training set) rather than an array per
/// image, so reading a file costs one allocation.
public struct IDXImages: Hashable, Sendable {
    /// The number of images.
    public var count: Int
    /// Rows per image.
    public var rows: Int
    /// Columns per image.
    public var columns: Int
    /// All pixels, image after image; `count × rows × columns` bytes.
    public var pixels: [UInt8]

    /// Images from their fields; `pixels.count` must be `count × rows × columns`.
    public init(count: Int, rows: Int, columns: Int, pixels: [UInt8]) {
        // rows × columns first, as `IDX` checks a header: for images of no columns, count × rows alone
        // can overflow while the whole product is 0.
        let (area, areaOverflow) = rows.multipliedReportingOverflow(by: columns)
        let (total, totalOverflow) = area.multipliedReportingOverflow(by: count)
        precondition(!areaOverflow && !totalOverflow && pixels.count == total, "pixel count does not match the shape")
        self.count = count
        self.rows = rows
        self.columns = columns
        self.pixels = pixels
    }

    /// The pixels of image `index` (0-based), row-major.
    public func image(at index: Int) -> ArraySlice<UInt8> {
        let size = rows * columns
        return pixels[(index * size)..<((index + 1) * size)]
    }
}
