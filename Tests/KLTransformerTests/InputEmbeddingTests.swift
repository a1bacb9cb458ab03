import Foundation
import KLTensor
import KLTestSupport
import Testing
@testable import KLTransformer

/// Images embedded from their pixel intensities (`InputEmbedding`): the linear and patch embeddings
/// compute what they say, the encoder is differentiable in the pixels, the parameters and their count
/// agree, configurations round-trip (older ones decode as token embeddings), and misuse is refused.
@Suite struct InputEmbeddingTests {
    /// A 4×4 image (maxLength 16) of pixel tokens, width 4.
    static func configuration(_ embedding: InputEmbedding, kernel: String = "softmax", width: Int = 4) -> EncoderConfiguration {
        var c = EncoderConfiguration(vocabularySize: 257, maxLength: 16, modelDimension: width, heads: 2, headDimension: 2,
                                     feedForwardDimension: 8, layers: 1, classifierDimension: 4, classes: 3, kernel: kernel)
        (c.dropout, c.attentionDropout, c.inputEmbedding) = (0, 0, embedding)
        return c
    }

    static let tokens = (0..<32).map { 1 + ($0 * 37) % 256 }   // two images

    /// Positions 1… of the layer input, minus the sinusoidal positions: the embedded pixels or patches.
    static func embedded(_ encoder: TransformerEncoder) -> (values: [Float], count: Int) {
        var context = ForwardContext(training: false)
        let inputs = encoder.embed(tokens: tokens, batch: 2, length: 16, lengths: [16, 16], context: &context)
        let count = inputs.x.shape[1] - 1, d = encoder.configuration.modelDimension
        let body = inputs.x.slice(alongAxis: 1, from: 1, count: count) - encoder.positions.slice(alongAxis: 0, from: 1, count: count)
        #expect(inputs.keyMask.scalars.allSatisfy { $0 == 1 } && inputs.lengths == [count, count] && body.shape == [2, count, d])
        return (body.scalars, count)
    }

    @Test func linearPixelsAreIntensityTimesAVectorPlusABias() throws {
        let encoder = try SequenceClassifier(configuration: Self.configuration(.linearPixels), seed: 1).encoder
        let (w, b) = (try #require(encoder.pixelWeight).scalars, try #require(encoder.pixelBias))
        b.assign(Tensor(shape: [4], scalars: [0.5, -1, 2, 0.25]))
        let (values, count) = Self.embedded(encoder)
        #expect(count == 16)
        var expected: [Float] = []
        for token in Self.tokens { for k in 0..<4 { expected.append(Float(token - 1) / 255 * w[k] + b.scalars[k]) } }
        expectClose(values, expected, tolerance: 1e-5)
    }

    /// With 2×2 patches and an identity projection, position p of image n is the patch's four pixels
    /// row by row: patch (i, j) covers rows 2i, 2i+1 and columns 2j, 2j+1 of the 4×4 image.
    @Test func patchesAreCutRowMajor() throws {
        let encoder = try SequenceClassifier(configuration: Self.configuration(.patches(size: 2)), seed: 1).encoder
        let projection = try #require(encoder.patchProjection)
        projection.weight.assign(Tensor(shape: [4, 4], scalars: (0..<16).map { $0 / 4 == $0 % 4 ? 1 : 0 }))
        projection.bias!.assign(Tensor.zeros([4]))
        let (values, count) = Self.embedded(encoder)
        #expect(count == 4)
        var expected: [Float] = []
        for n in 0..<2 {
            for i in 0..<2 {
                for j in 0..<2 {
                    for r in 0..<2 {
                        for c in 0..<2 { expected.append(Float(Self.tokens[n * 16 + (2 * i + r) * 4 + 2 * j + c] - 1) / 255) }
                    }
                }
            }
        }
        expectClose(values, expected, tolerance: 1e-6)
    }

    /// Finite differences of the whole encoder's output with respect to the pixel intensities.
    @Test(arguments: [InputEmbedding.linearPixels, .patches(size: 2)], ["softmax", "GMM-PRF"])
    func theEncoderIsDifferentiableInThePixels(embedding: InputEmbedding, kernel: String) throws {
        var c = Self.configuration(embedding, kernel: kernel)
        c.redrawEvery = 0
        let encoder = try SequenceClassifier(configuration: c, seed: 3).encoder
        let pixels = Tensor(shape: [2, 16], scalars: Self.tokens.map { Float($0 - 1) / 255 }, requiresGrad: true)
        checkGradients([pixels], step: 1e-2) { inputs in
            var context = ForwardContext(training: false)
            return encoder(pixels: inputs[0], lengths: [16, 16], context: &context)
        }
        // Token ids and intensities give the same output.
        var context = ForwardContext(training: false)
        let fromTokens = withoutGradients { encoder(tokens: Self.tokens, batch: 2, length: 16, lengths: [16, 16], context: &context) }
        let fromPixels = withoutGradients { encoder(pixels: pixels, lengths: [16, 16], context: &context) }
        expectClose(fromTokens.scalars, fromPixels.scalars, tolerance: 1e-6)
    }

    @Test(arguments: [InputEmbedding.tokens, .linearPixels, .patches(size: 2), .patches(size: 4)])
    func parameterCountIsTheModels(embedding: InputEmbedding) throws {
        let configuration = Self.configuration(embedding)
        let model = try SequenceClassifier(configuration: configuration, seed: 1)
        #expect(model.parameters.reduce(0) { $0 + $1.tensor.count } == configuration.parameterCount)
    }

    @Test func configurationsRoundTripAndOlderOnesEmbedTokens() throws {
        for embedding in [InputEmbedding.tokens, .linearPixels, .patches(size: 4)] {
            let configuration = Self.configuration(embedding)
            let decoded = try JSONDecoder().decode(EncoderConfiguration.self, from: JSONEncoder().encode(configuration))
            #expect(decoded == configuration)
        }
        var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(Self.configuration(.linearPixels))) as? [String: Any])
        object["inputEmbedding"] = nil
        let older = try JSONDecoder().decode(EncoderConfiguration.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(older.inputEmbedding == .tokens)
        object["inputEmbedding"] = "patch-0"
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(EncoderConfiguration.self, from: JSONSerialization.data(withJSONObject: object)) }
        #expect(InputEmbedding(named: "patch-8") == .patches(size: 8) && InputEmbedding(named: "linear") == .linearPixels)
        #expect(InputEmbedding(named: "patch") == nil && InputEmbedding(named: "pixels") == nil)
    }

    @Test func misuseIsRefusedWithTheReason() {
        func refusal(_ configure: (inout EncoderConfiguration) -> Void) -> String {
            var c = Self.configuration(.patches(size: 2))
            configure(&c)
            do { try c.validate(); return "" } catch { return "\(error)" }
        }
        #expect(refusal { $0.vocabularySize = 17 }.contains("reads pixel tokens"))
        #expect(refusal { $0.maxLength = 15 }.contains("not a square number of pixels"))
        #expect(refusal { $0.inputEmbedding = .patches(size: 3) }.contains("patch size 3 must divide the image side 4"))
        #expect(refusal { $0.inputEmbedding = .patches(size: 8) }.contains("must divide the image side 4"))
        #expect(refusal { $0.pairInputs = true }.contains("not pairs"))
        #expect(refusal { _ in }.isEmpty)
    }
}
