import Foundation
import KLTensor
import KLTestSupport
import Testing
@testable import KLTransformer

/// The encoder and classifier: shapes, padding, positions, the kernel plugged in by name, gradients.
@Suite struct EncoderTests {
    static func configuration(_ kernel: Kernel, ordering: EncoderConfiguration.LayerOrdering = .official) -> EncoderConfiguration {
        var c = EncoderConfiguration.preset(.tiny, vocabularySize: 12, maxLength: 10, classes: 4, kernel: kernel.rawValue)
        c.ordering = ordering
        c.redrawEvery = 0        // frozen draws so two passes are comparable
        return c
    }

    @Test(arguments: Kernel.allCases)
    func paddingDoesNotChangeTheOutput(kernel: Kernel) throws {
        let model = try SequenceClassifier(configuration: Self.configuration(kernel), seed: 1)
        var context = ForwardContext(training: false)
        let short = withoutGradients { model(tokens: [3, 4, 5, 6], batch: 1, length: 4, lengths: [4], context: &context) }
        let padded = withoutGradients {
            model(tokens: [3, 4, 5, 6, 0, 0, 0, 0, 9, 9, 0, 0, 0, 0, 0, 0], batch: 2, length: 8, lengths: [4, 2], context: &context)
        }
        #expect(padded.shape == [2, 4])
        expectClose(Array(padded.scalars[0..<4]), short.scalars, tolerance: 1e-4)
    }

    @Test(arguments: EncoderConfiguration.LayerOrdering.allCases)
    func gradientsReachEveryParameter(ordering: EncoderConfiguration.LayerOrdering) throws {
        var configuration = Self.configuration(.gmmPRF, ordering: ordering)
        configuration.dropout = 0
        let model = try SequenceClassifier(configuration: configuration, seed: 2)
        var context = ForwardContext(training: true)
        let logits = model(tokens: [1, 2, 3, 4, 5, 0], batch: 2, length: 3, lengths: [3, 2], context: &context)
        try Tensor.crossEntropy(logits: logits, labels: [1, 3]).backward()
        for parameter in model.parameters where parameter.name != "encoder.embedding" {
            let grad = try #require(parameter.tensor.grad, "\(parameter.name) got no gradient")
            #expect(grad.scalars.contains { $0 != 0 }, "\(parameter.name) has an all-zero gradient")
        }
        // End-to-end finite differences for a spectral parameter of the first layer and the output
        // layer (a small step: the head's ReLU has kinks).
        let mean = model.parameters.first { $0.name == "encoder.layers.0.attention.featureMap.mean" }!.tensor
        checkGradients([mean, model.head[1].weight], step: 2e-3, absolute: 2e-3, relative: 5e-2) { _ in
            var context = ForwardContext(training: true)
            return model(tokens: [1, 2, 3, 4, 5, 0], batch: 2, length: 3, lengths: [3, 2], context: &context)
        }
    }

    @Test func sinusoidalPositionsFollowTheFormula() {
        let positions = TransformerEncoder.sinusoidalPositions(count: 5, dimension: 6).scalars
        for p in 0..<5 {
            for i in stride(from: 0, to: 6, by: 2) {
                let angle = Double(p) * pow(10000, -Double(i) / 6)
                #expect(abs(Double(positions[p * 6 + i]) - sin(angle)) < 1e-6)
                #expect(abs(Double(positions[p * 6 + i + 1]) - cos(angle)) < 1e-6)
            }
        }
    }

    @Test func eachLayerGetsItsOwnFeatureMapAndTheParametersAreNamed() throws {
        var configuration = Self.configuration(.gmmRKS)
        configuration.layers = 2
        let model = try SequenceClassifier(configuration: configuration, seed: 3)
        #expect(model.featureMaps.count == 2 && model.featureMaps[0] !== model.featureMaps[1])
        let names = model.parameters.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(names.contains("encoder.layers.1.attention.featureMap.covarianceFactor"))
        #expect(names.contains("encoder.classToken") && names.contains("head.1.bias"))
    }

    @Test func badConfigurationsAreRefusedWithAReason() {
        var unknown = Self.configuration(.gmmPRF)
        unknown.kernel = "nope"
        #expect { try SequenceClassifier(configuration: unknown, seed: 1) } throws: { "\($0)".contains("unknown kernel 'nope'") }
        var fastFood = Self.configuration(.fastFoodRKS)
        fastFood.headDimension = 6
        #expect { try SequenceClassifier(configuration: fastFood, seed: 1) } throws: { "\($0)".contains("power-of-two") }
    }

    @Test func theSameSeedBuildsTheSameModel() throws {
        let a = try SequenceClassifier(configuration: Self.configuration(.generatorRKS), seed: 4)
        let b = try SequenceClassifier(configuration: Self.configuration(.generatorRKS), seed: 4)
        #expect(a.parameters.map { $0.tensor.scalars } == b.parameters.map { $0.tensor.scalars })
        #expect(a.buffers.map { $0.tensor.scalars } == b.buffers.map { $0.tensor.scalars })
    }

    /// A pair model's head reads [e₁; e₂] or [e₁; e₂; e₁ ⊙ e₂; e₁ − e₂] of the two summaries,
    /// which the shared encoder computes exactly as for single sequences.
    @Test(arguments: EncoderConfiguration.PairFeatures.allCases)
    func pairHeadsReadTheDocumentedFeatures(features: EncoderConfiguration.PairFeatures) throws {
        var configuration = Self.configuration(.elu)
        configuration.pairInputs = true
        configuration.pairFeatures = features
        let model = try SequenceClassifier(configuration: configuration, seed: 5)
        let width = configuration.modelDimension
        #expect(model.head[0].weight.shape == [(features == .interactions ? 4 : 2) * width, configuration.classifierDimension])
        let first = TokenBatch(tokens: [3, 4, 5, 1, 2, 0], batch: 2, length: 3, lengths: [3, 2])
        let second = TokenBatch(tokens: [7, 0, 8, 9], batch: 2, length: 2, lengths: [1, 2])
        var context = ForwardContext(training: false)
        let logits = withoutGradients { model(first, second, context: &context) }
        let expected: Tensor = withoutGradients {
            let a = model.encoder(tokens: first.tokens, batch: 2, length: 3, lengths: first.lengths, context: &context)
            let b = model.encoder(tokens: second.tokens, batch: 2, length: 2, lengths: second.lengths, context: &context)
            let parts = features == .interactions ? [a, b, a * b, a - b] : [a, b]
            var x = Tensor.concatenate(parts, alongAxis: 1)
            for (index, layer) in model.head.enumerated() { x = index + 1 < model.head.count ? layer(x).relu() : layer(x) }
            return x
        }
        #expect(logits.shape == [2, configuration.classes])
        expectClose(logits.scalars, expected.scalars, tolerance: 1e-5)
    }

    /// Configurations round-trip through JSON (checkpoints carry them); one written before
    /// `pairFeatures` existed decodes as the concatenation head it was built with.
    @Test func configurationsDecodeWithAndWithoutPairFeatures() throws {
        var configuration = Self.configuration(.gmmPRF)
        configuration.pairInputs = true
        configuration.pairFeatures = .interactions
        let data = try JSONEncoder().encode(configuration)
        #expect(try JSONDecoder().decode(EncoderConfiguration.self, from: data) == configuration)
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object.removeValue(forKey: "pairFeatures") != nil)
        let old = try JSONDecoder().decode(EncoderConfiguration.self, from: JSONSerialization.data(withJSONObject: object))
        configuration.pairFeatures = .concatenation
        #expect(old == configuration)
    }
}
