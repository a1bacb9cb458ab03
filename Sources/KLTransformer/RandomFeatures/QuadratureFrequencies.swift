import KLTensor

/// Subsampled Gauss–Hermite grid (spec §3.9): every entry of every frequency drawn independently
/// from the 8-node probabilists' Gauss–Hermite rule (nodes ξ_k with probabilities w_k). The
/// expected estimate equals the dense-grid quadrature, exact for polynomials of degree ≤ 15 in each
/// coordinate; the tails beyond ±4.14 are cut, a bias that grows quickly for |x + y| beyond 2.
public struct QuadratureFrequencies: FrequencySource {
    /// The positive nodes of the 8-node rule (√2 × the physicists' nodes); the rule is symmetric.
    static let nodes: [Double] = [0.539079811351375, 1.636519042435108, 2.802485861287542, 4.144547186125894]
    /// The probability of each positive node (and of its negative), summing to 1/2.
    static let probabilities: [Double] = [0.37301225767907, 0.11723990766175, 0.00963522012079, 0.00011261453838]

    /// A source drawing from the 8-node Gauss–Hermite law.
    public init() {}

    public var name: String { "sgq" }
    public var summary: String { "entries from the 8-node Gauss–Hermite rule (quadrature, small tail bias)" }
    public var isMarginallyGaussian: Bool { false }

    public func frequencies(count: Int, dimension: Int, generator: inout RandomGenerator) -> [Float] {
        (0..<(count * dimension)).map { _ in
            var u = generator.nextDouble() * 0.5
            let sign: Double = generator.nextUInt32() & 1 == 0 ? 1 : -1
            for (node, probability) in zip(Self.nodes, Self.probabilities) {
                if u < probability { return Float(sign * node) }
                u -= probability
            }
            return Float(sign * Self.nodes[Self.nodes.count - 1])
        }
    }
}
