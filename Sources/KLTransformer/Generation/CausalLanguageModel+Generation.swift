import KLTensor

extension CausalLanguageModel {
    /// An empty decoding state for `batch` sequences. Each layer's feature map is prepared once here,
    /// in evaluation mode: the whole decoding is one forward pass for the maps' redraw schedules, so
    /// no map redraws between steps. Maps that redraw in evaluation (the paper's kernels, unless
    /// `frozenInEvaluation`) draw here from their own generator; decode inside `evaluating(_:)`, as
    /// `generate` does, to draw from the model's evaluation stream and leave the training draws alone.
    public func makeDecodingState(batch: Int = 1) -> DecodingState {
        DecodingState(batch: batch, layers: layers.map { $0.attention.makeDecodingState(batch: batch) })
    }

    /// Feeds the next token of each sequence (`tokens`, one per row of the state) and returns the
    /// logits of the token after it, (N, V): the same as position `state.position` of the parallel
    /// pass over the sequences (up to rounding). Evaluation mode, no gradients.
    public func step(tokens: [Int], state: inout DecodingState) -> Tensor {
        precondition(tokens.count == state.batch, "CausalLanguageModel.step: \(tokens.count) tokens for \(state.batch) sequences")
        precondition(state.position < configuration.maxLength,
                     "CausalLanguageModel.step: position \(state.position) is past the model's \(configuration.maxLength) positions")
        let (n, d) = (state.batch, configuration.modelDimension)
        return withoutGradients {
            var x = embedding.gathering(tokens, alongAxis: 0).reshaped(to: [n, 1, d])
                + positions.slice(alongAxis: 0, from: state.position, count: 1).reshaped(to: [1, 1, d])
            for index in layers.indices { x = layers[index].step(x, state: &state.layers[index]) }
            state.position += 1
            return outputProjection(outputNorm(x)).reshaped(to: [n, configuration.vocabularySize])
        }
    }

    /// Continues `prompt` (at least one token) by `count` tokens drawn by `sampler`, feeding each one
    /// back; returns the new tokens only. The prompt and the new tokens but the last must fit the
    /// model's positions (`prompt.count + count − 1 ≤ maxLength`). It runs as an evaluation
    /// (`evaluating(_:)`): feature maps that redraw in evaluation use the model's evaluation draw, so
    /// the same model, prompt and sampler seed give the same tokens, and the maps' training draws are
    /// left as they were.
    public func generate(prompt: [Int], count: Int, sampler: inout TokenSampler) -> [Int] {
        precondition(!prompt.isEmpty, "CausalLanguageModel.generate: the prompt needs at least one token")
        precondition(count >= 0 && prompt.count + count - 1 <= configuration.maxLength,
                     "CausalLanguageModel.generate: \(prompt.count) prompt tokens and \(count) new ones exceed the model's \(configuration.maxLength) positions")
        guard count > 0 else { return [] }
        return evaluating {
            var state = makeDecodingState()
            var logits = Tensor.zeros([1, configuration.vocabularySize])
            for token in prompt { logits = step(tokens: [token], state: &state) }
            var generated: [Int] = []
            while true {
                let next = sampler.sample(logits: logits.scalars)
                generated.append(next)
                if generated.count == count { return generated }
                logits = step(tokens: [next], state: &state)
            }
        }
    }
}
