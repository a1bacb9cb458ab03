/// Estimates of the memory a model of this configuration needs, from its sizes alone (nothing is
/// built). Every product saturates at `Int.max` (`SaturatingSize`), so no size can wrap around.
///
/// The estimates count `Float` tensors and are deliberately simple and on the high side: they are
/// used to refuse runs that cannot fit, never to size buffers. They assume sizes within
/// `EncoderConfiguration.Limits` (as `validate()` checks before it uses them).
extension EncoderConfiguration {
    /// The number of trained parameters: the input embedding (vocabulary × D for tokens, 2D for linear
    /// pixels, P²·D + D for P×P patches), the CLS vector, per layer the
    /// four attention projections (D × H·d each), the feed-forward block (D × F and F × D with biases),
    /// two LayerNorms and the feature map's learned parameters (an upper estimate), the output
    /// LayerNorm, and the head.
    public var parameterCount: Int {
        let d = modelDimension
        let attention = SaturatingSize.product(4, d, heads, headDimension)
        let feedForward = SaturatingSize.sum(SaturatingSize.product(2, d, feedForwardDimension), feedForwardDimension, d)
        let layer = SaturatingSize.sum(attention, feedForward, 4 * d, featureMapFloats)
        let c = classifierDimension
        let headInputs = pairInputs ? (pairFeatures == .interactions ? 4 : 2) * d : d
        let head = pairInputs
            ? SaturatingSize.sum(SaturatingSize.product(headInputs, c), c, SaturatingSize.product(c, max(c / 2, 1)), max(c / 2, 1),
                                 SaturatingSize.product(max(c / 2, 1), classes), classes)
            : SaturatingSize.sum(SaturatingSize.product(headInputs, c), c, SaturatingSize.product(c, classes), classes)
        let embedding = switch inputEmbedding {
        case .tokens: SaturatingSize.product(vocabularySize, d)
        case .linearPixels: 2 * d
        case .patches(let size): SaturatingSize.sum(SaturatingSize.product(size, size, d), d)
        }
        return SaturatingSize.sum(embedding, d, SaturatingSize.product(layers, layer), 2 * d, head)
    }

    /// Floats of one layer's feature map, learned and drawn (an upper estimate): the random draws
    /// (head dimension × features), per-head means and scales (4 × heads × head dimension per mixture
    /// component), and for the generator kernels the generator network and its noise.
    public var featureMapFloats: Int {
        let kernel = kernelConfiguration(seed: 0)
        guard kernel.kernel != .named(.softmax) else { return 0 }
        let d = headDimension
        let components = kernel.kernel == .named(.gmmMixture) ? max(1, d / 2) : 1
        var terms = [SaturatingSize.product(d, max(kernel.featuresPerHead, kernel.usesDimensionsArgument ? kernel.officialDimensionsArgument : 0)),
                     SaturatingSize.product(4, heads, d, components), 8 * d]
        if kernel.kernel == .named(.generatorRKS) || kernel.kernel == .named(.generatorPRF) {
            let widths = kernel.noiseDimensions + [d]
            terms += zip(widths, widths.dropFirst()).map { SaturatingSize.product($0, $1 + 3) }
            terms.append(SaturatingSize.product(kernel.officialDimensionsArgument / 2 + 1, widths[0]))
        }
        return SaturatingSize.sum(terms)
    }

    /// Bytes of every tensor a built model holds: its parameters, the feature maps' draws (counted in
    /// `parameterCount`) and the table of sinusoidal positions ((maxLength + 1) × D). Training adds a
    /// gradient and two AdamW moments per parameter (see `KLTraining.MemoryPlan`).
    public var storedBytes: Int {
        SaturatingSize.product(4, SaturatingSize.sum(parameterCount, SaturatingSize.product(maxLength + 1, modelDimension)))
    }

    /// Floats of activations per example and layer for sequences of `length` tokens (T = length + 1
    /// positions with CLS), as the tape keeps them for the backward pass:
    ///
    /// - dense parts: 12·T·D (LayerNorms, residuals, dropouts, projections) + 8·T·H·d (queries, keys,
    ///   values and the attended values, with their reshaped copies) + 3·T·F (the FFN's hidden
    ///   pre-activation, GELU and dropout);
    /// - softmax attention: 4·H·T² (scores, probabilities, the dropout mask and the dropped
    ///   probabilities): quadratic in the length;
    /// - linear attention: 8·T·H·m for φ(q) and φ(k) with their intermediates (m = features per head
    ///   × mixture components), 2·H·m·d for the key–value state, and for mixture kernels 2·T·H·C·d
    ///   for the values repeated per component: linear in the length.
    public func activationFloatsPerExampleAndLayer(length: Int) -> Int {
        let t = SaturatingSize.sum(length, 1)
        let hd = SaturatingSize.product(heads, headDimension)
        let dense = SaturatingSize.sum(SaturatingSize.product(12, t, modelDimension), SaturatingSize.product(8, t, hd),
                                       SaturatingSize.product(3, t, feedForwardDimension))
        let kernel = kernelConfiguration(seed: 0)
        let attention: Int
        if kernel.kernel == .named(.softmax) {
            attention = SaturatingSize.product(4, heads, t, t)
        } else {
            let m = kernel.featuresPerHead
            let components = kernel.kernel == .named(.gmmMixture) ? max(1, headDimension / 2) : 1
            attention = SaturatingSize.sum(SaturatingSize.product(8, t, heads, m), SaturatingSize.product(2, heads, m, headDimension),
                                           components > 1 ? SaturatingSize.product(2, t, hd, components) : 0)
        }
        return SaturatingSize.sum(dense, attention)
    }

    /// Bytes of activations for a batch of `batch` examples of `length` tokens (per document, for pair
    /// models, which encode two): with `training`, every layer's activations are kept for backward
    /// (`layers` × per layer, plus 4·T·D for the embedding); without, about two layers' worth are
    /// alive at once.
    public func activationBytes(batch: Int, length: Int, training: Bool) -> Int {
        let perLayer = activationFloatsPerExampleAndLayer(length: length)
        let embedding = SaturatingSize.product(4, SaturatingSize.sum(length, 1), modelDimension)
        let perExample = training ? SaturatingSize.sum(SaturatingSize.product(layers, perLayer), embedding)
            : SaturatingSize.sum(SaturatingSize.product(2, perLayer), embedding)
        return SaturatingSize.product(4, batch, pairInputs ? 2 : 1, perExample)
    }
}
