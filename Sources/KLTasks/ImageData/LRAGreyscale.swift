/// LRA's RGB → grey conversion for CIFAR-10, reproduced bit for bit in single precision.
///
/// LRA (`image/input_pipeline.py`) calls TensorFlow's `tf.image.rgb_to_grayscale`, which converts
/// the uint8 channels to float32 by multiplying with `Float(1/255)`, takes the dot product with
/// the weights `[0.2989, 0.5870, 0.1140]`, and converts back to uint8 with `convert_image_dtype`:
/// multiply by 255.5 and **truncate** (no rounding, no saturation; the weights sum to 0.9999, so
/// white gives 255.47 → 255 and nothing overflows). Every step here is the same float32
/// operation, summed left to right without fused multiply-add, so the grey values (and hence the
/// tokens) match what LRA trained on; only a pixel whose product lands within one float32 ulp of
/// an integer could differ if TensorFlow's matrix kernel fused or reordered the three products.
public enum LRAGreyscale {
    /// The luma weights TensorFlow uses for red, green and blue.
    public static let weights: (red: Float, green: Float, blue: Float) = (0.2989, 0.5870, 0.1140)

    /// The grey value of one pixel.
    @inline(__always)
    public static func grey(red: UInt8, green: UInt8, blue: UInt8) -> UInt8 {
        let scale = Float(1.0 / 255.0)
        let r = Float(red) * scale
        let g = Float(green) * scale
        let b = Float(blue) * scale
        var sum = r * weights.red
        sum = sum + g * weights.green
        sum = sum + b * weights.blue
        let scaled = sum * Float(255.5)
        return UInt8(scaled)   // truncation toward zero; 0 ≤ scaled < 256 for every input
    }

    /// The grey image of a planar RGB image (CIFAR's layout: all red values, then all green, then
    /// all blue, each `pixelCount` long and row-major). `planes` must hold `3 × pixelCount` bytes.
    public static func grey(planes: UnsafeRawBufferPointer, pixelCount: Int) -> [UInt8] {
        precondition(planes.count >= 3 * pixelCount, "planar RGB needs 3 × \(pixelCount) bytes")
        return (0..<pixelCount).map { index in
            grey(red: planes[index], green: planes[pixelCount + index], blue: planes[2 * pixelCount + index])
        }
    }
}
