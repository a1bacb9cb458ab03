import KLTensor
import Testing
@testable import KLTraining
@testable import KLTransformer

/// A causal language model's parameters and buffers, named like a classifier's, round-trip through
/// the safetensors code: a model of another seed that reads them scores and generates the same.
@Suite struct LanguageModelSafeTensorsTests {
    @Test(arguments: ["GMM-PRF", "softmax"])
    func aModelReadBackFromSafeTensorsDecodesTheSame(kernel: String) throws {
        var c = EncoderConfiguration.preset(.tiny, vocabularySize: 9, maxLength: 10, classes: 2, kernel: kernel)
        c.frozenInEvaluation = true
        let original = try CausalLanguageModel(configuration: c, seed: 1), copy = try CausalLanguageModel(configuration: c, seed: 2)
        var tensors: [String: Tensor] = [:]
        for parameter in original.parameters { tensors["param/" + parameter.name] = parameter.tensor }
        for buffer in original.buffers { tensors["buffer/" + buffer.name] = buffer.tensor }
        let file = try SafeTensorsFile(bytes: SafeTensorsFile(tensors: tensors).encoded(), source: "memory")
        for parameter in copy.parameters { parameter.tensor.assign(try #require(file.tensors["param/" + parameter.name])) }
        for buffer in copy.buffers { buffer.tensor.assign(try #require(file.tensors["buffer/" + buffer.name])) }
        for (target, source) in zip(copy.featureMaps, original.featureMaps) { target.randomness = source.randomness }

        let tokens = [1, 5, 2, 8, 3, 3]
        var context = ForwardContext(training: false)
        let expected = withoutGradients { original(tokens: tokens, batch: 1, length: 6, context: &context) }.scalars
        #expect(withoutGradients { copy(tokens: tokens, batch: 1, length: 6, context: &context) }.scalars == expected)
        var first = TokenSampler(temperature: 0.8, seed: 4), second = TokenSampler(temperature: 0.8, seed: 4)
        #expect(original.generate(prompt: [2], count: 8, sampler: &first) == copy.generate(prompt: [2], count: 8, sampler: &second))
    }
}
