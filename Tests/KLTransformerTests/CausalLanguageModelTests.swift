import KLTensor
import KLTestSupport
import Testing
@testable import KLTransformer

/// The causal language model: token-by-token decoding against the parallel causal pass for every
/// kind of kernel, causality, refusal of kernels that read the whole sequence, gradients of the
/// next-token loss, and a short training run.
@Suite struct CausalLanguageModelTests {
    /// Kernels covering every code path: softmax (key-value cache), elu+1 (deterministic), the
    /// positive maps with a key stabiliser (FAVOR+, FAVOR+-exp, GMM-PRF, posrf+orf), trigonometric
    /// maps (GMM-RKS, RFF), FastFood, generated frequencies, and a mixture (GMM-mixture).
    static let kernels = ["softmax", "elu+1", "FAVOR+", "FAVOR+-exp", "GMM-PRF", "GMM-PRF-hyperbolic", "posrf+orf", "GMM-RKS",
                          "RFF", "FastFood-RKS", "FastFood-PRF", "Generator-RKS", "Generator-PRF", "GMM-mixture"]

    /// A tiny two-layer model: width 16, 2 heads × 8, vocabulary 11, 12 positions.
    static func configuration(_ kernel: String) -> EncoderConfiguration {
        var c = EncoderConfiguration.preset(.tiny, vocabularySize: 11, maxLength: 12, classes: 2, kernel: kernel)
        c.layers = 2
        return c
    }

    /// Two rows of 10 tokens in 1..<11.
    static let tokens: [Int] = {
        var data = TestData(seed: 5)
        return (0..<20).map { _ in 1 + Int(data.nextUInt64() % 10) }
    }()

    /// Runs `body` with every feature map's randomness put back afterwards, so that the next pass
    /// draws what this one drew (the maps of the paper's kernels redraw at every pass).
    static func replayingDraws<Result>(_ model: CausalLanguageModel, _ body: () -> Result) -> Result {
        let saved = model.featureMaps.map(\.randomness)
        defer { for (map, randomness) in zip(model.featureMaps, saved) { map.randomness = randomness } }
        return body()
    }

    @Test(arguments: kernels)
    func stepsMatchTheParallelPass(kernel: String) throws {
        let model = try CausalLanguageModel(configuration: Self.configuration(kernel), seed: 3)
        let (batch, length, vocabulary) = (2, 10, 11)
        var context = ForwardContext(training: false)
        let parallel = Self.replayingDraws(model) {
            withoutGradients { model(tokens: Self.tokens, batch: batch, length: length, context: &context) }.scalars
        }
        var state = model.makeDecodingState(batch: batch)
        for t in 0..<length {
            let logits = model.step(tokens: (0..<batch).map { Self.tokens[$0 * length + t] }, state: &state)
            #expect(logits.shape == [batch, vocabulary])
            for b in 0..<batch {
                let start = (b * length + t) * vocabulary
                let expected = Array(parallel[start..<(start + vocabulary)])
                let mismatch = firstMismatch(Array(logits.scalars[(b * vocabulary)..<((b + 1) * vocabulary)]), expected, tolerance: 1e-4)
                #expect(mismatch == nil, "\(kernel), row \(b), position \(t): \(mismatch ?? "")")
            }
        }
        #expect(state.position == length)
    }

    @Test(arguments: kernels)
    func logitsDoNotSeeLaterTokens(kernel: String) throws {
        let model = try CausalLanguageModel(configuration: Self.configuration(kernel), seed: 4)
        let (length, changed, vocabulary) = (10, 6, 11)
        var edited = Array(Self.tokens.prefix(length))
        edited[changed] = edited[changed] % 10 + 1
        var context = ForwardContext(training: false)
        let original = Self.replayingDraws(model) {
            withoutGradients { model(tokens: Array(Self.tokens.prefix(length)), batch: 1, length: length, context: &context) }.scalars
        }
        let after = Self.replayingDraws(model) {
            withoutGradients { model(tokens: edited, batch: 1, length: length, context: &context) }.scalars
        }
        let before = changed * vocabulary
        #expect(firstMismatch(Array(after[..<before]), Array(original[..<before]), tolerance: 1e-6) == nil,
                "\(kernel): a position before \(changed) changed with token \(changed)")
        #expect(after[before..<(before + vocabulary)] != original[before..<(before + vocabulary)],
                "\(kernel): position \(changed) does not read its own token")
    }

    @Test(arguments: ["oprf+orf", "saderf+gaussian", "oprf-rbf+gmm"])
    func kernelsReadingTheWholeSequenceAreRefused(kernel: String) {
        #expect {
            _ = try CausalLanguageModel(configuration: Self.configuration(kernel), seed: 1)
        } throws: { error in
            String(describing: error).contains(kernel) && String(describing: error).contains("causal")
        }
    }

    @Test func paddingAfterARowLeavesItsLogitsAlone() throws {
        let model = try CausalLanguageModel(configuration: Self.configuration("GMM-PRF"), seed: 6)
        let row = Array(Self.tokens.prefix(5))
        var context = ForwardContext(training: false)
        let alone = Self.replayingDraws(model) { withoutGradients { model(tokens: row, batch: 1, length: 5, context: &context) }.scalars }
        let padded = Self.replayingDraws(model) {
            withoutGradients { model(tokens: row + [0, 0, 0], batch: 1, length: 8, context: &context) }.scalars
        }
        expectClose(Array(padded.prefix(alone.count)), alone, tolerance: 1e-5)
    }

    @Test func linearStateStaysConstantWhileTheSoftmaxCacheGrows() throws {
        for (kernel, grows) in [("GMM-PRF", false), ("softmax", true)] {
            let model = try CausalLanguageModel(configuration: Self.configuration(kernel), seed: 2)
            var state = model.makeDecodingState()
            _ = model.step(tokens: [1], state: &state)
            let first = state.storedScalarCount
            for token in [2, 3, 4] { _ = model.step(tokens: [token], state: &state) }
            #expect((state.storedScalarCount > first) == grows, "\(kernel): \(first) → \(state.storedScalarCount) floats")
        }
    }

    @Test(arguments: ["softmax", "GMM-PRF", "GMM-RKS"])
    func nextTokenLossGradientsMatchFiniteDifferences(kernel: String) throws {
        var c = Self.configuration(kernel)
        c.layers = 1
        c.redrawEvery = 0                     // one draw for every pass of the check
        let model = try CausalLanguageModel(configuration: c, seed: 7)
        let tokens = Array(Self.tokens.prefix(12)) + [0, 0]
        let checked = model.parameters.filter { ["embedding", "layers.0.attention.query.weight", "layers.0.feedForward.first.weight",
                                                 "outputProjection.weight", "layers.0.attention.featureMap.mean"].contains($0.name) }
        #expect(checked.count >= 3)
        let failures = gradientCheckFailures(checked.map(\.tensor), step: 1e-2) { _ in
            var context = ForwardContext(training: false)
            return model.nextTokenLoss(tokens: tokens, batch: 2, length: 7, lengths: [7, 5], context: &context)
        }
        #expect(failures.isEmpty, "\(kernel): \(failures)")
    }

    @Test func nextTokenLossIsTheMeanCrossEntropyOfTheRealNextTokens() throws {
        let model = try CausalLanguageModel(configuration: Self.configuration("elu+1"), seed: 8)
        let tokens = [3, 1, 4, 1, 5, 9, 2, 6, 0, 0]
        var context = ForwardContext(training: false)
        let loss = withoutGradients { model.nextTokenLoss(tokens: tokens, batch: 2, length: 5, lengths: [5, 3], context: &context) }.item
        let logits = withoutGradients { model(tokens: tokens, batch: 2, length: 5, context: &context) }
        let logProbabilities = withoutGradients { logits.logSoftmax(alongAxis: -1) }.scalars
        let predictions = [(0, 0, 1), (0, 1, 4), (0, 2, 1), (0, 3, 5), (1, 0, 2), (1, 1, 6)]   // (row, position, next token)
        let expected = -predictions.map { b, t, next in Double(logProbabilities[(b * 5 + t) * 11 + next]) }.reduce(0, +)
            / Double(predictions.count)
        #expect(abs(Double(loss) - expected) < 1e-5)
    }

    @Test(arguments: ["elu+1", "GMM-PRF"])
    func trainingOnARepeatingSequenceLowersTheLoss(kernel: String) throws {
        var c = Self.configuration(kernel)
        c.dropout = 0
        c.attentionDropout = 0
        let model = try CausalLanguageModel(configuration: c, seed: 9)
        let tokens = (0..<12).map { 1 + $0 % 4 }                       // 1 2 3 4 1 2 3 4 …
        var context = ForwardContext(training: true)
        func loss() -> Tensor { model.nextTokenLoss(tokens: tokens, batch: 1, length: 12, lengths: [12], context: &context) }
        let initial = withoutGradients { loss() }.item
        for _ in 0..<100 {
            for parameter in model.parameters { parameter.tensor.zeroGrad() }
            try loss().backward()
            for parameter in model.parameters {
                guard let grad = parameter.tensor.grad else { continue }
                let p = parameter.tensor.storage.pointer, g = grad.storage.pointer
                for i in 0..<parameter.tensor.count { p[i] -= 0.1 * g[i] }
            }
        }
        let final = withoutGradients { loss() }.item
        #expect(final < 0.5 * initial, "\(kernel): loss \(initial) → \(final)")
        var sampler = TokenSampler.greedy
        #expect(model.generate(prompt: [1, 2, 3, 4, 1], count: 4, sampler: &sampler) == [2, 3, 4, 1], "\(kernel)")
    }
}
