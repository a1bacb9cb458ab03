import Foundation

/// Resizes 8-bit grey images with the Lanczos-3 filter the way Pillow's `Image.resize(…,
/// LANCZOS)` does, which is what `scipy.misc.imresize(…, interp='lanczos')` called when the
/// Pathfinder data were made.
///
/// Pillow's algorithm: for each axis and output pixel, a window of `3 · max(scale, 1)` input
/// pixels each side of the centre `(x + 0.5) · scale`, Lanczos weights `sinc(t) · sinc(t / 3)` at
/// `t = (input + 0.5 − centre) / max(scale, 1)`, normalised to sum 1, converted to 22-bit fixed
/// point, and applied horizontally first, then vertically, with rounding and clamping to 0…255
/// after each pass (so ringing below 0 is cut off). Only this one filter is needed here.
struct LanczosResampler: Sendable {
    /// Bits of fraction in Pillow's fixed-point weights for 8-bit images.
    private static let precisionBits = 32 - 8 - 2

    /// One output pixel's window: the first input index and its fixed-point weights.
    private struct Window: Sendable {
        let first: Int
        let weights: [Int]
    }

    /// The windows of the horizontal pass.
    private let columns: [Window]
    /// The windows of the vertical pass.
    private let rows: [Window]
    /// The input size.
    let inputWidth: Int, inputHeight: Int
    /// The output size.
    let outputWidth: Int, outputHeight: Int

    /// A resampler from `inputWidth × inputHeight` to `outputWidth × outputHeight` (all positive).
    init(inputWidth: Int, inputHeight: Int, outputWidth: Int, outputHeight: Int) {
        self.inputWidth = inputWidth
        self.inputHeight = inputHeight
        self.outputWidth = outputWidth
        self.outputHeight = outputHeight
        columns = Self.windows(input: inputWidth, output: outputWidth)
        rows = Self.windows(input: inputHeight, output: outputHeight)
    }

    /// Resizes `pixels` (row-major, `inputWidth × inputHeight`).
    func resize(_ pixels: [UInt8]) -> [UInt8] {
        precondition(pixels.count == inputWidth * inputHeight, "the image has the wrong size")
        let half = 1 << (Self.precisionBits - 1)
        let inputWidth = inputWidth, inputHeight = inputHeight, outputWidth = outputWidth, outputHeight = outputHeight
        var horizontal = [UInt8](repeating: 0, count: outputWidth * inputHeight)
        var out = [UInt8](repeating: 0, count: outputWidth * outputHeight)
        pixels.withUnsafeBufferPointer { pixels in
            horizontal.withUnsafeMutableBufferPointer { horizontal in
                for y in 0..<inputHeight {
                    let row = UnsafeBufferPointer(rebasing: pixels[(y * inputWidth)..<((y + 1) * inputWidth)])
                    // A black row stays black (the weights sum to one); skipping it matters for
                    // sparse images such as a marker on a large canvas.
                    if !row.contains(where: { $0 != 0 }) { continue }
                    for x in 0..<outputWidth {
                        let window = columns[x]
                        var sum = half
                        window.weights.withUnsafeBufferPointer { weights in
                            for k in 0..<weights.count { sum += Int(row[window.first + k]) * weights[k] }
                        }
                        horizontal[y * outputWidth + x] = Self.clip(sum)
                    }
                }
            }
        }
        horizontal.withUnsafeBufferPointer { horizontal in
            out.withUnsafeMutableBufferPointer { out in
                for y in 0..<outputHeight {
                    let window = rows[y]
                    window.weights.withUnsafeBufferPointer { weights in
                        for x in 0..<outputWidth {
                            var sum = half
                            for k in 0..<weights.count { sum += Int(horizontal[(window.first + k) * outputWidth + x]) * weights[k] }
                            out[y * outputWidth + x] = Self.clip(sum)
                        }
                    }
                }
            }
        }
        return out
    }

    /// A fixed-point sum back to a byte: shift out the fraction (flooring), clamp to 0…255.
    @inline(__always)
    private static func clip(_ sum: Int) -> UInt8 {
        UInt8(clamping: sum >> precisionBits)
    }

    /// Pillow's `precompute_coeffs` and `normalize_coeffs_8bpc` for one axis.
    private static func windows(input: Int, output: Int) -> [Window] {
        let scale = Double(input) / Double(output)
        let filterScale = max(scale, 1)
        let support = 3 * filterScale
        return (0..<output).map { x in
            let centre = (Double(x) + 0.5) * scale
            let first = max(Int(centre - support + 0.5), 0)
            let end = min(Int(centre + support + 0.5), input)
            var weights = (first..<end).map { lanczos((Double($0) - centre + 0.5) / filterScale) }
            let total = weights.reduce(0, +)
            if total != 0 { weights = weights.map { $0 / total } }
            let one = Double(1 << precisionBits)
            return Window(first: first, weights: weights.map { $0 < 0 ? Int(-0.5 + $0 * one) : Int(0.5 + $0 * one) })
        }
    }

    /// The Lanczos-3 kernel, `sinc(x) · sinc(x / 3)` on `[-3, 3)`.
    private static func lanczos(_ x: Double) -> Double {
        guard -3 <= x && x < 3 else { return 0 }
        return sinc(x) * sinc(x / 3)
    }

    /// `sin(πx) / (πx)`, 1 at 0.
    private static func sinc(_ x: Double) -> Double {
        x == 0 ? 1 : sin(Double.pi * x) / (Double.pi * x)
    }
}
