import Foundation
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

/// Generator-RKS and Generator-PRF (`generative-fourier`, `generative-positive`; spec §2.9–2.10): the
/// spectral distribution is the push-forward of Gaussian noise through a learned generator network,
/// shared by the heads of a layer.
///
/// ω = g(ε) ∈ R^{M×d}, ε ∈ R^{M×p₀} ~ N(0, I), M = n/2, u = x̃ωᵀ;
/// - `.trigonometric`: φ = √(2/n)·[cos u, sin u] plus the constant s (m = 2M + 1),
///   kernel ≈ E_ε cos(g(ε)ᵀΔ) + s²;
/// - `.positive`: φ = exp(u − ‖x̃‖² − ½ln n) (m = M; with the official n = n_arg − 1 this is 127
///   features for d = 64, spec §9 B4).
public final class GenerativeFeatures: FeatureMap {
    /// Which features are built from the generated frequencies.
    public enum Features: Sendable {
        /// cos/sin pairs plus a smoothing constant (RKS).
        case trigonometric(smoothing: Float)
        /// exp features (PRF).
        case positive
    }

    public let inputDimension: Int
    /// The official `n_dims`: M = n/2 generated frequencies.
    public let nominalDimensions: Int
    /// RKS or PRF features.
    public let kind: Features
    /// The frequency generator.
    public let generatorNetwork: FrequencyGenerator
    public var randomness: FeatureRandomness
    /// The current noise ε, (M, p₀).
    public private(set) var noise: Tensor
    /// ω = g(ε) of the current forward pass, computed once in `prepareForward` and shared by queries
    /// and keys (so batch statistics are updated once per pass, and ω's gradient collects both uses).
    private var passFrequencies: Tensor?

    public var featureCount: Int {
        switch kind {
        case .trigonometric: 2 * (nominalDimensions / 2) + 1
        case .positive: nominalDimensions / 2
        }
    }

    /// A map with n = `nominalDimensions` and a generator of the given widths.
    public init(inputDimension d: Int, nominalDimensions: Int, noiseDimensions: [Int], kind: Features,
                generator: inout RandomGenerator, randomness: FeatureRandomness) {
        precondition(nominalDimensions >= 2, "GenerativeFeatures: need at least 2 dimensions, got \(nominalDimensions)")
        inputDimension = d
        self.nominalDimensions = nominalDimensions
        self.kind = kind
        generatorNetwork = FrequencyGenerator(noiseDimensions: noiseDimensions, outputDimension: d, generator: &generator)
        self.randomness = randomness
        noise = Tensor.zeros([nominalDimensions / 2, noiseDimensions[0]])
        redraw()
    }

    public var parameters: [NamedParameter] { generatorNetwork.parameters.prefixed("generator") }

    public var buffers: [NamedParameter] {
        [NamedParameter("noise", noise)] + generatorNetwork.statisticsBuffers.prefixed("generator")
    }

    public func redraw() {
        noise = Tensor.randomNormal([nominalDimensions / 2, generatorNetwork.noiseDimensions[0]], generator: &randomness.generator)
    }

    public func prepareForward(training: Bool) {
        advanceRandomness(training: training)
        passFrequencies = generatorNetwork(noise, training: training)
    }

    public func features(_ x: Tensor, isQuery: Bool, training: Bool) -> Tensor {
        let omega = passFrequencies ?? generatorNetwork(noise, training: training)   // (M, d)
        let scaled = FeatureMath.scaled(x)
        let u = Tensor.matmul(scaled, omega, transposeB: true)
        switch kind {
        case .trigonometric(let smoothing):
            let phi = FeatureMath.trigonometric(u, scale: (2 / Float(nominalDimensions)).squareRoot())
            return FeatureMath.appendingConstant(phi, smoothing)
        case .positive:
            let offset = FeatureMath.squaredNorm(scaled) + Float(0.5 * Foundation.log(Double(nominalDimensions)))
            return FeatureMath.positive(u, offset: offset)
        }
    }
}
