/// Turns grey images into token sequences: one token per pixel, row-major, token = pixel value + 1.
///
/// Tokens run 1…256 and 0 stays free for padding, as in the library's byte-level text tasks
/// (vocabulary 257). LRA instead uses the pixel value itself (vocabulary 256), and because its
/// encoder masks every token 0 as padding, black pixels are masked out of attention; the shift by
/// one deliberately avoids that, so every pixel (black included) is attended to. Smaller images
/// are centred in a square of black pixels (value 0, so token 1, not the padding token), which is
/// how 28×28 Fashion-MNIST becomes 1,024 tokens like 32×32 CIFAR-10.
public enum PixelTokens {
    /// Token ids are in `0 ..< vocabularySize`: 256 pixel values shifted by one, plus padding 0.
    public static let vocabularySize = 257

    /// The token for one grey value.
    @inline(__always)
    public static func token(forPixel value: UInt8) -> Int { Int(value) + 1 }

    /// The tokens of a `rows × columns` row-major grey image, centred in a `side × side` square of
    /// black pixels (left and top margins are `(side − columns) / 2` and `(side − rows) / 2`).
    /// Requires `rows ≤ side`, `columns ≤ side` and `pixels.count == rows × columns`.
    public static func tokens(
        pixels: some Collection<UInt8>, rows: Int, columns: Int, paddedToSide side: Int
    ) -> [Int] {
        precondition(rows <= side && columns <= side && pixels.count == rows * columns, "image does not fit")
        let black = token(forPixel: 0)
        var tokens = [Int](repeating: black, count: side * side)
        let top = (side - rows) / 2
        let left = (side - columns) / 2
        var index = pixels.startIndex
        for row in 0..<rows {
            let base = (top + row) * side + left
            for column in 0..<columns {
                tokens[base + column] = token(forPixel: pixels[index])
                index = pixels.index(after: index)
            }
        }
        return tokens
    }
}
