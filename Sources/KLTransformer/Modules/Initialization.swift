import KLTensor

/// Parameter initialisations used by the paper's models (PyTorch's conventions, so that results are
/// comparable with the official code).
public enum Initialization {
    /// Xavier/Glorot uniform: U(−b, b), b = √(6/(fanIn + fanOut)).
    public static func xavierUniform(_ shape: [Int], fanIn: Int, fanOut: Int, generator: inout RandomGenerator) -> Tensor {
        let bound = (6 / Float(fanIn + fanOut)).squareRoot()
        return Tensor.randomUniform(shape, low: -bound, high: bound, generator: &generator, requiresGrad: true)
    }

    /// PyTorch's fan-in and fan-out of a weight tensor: for rank ≥ 2, fanIn = shape[1]·receptive,
    /// fanOut = shape[0]·receptive with receptive = product of shape[2...].
    public static func torchFans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        precondition(shape.count >= 2, "torchFans: need rank ≥ 2, got \(shape)")
        let receptive = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptive, shape[0] * receptive)
    }

    /// U(−bound, bound), trainable.
    public static func uniform(_ shape: [Int], bound: Float, generator: inout RandomGenerator) -> Tensor {
        Tensor.randomUniform(shape, low: -bound, high: bound, generator: &generator, requiresGrad: true)
    }
}
