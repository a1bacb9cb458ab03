import Foundation
import KLTransformer

/// Everything the inspection measured for one attention layer.
public struct LayerInspection {
    /// The layer's index.
    public var index: Int
    /// The spectral distribution at initialisation (rebuilt from the seed).
    public var initial: SpectralSnapshot
    /// The trained spectral distribution.
    public var trained: SpectralSnapshot
    /// The kernel's closed form, if the spec gives one.
    public var closedForm: ClosedFormKernel?
    /// κ along two paths.
    public var profile: KernelProfile
    /// The approximation error against M (nil without data, or for FAVOR+-exp).
    public var approximation: ApproximationError?
    /// The median ‖q‖ of the captured queries per head (empty without data).
    public var medianQueryNorms: [Double]

    /// The median of `values` (NaN when empty).
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// ‖q‖ of every captured query of head `h`.
    static func queryNorms(_ layer: AttentionCapture.Layer, head h: Int) -> [Double] {
        layer.queries.flatMap { block -> [Double] in
            let (n, heads, d) = (block.shape[0], block.shape[1], block.shape[2]), values = block.scalars
            return (0..<n).map { i in
                values[((i * heads + h) * d)..<((i * heads + h + 1) * d)].reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
            }
        }
    }
}
