import CKLKernels

/// Layer normalisation (fused) and batch normalisation over rows.
extension Tensor {
    /// Normalises over the last axis to zero mean and unit variance (biased, like PyTorch), then
    /// applies the affine `γ·x̂ + β`. `gamma` and `beta` have shape (D,) for input (…, D).
    public func layerNorm(gamma: Tensor, beta: Tensor, epsilon: Float = 1e-5) -> Tensor {
        let d = shape.last ?? 0
        precondition(gamma.shape == [d] && beta.shape == [d],
                     "layerNorm: gamma \(gamma.shape) and beta \(beta.shape) must be [\(d)] for input \(shape)")
        let rows = d == 0 ? 0 : count / d
        let y = Tensor(shape: shape, storage: TensorStorage(uninitializedCount: count))
        // x̂ is recomputed in the backward from x, each row's mean and 1/σ (a pass fewer than storing it).
        let means = TensorStorage(uninitializedCount: rows), inverseDeviations = TensorStorage(uninitializedCount: rows)
        let x = storage.pointer, out = y.storage.pointer, mean = means.pointer, rstd = inverseDeviations.pointer
        let gp = gamma.storage.pointer, bp = beta.storage.pointer
        Parallel.forRanges(rows, costPerItem: 6 * d) { start, end in
            kl_layer_norm_rows(x + start * d, gp, bp, out + start * d, mean + start, rstd + start, end - start, d, epsilon)
        }
        let input = self
        return Tensor.record("layerNorm", y, inputs: [self, gamma, beta]) { g in
            let gradIn = Tensor(shape: y.shape, storage: TensorStorage(uninitializedCount: y.count))
            // γ's and β's gradients are sums over rows: each block of `blockRows` rows sums its own
            // (in parallel), then the blocks are added in order, so the bits do not depend on the threads.
            let blockRows = 64, blocks = (rows + blockRows - 1) / blockRows
            let partials = TensorStorage(repeating: 0, count: 2 * blocks * d)
            let gr = g.storage.pointer, x = input.storage.pointer, dx = gradIn.storage.pointer, sums = partials.pointer
            let mean = means.pointer, rstd = inverseDeviations.pointer, gp = gamma.storage.pointer
            Parallel.forRanges(blocks, costPerItem: blockRows * 8 * d) { firstBlock, endBlock in
                for block in firstBlock..<endBlock {
                    let first = block * blockRows, count = min(rows, first + blockRows) - first
                    kl_layer_norm_backward_rows(gr + first * d, x + first * d, mean + first, rstd + first, gp,
                                                dx + first * d, sums + 2 * block * d, sums + (2 * block + 1) * d, count, d)
                }
            }
            let dgamma = Tensor.zeros([d]), dbeta = Tensor.zeros([d])
            let dg = dgamma.storage.pointer, db = dbeta.storage.pointer
            for block in 0..<blocks {
                let partial = sums + 2 * block * d
                for i in 0..<d { dg[i] += partial[i]; db[i] += partial[d + i] }
            }
            return [gradIn, dgamma, dbeta]
        }
    }

    /// Batch normalisation of a (N, D) tensor over its rows (each of the D features normalised across
    /// the N rows), then `γ·x̂ + β`.
    ///
    /// In training it uses the batch's mean and biased variance and updates `statistics` (running mean,
    /// and running *unbiased* variance, with its momentum), as PyTorch's `BatchNorm1d`; in evaluation it
    /// uses the running statistics and leaves them unchanged.
    public func batchNorm(gamma: Tensor, beta: Tensor, statistics: BatchNormStatistics, training: Bool) -> Tensor {
        precondition(rank == 2, "batchNorm: input must be (rows, features), got \(shape)")
        let (n, d) = (shape[0], shape[1])
        precondition(gamma.shape == [d] && beta.shape == [d] && statistics.features == d,
                     "batchNorm: gamma \(gamma.shape), beta \(beta.shape), statistics [\(statistics.features)] must all be [\(d)] for input \(shape)")
        guard training else {
            let scale = gamma * (statistics.runningVariance + statistics.epsilon).rsqrt()
            return (self - statistics.runningMean) * scale + beta
        }
        precondition(n > 1, "batchNorm: training needs more than one row to estimate a variance, got \(shape)")
        let mean = self.mean(alongAxes: [0])
        let centered = self - mean
        let variance = centered.squared().mean(alongAxes: [0])
        let normalized = centered * (variance + statistics.epsilon).rsqrt()
        statistics.update(batchMean: mean, batchVariance: variance, rows: n)
        return normalized * gamma + beta
    }
}

/// The running mean and variance of a batch-normalisation layer, updated in training and used in
/// evaluation. A reference type because the layer's forward pass updates it.
public final class BatchNormStatistics: @unchecked Sendable {
    /// Number of features (D).
    public let features: Int
    /// Weight of the newest batch in the running averages (PyTorch's default 0.1).
    public let momentum: Float
    /// Added to the variance before the square root.
    public let epsilon: Float
    /// Running mean, shape (D,), starts at 0.
    public private(set) var runningMean: Tensor
    /// Running unbiased variance, shape (D,), starts at 1.
    public private(set) var runningVariance: Tensor

    /// Fresh statistics (mean 0, variance 1).
    public init(features: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        self.features = features
        self.momentum = momentum
        self.epsilon = epsilon
        runningMean = .zeros([features])
        runningVariance = .ones([features])
    }

    /// Replaces the running values (e.g. from a checkpoint).
    public func load(mean: Tensor, variance: Tensor) {
        precondition(mean.shape == [features] && variance.shape == [features],
                     "BatchNormStatistics.load: expected [\(features)], got \(mean.shape) and \(variance.shape)")
        runningMean = mean.copy()
        runningVariance = variance.copy()
    }

    /// Folds one training batch's statistics into the running averages.
    func update(batchMean: Tensor, batchVariance: Tensor, rows: Int) {
        let unbiased = Float(rows) / Float(rows - 1)
        let m = momentum
        runningMean = withoutGradients { runningMean * (1 - m) + batchMean.detached() * m }
        runningVariance = withoutGradients { runningVariance * (1 - m) + batchVariance.detached() * (m * unbiased) }
    }
}
