import KLTensor

/// Generated frequencies, `generator` (the paper's Generator source, spec kl-transformer.md §2.9 and
/// random-features.md §3.10): ω = g_θ(ε) for ε ~ N(0, I_{p₀}) redrawn on the map's schedule, with g_θ
/// the paper's network (Linear → BatchNorm → leaky ReLU per hidden width, then Linear → tanh, so ω
/// lies in (−1, 1)^d), trained with the model.
///
/// The law of ω is whatever g_θ makes it, never N(0, I): only components whose kernel is defined by
/// the expectation over any frequency law (TrigRF, PosRF) may use it — GERF's, OPRF's and SADERF's
/// algebra assumes Gaussian frequencies, and with a generator it would change the kernel rather than
/// the variance (spec random-features.md §4.2).
public struct GeneratedFrequencies: LearnedFrequencySource {
    /// The widths from the noise to the last hidden layer.
    public let noiseDimensions: [Int]

    /// A generator source with the paper's ListOps widths, ε ∈ R^64 and one hidden layer of 256.
    public init(noiseDimensions: [Int] = [64, 256]) {
        self.noiseDimensions = noiseDimensions
    }

    public var name: String { "generator" }
    public var summary: String { "learned generator network ω = g(ε), tanh output in (−1, 1)^d (TrigRF and PosRF only)" }
    public var isMarginallyGaussian: Bool { false }

    /// Batch normalisation estimates a variance over the frequencies, so at least two.
    public func minimumCount(dimension: Int) -> Int { 2 }

    public func refusal(pairedWith component: any ComponentFunction) -> String? {
        guard component.usesFrequencyLengths else { return nil }
        return "\(component.name) assumes ω ~ N(0, I) (its A‖ω‖² term and parameters are derived for Gaussian frequencies); "
            + "generated frequencies change its kernel instead of its variance — pair the generator with trigrf, posrf or posrf-hyp"
    }

    public func makeModel(count: Int, dimension: Int, generator: inout RandomGenerator) -> any LearnedFrequencyModel {
        GeneratedFrequencyModel(count: count, dimension: dimension, noiseDimensions: noiseDimensions, generator: &generator)
    }
}

/// One map's generator network and current noise.
public final class GeneratedFrequencyModel: LearnedFrequencyModel {
    /// The number of frequencies M (noise samples per draw).
    public let count: Int
    /// The generator g_θ: ε → ω.
    public let network: FrequencyGenerator
    /// The current noise ε, (M, p₀).
    public private(set) var noise: Tensor

    init(count: Int, dimension: Int, noiseDimensions: [Int], generator: inout RandomGenerator) {
        self.count = count
        network = FrequencyGenerator(noiseDimensions: noiseDimensions, outputDimension: dimension, generator: &generator)
        noise = Tensor.zeros([count, noiseDimensions[0]])
    }

    public var parameters: [NamedParameter] { network.parameters.prefixed("generator") }

    public var buffers: [NamedParameter] { [NamedParameter("noise", noise)] + network.statisticsBuffers.prefixed("generator") }

    public func redraw(generator: inout RandomGenerator) {
        noise = Tensor.randomNormal([count, network.noiseDimensions[0]], generator: &generator)
    }

    public func omega(training: Bool) -> Tensor { network(noise, training: training).transposed(0, 1) }
}
