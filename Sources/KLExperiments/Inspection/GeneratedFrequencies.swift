import KLTensor
import KLTransformer

/// Frequencies ω = g(ε) of a generator kernel for a fixed, seeded noise sample (so the initial and
/// the trained generator are compared on the same ε), and the generator's parameters.
public struct GeneratedFrequencies: Sendable, Equatable {
    /// The frequencies, one d-vector per noise sample.
    public var omega: [[Double]]
    /// Every generator parameter, flattened in order (for how far training moved them).
    public var parameters: [Double]

    /// `samples` frequencies of `map`'s generator (evaluation mode: running batch statistics) for
    /// noise drawn from `seed`; nil for a map without a generator.
    public init?(_ map: any FeatureMap, samples: Int, seed: UInt64) {
        guard let map = map as? RandomFeatureMap, let model = map.learnedFrequencies as? GeneratedFrequencyModel else { return nil }
        var generator = RandomGenerator(seed: seed)
        let noise = Tensor.randomNormal([samples, model.network.noiseDimensions[0]], generator: &generator)
        let values = withoutGradients { model.network(noise, training: false) }
        let d = map.inputDimension, scalars = values.scalars.map(Double.init)
        omega = (0..<samples).map { Array(scalars[($0 * d)..<(($0 + 1) * d)]) }
        parameters = map.parameters.flatMap { $0.tensor.scalars.map(Double.init) }
    }

    /// ‖ω‖ of each sample.
    public var norms: [Double] { omega.map { $0.reduce(0) { $0 + $1 * $1 }.squareRoot() } }
}
