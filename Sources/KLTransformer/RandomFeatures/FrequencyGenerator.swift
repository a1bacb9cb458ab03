import KLTensor

/// The generator network of the Generator-RKS/PRF kernels (spec §2.9): noise ε ∈ R^{M×p₀} → ω ∈ R^{M×d}.
///
/// For each consecutive pair (a, b) of `noiseDimensions`: Linear(a→b) → BatchNorm(b) → leaky ReLU(0.01);
/// then Linear(last→d) → tanh, so every frequency component lies in (−1, 1). BatchNorm normalises over
/// the M noise samples in training and uses its running statistics in evaluation.
public final class FrequencyGenerator: Module {
    /// Widths from the noise input to the last hidden layer, e.g. [64, 256].
    public let noiseDimensions: [Int]
    /// Hidden layers, each followed by batch normalisation.
    public let hidden: [Linear]
    /// One per hidden layer: γ, β and running statistics.
    public let normalizations: [(gamma: Tensor, beta: Tensor, statistics: BatchNormStatistics)]
    /// The output layer to d.
    public let output: Linear

    /// A generator for d-dimensional frequencies with weights Xavier-uniform and biases PyTorch's default.
    public init(noiseDimensions: [Int], outputDimension d: Int, generator: inout RandomGenerator) {
        precondition(!noiseDimensions.isEmpty && noiseDimensions.allSatisfy { $0 > 0 },
                     "FrequencyGenerator: noise dimensions \(noiseDimensions) must be positive and non-empty")
        self.noiseDimensions = noiseDimensions
        var hidden: [Linear] = []
        var normalizations: [(Tensor, Tensor, BatchNormStatistics)] = []
        for (a, b) in zip(noiseDimensions, noiseDimensions.dropFirst()) {
            hidden.append(FrequencyGenerator.layer(a, b, &generator))
            normalizations.append((Tensor.ones([b], requiresGrad: true), Tensor.zeros([b], requiresGrad: true),
                                   BatchNormStatistics(features: b)))
        }
        self.hidden = hidden
        self.normalizations = normalizations
        output = FrequencyGenerator.layer(noiseDimensions.last!, d, &generator)
    }

    /// Linear with Xavier-uniform weight and PyTorch's default bias U(±1/√fan_in).
    private static func layer(_ inputs: Int, _ outputs: Int, _ generator: inout RandomGenerator) -> Linear {
        let layer = Linear(inputs: inputs, outputs: outputs, initialization: .torchDefault, generator: &generator)
        let weight = Initialization.xavierUniform([inputs, outputs], fanIn: inputs, fanOut: outputs, generator: &generator)
        layer.weight.assign(weight)
        return layer
    }

    /// ω = g(ε) for noise ε of shape (M, p₀).
    public func callAsFunction(_ noise: Tensor, training: Bool) -> Tensor {
        var h = noise
        for (layer, norm) in zip(hidden, normalizations) {
            h = layer(h).batchNorm(gamma: norm.gamma, beta: norm.beta, statistics: norm.statistics, training: training)
                .leakyRelu(slope: 0.01)
        }
        return output(h).tanh()
    }

    public var parameters: [NamedParameter] {
        var result: [NamedParameter] = []
        for (index, (layer, norm)) in zip(hidden, normalizations).enumerated() {
            result += layer.parameters.prefixed("hidden.\(index)")
            result += [NamedParameter("norm.\(index).gamma", norm.gamma), NamedParameter("norm.\(index).beta", norm.beta)]
        }
        return result + output.parameters.prefixed("output")
    }

    /// The batch-normalisation running statistics, for checkpoints (they are not trained).
    public var statisticsBuffers: [NamedParameter] {
        normalizations.enumerated().flatMap { index, norm in
            [NamedParameter("norm.\(index).runningMean", norm.statistics.runningMean),
             NamedParameter("norm.\(index).runningVariance", norm.statistics.runningVariance)]
        }
    }
}
