import KLTensor
import KLTestSupport
import Testing
@testable import KLTransformer

/// `FeatureMap.causalFeatures`: a position's features never depend on later tokens, and a sequence
/// fed in pieces (passing the key stabiliser on) gets the features it gets when fed at once.
@Suite struct CausalFeatureTests {
    /// The maps with a data-dependent key stabiliser, and two without one.
    static let kernels = ["FAVOR+", "FAVOR+-exp", "GMM-PRF", "Gaussian-PRF", "posrf+orf", "gerf+gaussian", "GMM-RKS", "elu+1"]

    static func map(_ kernel: String) throws -> any FeatureMap {
        var generator = RandomGenerator(seed: 3)
        let configuration = KernelConfiguration(kernel: try #require(AttentionKernel(named: kernel)), headDimension: 8, heads: 2,
                                                maxLength: 16, seed: 5)
        let map = try #require(configuration.makeFeatureMap(generator: &generator))
        map.prepareForward(training: false)
        return map
    }

    /// Queries and keys (1, 8, 2, 8) whose last key is far larger than the others, so that a
    /// stabiliser taken over the whole sequence would be set by it.
    static func inputs() -> (queries: Tensor, keys: Tensor) {
        var data = TestData(seed: 8)
        let queries = data.tensor([1, 8, 2, 8]), keys = data.tensor([1, 8, 2, 8])
        let scale = Tensor(shape: [1, 8, 1, 1], scalars: [1, 1, 1, 1, 1, 1, 1, 6])
        return (queries, keys * scale)
    }

    @Test(arguments: kernels)
    func aPrefixGetsThePrefixOfTheFeatures(kernel: String) throws {
        let map = try Self.map(kernel)
        let (queries, keys) = Self.inputs()
        let whole = withoutGradients { map.causalFeatures(queries: queries, keys: keys, keyShift: nil, training: false) }
        let prefix = withoutGradients {
            map.causalFeatures(queries: queries.slice(alongAxis: 1, from: 0, count: 5), keys: keys.slice(alongAxis: 1, from: 0, count: 5),
                               keyShift: nil, training: false)
        }
        let width = whole.keys.shape[3]
        expectClose(prefix.keys.scalars, Array(whole.keys.scalars.prefix(5 * 2 * width)), tolerance: 1e-6)
        expectClose(prefix.queries.scalars, Array(whole.queries.scalars.prefix(5 * 2 * width)), tolerance: 1e-6)
    }

    @Test(arguments: kernels)
    func tokenByTokenFeaturesEqualTheWholeSequences(kernel: String) throws {
        let map = try Self.map(kernel)
        let (queries, keys) = Self.inputs()
        let whole = withoutGradients { map.causalFeatures(queries: queries, keys: keys, keyShift: nil, training: false) }
        let width = whole.keys.shape[3]
        var shift: Tensor?
        for t in 0..<8 {
            let step = withoutGradients {
                map.causalFeatures(queries: queries.slice(alongAxis: 1, from: t, count: 1), keys: keys.slice(alongAxis: 1, from: t, count: 1),
                                   keyShift: shift, training: false)
            }
            shift = step.keyShift
            let range = (t * 2 * width)..<((t + 1) * 2 * width)
            expectClose(step.keys.scalars, Array(whole.keys.scalars[range]), tolerance: 1e-5)
            expectClose(step.queries.scalars, Array(whole.queries.scalars[range]), tolerance: 1e-5)
        }
    }

    @Test func refusalsNameTheKernel() throws {
        for name in ["oprf+orf", "saderf-rbf+qmc"] {
            let configuration = KernelConfiguration(kernel: try #require(AttentionKernel(named: name)), headDimension: 8, heads: 2,
                                                    maxLength: 16, seed: 1)
            let refusal = try #require(configuration.causalRefusal)
            #expect(refusal.contains(name))
            var generator = RandomGenerator(seed: 1)
            #expect(configuration.makeFeatureMap(generator: &generator)?.causalRefusal == refusal)
        }
        for kernel in Kernel.allCases {
            let configuration = KernelConfiguration(kernel: .named(kernel), headDimension: 8, heads: 2, maxLength: 16, seed: 1)
            #expect(configuration.causalRefusal == nil, "\(kernel)")
        }
    }
}
