import KLTasks
import KLTensor
import KLTransformer

/// Every attention layer's queries and keys after projection, Q = LN(x)W_q and K = LN(x)W_k,
/// captured from an evaluation pass of the model over real batches: one (n, H, d) block per
/// sequence, its real positions only (CLS and tokens; padding left out).
///
/// No hook in the model is needed: the pass runs the encoder's public pieces layer by layer (the
/// encoder's embedding step — token embeddings, the CLS vector prepended, sinusoidal positions, the
/// key padding mask — then each `EncoderLayer`), and before each layer applies that layer's first
/// LayerNorm and the attention's query and key projections to the layer input, which is exactly
/// what the layer's attention receives under both layer orderings. `encoderOutput` is the pass's
/// final normalised output, equal to what the encoder computes (the tests check this).
public struct AttentionCapture {
    /// One layer's projected queries and keys, one block per sequence.
    public struct Layer {
        /// Queries (n_b, H, d) per sequence.
        public var queries: [Tensor]
        /// Keys (n_b, H, d) per sequence.
        public var keys: [Tensor]
    }

    /// The layers, in order.
    public var layers: [Layer]
    /// Real positions (CLS + tokens) of each captured sequence, in order.
    public var sequenceLengths: [Int]
    /// The encoder's output after the final LayerNorm for the last batch, (N, L + 1, D).
    public var encoderOutput: Tensor?

    /// Positions captured in all (per layer).
    public var tokenCount: Int { sequenceLengths.reduce(0, +) }

    /// Captures Q and K from `batches` in order until `tokenBudget` positions are held (the last
    /// sequence is cut to fit). Pair batches contribute their first sequences. The pass draws
    /// random features from the model's evaluation stream (`SequenceClassifier.evaluating`), so the
    /// capture is deterministic and leaves the model's random state as it was.
    public static func capture(model: SequenceClassifier, batches: [ClassificationBatch], tokenBudget: Int) -> AttentionCapture {
        var result = AttentionCapture(layers: model.encoder.layers.map { _ in Layer(queries: [], keys: []) }, sequenceLengths: [])
        model.evaluating {
            withoutGradients {
                for batch in batches where result.tokenCount < tokenBudget {
                    result.add(model.encoder, batch, budget: tokenBudget - result.tokenCount)
                }
            }
        }
        return result
    }

    /// Runs `encoder` over one batch, keeping up to `budget` positions.
    private mutating func add(_ encoder: TransformerEncoder, _ batch: ClassificationBatch, budget: Int) {
        let c = encoder.configuration
        var context = ForwardContext(training: false)
        let inputs = encoder.embed(tokens: batch.tokens, batch: batch.batchSize, length: batch.sequenceLength, lengths: batch.lengths,
                                   context: &context)
        var x = inputs.x
        let rows = batch.batchSize
        let split = [rows, x.shape[1], c.heads, c.headDimension]
        let keyMask = inputs.keyMask
        var kept: [Int] = [], remaining = budget
        for b in 0..<rows where remaining > 0 {
            kept.append(min(inputs.lengths[b] + 1, remaining))
            remaining -= kept.last!
        }
        for (index, layer) in encoder.layers.enumerated() {
            let normalized = layer.firstNorm(x)
            let q = layer.attention.query(normalized).reshaped(to: split), k = layer.attention.key(normalized).reshaped(to: split)
            for (b, count) in kept.enumerated() {
                layers[index].queries.append(Self.block(q, row: b, count: count))
                layers[index].keys.append(Self.block(k, row: b, count: count))
            }
            x = layer(x, keyMask: keyMask, context: &context)
        }
        sequenceLengths += kept
        encoderOutput = encoder.outputNorm(x)
    }

    /// Positions 0..<count of row `row` of (N, L, H, d), as (count, H, d).
    private static func block(_ x: Tensor, row: Int, count: Int) -> Tensor {
        x.slice(alongAxis: 0, from: row, count: 1).slice(alongAxis: 1, from: 0, count: count)
            .reshaped(to: [count, x.shape[2], x.shape[3]]).copy()
    }
}
