import KLTensor

/// A fully connected layer `y = x·W + b` over the last axis, W of shape (inputs, outputs).
public final class Linear: Module {
    /// How a `Linear` layer's weight (and bias) start.
    public enum Initialization: Sendable {
        /// Weight Xavier-uniform; bias N(0, biasStandardDeviation²) (the paper's projections and FFN).
        case xavier(biasStandardDeviation: Float)
        /// PyTorch's `nn.Linear` default: weight and bias U(±1/√inputs).
        case torchDefault
        /// PyTorch's default weight, bias zero (the paper's classification heads).
        case torchDefaultZeroBias
    }

    /// Weight (inputs, outputs).
    public let weight: Tensor
    /// Bias (outputs,), or nil for a layer without bias.
    public let bias: Tensor?

    /// A layer with freshly initialised parameters drawn from `generator`.
    public init(inputs: Int, outputs: Int, bias hasBias: Bool = true, initialization: Initialization,
                generator: inout RandomGenerator) {
        switch initialization {
        case .xavier(let deviation):
            weight = KLTransformer.Initialization.xavierUniform([inputs, outputs], fanIn: inputs, fanOut: outputs, generator: &generator)
            bias = hasBias ? Tensor.randomNormal([outputs], standardDeviation: deviation, generator: &generator, requiresGrad: true) : nil
        case .torchDefault, .torchDefaultZeroBias:
            let bound = 1 / Float(inputs).squareRoot()
            weight = KLTransformer.Initialization.uniform([inputs, outputs], bound: bound, generator: &generator)
            if !hasBias {
                bias = nil
            } else if case .torchDefault = initialization {
                bias = KLTransformer.Initialization.uniform([outputs], bound: bound, generator: &generator)
            } else {
                bias = Tensor.zeros([outputs], requiresGrad: true)
            }
        }
    }

    /// Applies the layer to the last axis of `x`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let projected = Tensor.matmul(x, weight)
        guard let bias else { return projected }
        return projected + bias
    }

    public var parameters: [NamedParameter] {
        [NamedParameter("weight", weight)] + (bias.map { [NamedParameter("bias", $0)] } ?? [])
    }
}
