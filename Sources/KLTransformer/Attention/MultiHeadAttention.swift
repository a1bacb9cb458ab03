import KLTensor

/// The attention layer of the encoder (spec §3): Q, K, V = xW_q, xW_k, xW_v (no bias, Xavier-uniform),
/// split into H heads of size d, an inner attention, and the output projection W_o (no bias).
///
/// The inner attention is softmax or linear attention with the layer's own feature map. The
/// attention code knows nothing about any particular kernel: it asks the map to prepare for the pass,
/// maps queries and keys, and, for mixture maps, runs one normalised attention per component and
/// mixes the outputs with the map's weights.
public final class MultiHeadAttention: Module {
    /// The inner attention.
    public enum Mechanism {
        /// Softmax attention with dropout on the probabilities.
        case softmax(dropout: Float)
        /// Linear attention with this layer's own feature map.
        case linear(any FeatureMap)
    }

    /// Number of heads H.
    public let heads: Int
    /// Per-head query/key size d (and value size).
    public let headDimension: Int
    /// Softmax or linear with a feature map.
    public let mechanism: Mechanism
    /// Whether position i attends only to positions ≤ i. Linear attention then takes the map's
    /// `causalFeatures` (no key stabiliser from later tokens); a map with a `causalRefusal` traps.
    public let causal: Bool
    /// How the linear-attention normaliser is guarded.
    public var denominatorGuard: DenominatorGuard
    /// Query, key, value and output projections.
    public let query: Linear, key: Linear, value: Linear, output: Linear

    /// A layer mapping width `modelDimension` to H heads of size `headDimension` and back.
    public init(modelDimension: Int, heads: Int, headDimension: Int, mechanism: Mechanism, causal: Bool = false,
                denominatorGuard: DenominatorGuard = DenominatorGuard(), generator: inout RandomGenerator) {
        precondition(heads > 0 && headDimension > 0, "MultiHeadAttention: heads \(heads) and head dimension \(headDimension) must be positive")
        if causal, case .linear(let map) = mechanism, let refusal = map.causalRefusal {
            preconditionFailure("MultiHeadAttention: causal attention refuses this kernel: \(refusal)")
        }
        self.heads = heads
        self.headDimension = headDimension
        self.mechanism = mechanism
        self.causal = causal
        self.denominatorGuard = denominatorGuard
        let inner = heads * headDimension
        query = Linear(inputs: modelDimension, outputs: inner, bias: false, initialization: .xavier(biasStandardDeviation: 0), generator: &generator)
        key = Linear(inputs: modelDimension, outputs: inner, bias: false, initialization: .xavier(biasStandardDeviation: 0), generator: &generator)
        value = Linear(inputs: modelDimension, outputs: inner, bias: false, initialization: .xavier(biasStandardDeviation: 0), generator: &generator)
        output = Linear(inputs: inner, outputs: modelDimension, bias: false, initialization: .xavier(biasStandardDeviation: 0), generator: &generator)
    }

    /// The layer's feature map, if it uses linear attention.
    public var featureMap: (any FeatureMap)? {
        if case .linear(let map) = mechanism { return map }
        return nil
    }

    /// Self-attention over `x` (N, L, D_model); `keyMask` (N, L) marks real tokens with 1.
    public func callAsFunction(_ x: Tensor, keyMask: Tensor? = nil, context: inout ForwardContext) -> Tensor {
        let (n, l) = (x.shape[0], x.shape[1])
        let split = [n, l, heads, headDimension]
        let q = query(x).reshaped(to: split), k = key(x).reshaped(to: split), v = value(x).reshaped(to: split)
        let attended = attend(queries: q, keys: k, values: v, keyMask: keyMask, context: &context)
        return output(attended.reshaped(to: [n, l, heads * headDimension]))
    }

    /// The inner attention on already projected heads (N, L, H, d).
    public func attend(queries: Tensor, keys: Tensor, values: Tensor, keyMask: Tensor?, context: inout ForwardContext) -> Tensor {
        switch mechanism {
        case .softmax(let dropout):
            return SoftmaxAttention.attend(queries: queries, keys: keys, values: values, keyMask: keyMask, causal: causal,
                                           dropout: dropout, context: &context)
        case .linear(let map):
            map.prepareForward(training: context.training)
            if !causal, let fused = map.fusedLinearAttention(queries: queries, keys: keys, values: values, keyMask: keyMask,
                                                            denominatorGuard: denominatorGuard, training: context.training) {
                return fused
            }
            let phiQ: Tensor, phiK: Tensor
            if causal {
                let features = map.causalFeatures(queries: queries, keys: keys, keyShift: nil, training: context.training)
                (phiQ, phiK) = (features.queries, features.keys)
            } else {
                (phiQ, phiK) = map.features(queries: queries, keys: keys, keyMask: keyMask, training: context.training)
            }
            return mixing(map, phiQ, phiK, values) { linear($0, $1, $2, keyMask) }
        }
    }

    /// Runs `attend` on the features of a map, once per mixture component when the map is a mixture:
    /// each component is attention over its own slice of the features, run as extra heads (H·C), and
    /// the outputs are mixed with the map's weights. φ(Q) (N, L, H, C·m), φ(K) (N, S, H, C·m),
    /// V (N, S, H, d_v) → (N, L, H, d_v).
    func mixing(_ map: any FeatureMap, _ phiQ: Tensor, _ phiK: Tensor, _ values: Tensor,
                attend: (Tensor, Tensor, Tensor) -> Tensor) -> Tensor {
        guard let weights = map.mixtureWeights(), map.mixtureComponents > 1 else { return attend(phiQ, phiK, values) }
        let c = map.mixtureComponents, (n, l, s) = (phiQ.shape[0], phiQ.shape[1], phiK.shape[1])
        let (h, dv) = (heads, values.shape[3])
        let componentValues = values.reshaped(to: [n, s, h, 1, dv]).expanded(to: [n, s, h, c, dv]).reshaped(to: [n, s, h * c, dv])
        let perComponent = attend(phiQ.reshaped(to: [n, l, h * c, map.featureCount]),
                                  phiK.reshaped(to: [n, s, h * c, map.featureCount]), componentValues)
        return (perComponent.reshaped(to: [n, l, h, c, dv]) * weights.reshaped(to: [1, 1, 1, c, 1])).sum(alongAxes: [3])
    }

    private func linear(_ phiQ: Tensor, _ phiK: Tensor, _ values: Tensor, _ keyMask: Tensor?) -> Tensor {
        causal
            ? CausalLinearAttention.attend(queries: phiQ, keys: phiK, values: values, keyMask: keyMask, denominatorGuard: denominatorGuard)
            : LinearAttention.attend(queries: phiQ, keys: phiK, values: values, keyMask: keyMask, denominatorGuard: denominatorGuard)
    }

    public var parameters: [NamedParameter] {
        query.parameters.prefixed("query") + key.parameters.prefixed("key") + value.parameters.prefixed("value")
            + output.parameters.prefixed("output") + (featureMap?.parameters.prefixed("featureMap") ?? [])
    }
}
