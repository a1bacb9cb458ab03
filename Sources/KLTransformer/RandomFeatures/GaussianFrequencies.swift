import KLTensor

/// ω_l ~ N(0, I_d) independently (spec §3.1): the plain Monte-Carlo reference for every component.
public struct GaussianFrequencies: FrequencySource {
    /// A source of independent Gaussian frequencies.
    public init() {}

    public var name: String { "gaussian" }
    public var summary: String { "independent N(0, I) frequencies (plain Monte Carlo)" }
    public var isMarginallyGaussian: Bool { true }

    public func frequencies(count: Int, dimension: Int, generator: inout RandomGenerator) -> [Float] {
        generator.normal(count: count * dimension)
    }
}
