import CKLKernels

/// Dropout: random zeroing with rescaling, from an explicit seeded generator.
extension Tensor {
    /// In training, zeroes each element with probability `probability` and scales the survivors by
    /// 1/(1−p), so the expected value is unchanged; the mask is drawn from `generator`, so a seed
    /// reproduces it. Outside training (or with p = 0) it returns `self` unchanged.
    ///
    /// One fused pass (`kl_dropout_forward`): the keep decisions of `RandomGenerator.fillBernoulli` are
    /// taken from the Philox words a batch at a time, multiplied in, and kept as one byte per element
    /// for the backward (a float mask cost a write and two reads of four bytes per element). Values,
    /// gradients and the generator's state after are those of multiplying by that float mask, bit for bit.
    public func dropout(probability: Float, generator: inout RandomGenerator, training: Bool = true) -> Tensor {
        precondition(probability >= 0 && probability < 1, "dropout: probability \(probability) is outside [0, 1)")
        guard training, probability > 0 else { return self }
        return dropped(probability: probability, generator: &generator, residual: nil)
    }

    /// `residual + self.dropout(…)`, the sum of a residual connection, in the same one pass as the
    /// dropout alone: the dropped tensor is never written and read back. Values, gradients and the
    /// generator's state after are those of the two ops in sequence, bit for bit; outside training
    /// (or with p = 0) it is `residual + self`.
    public func dropout(probability: Float, generator: inout RandomGenerator, training: Bool = true,
                        addedTo residual: Tensor) -> Tensor {
        precondition(probability >= 0 && probability < 1, "dropout: probability \(probability) is outside [0, 1)")
        precondition(residual.shape == shape, "dropout: residual \(residual.shape) does not match \(shape)")
        guard training, probability > 0 else { return residual + self }
        return dropped(probability: probability, generator: &generator, residual: residual)
    }

    /// Dropout at `probability` > 0 (`kl_dropout_forward`), plus `residual` when given.
    private func dropped(probability: Float, generator: inout RandomGenerator, residual: Tensor?) -> Tensor {
        let scale = 1 / (1 - probability)
        let threshold = BernoulliKernel(probability: 1 - probability, value: scale).threshold
        let output = Tensor.uninitialized(shape)
        let kept = DropoutMask(count: count)
        let input = storage.pointer, out = output.storage.pointer, keep = kept.bytes
        let added = residual.map { UnsafePointer($0.storage.pointer) }
        generator.forEachWordBatch(count: count, costPerItem: 4) { elements, lanes, offset in
            let first = elements.lowerBound
            kl_dropout_forward(lanes.w0, lanes.w1, lanes.w2, lanes.w3, offset, elements.count, threshold, scale,
                               input + first, added.map { $0 + first }, out + first, keep + first)
        }
        let hasResidual = residual != nil   // the closure keeps neither input alive
        return Tensor.record(hasResidual ? "residualDropout" : "dropout", output, inputs: residual.map { [self, $0] } ?? [self]) { g in
            let gradient = Tensor.uninitialized(g.shape)
            let gp = g.storage.pointer, dx = gradient.storage.pointer, keep = kept.bytes
            Parallel.forRanges(gradient.count, costPerItem: 2) { start, end in
                kl_dropout_backward(keep + start, scale, gp + start, dx + start, end - start)
            }
            return hasResidual ? [gradient, g] : [gradient]
        }
    }
}

final class DropoutMask: @unchecked Sendable {
    /// `count` bytes.
    let bytes: UnsafeMutablePointer<UInt8>

    /// Uninitialised room for `count` decisions.
    init(count: Int) { bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: max(count, 1)) }

    deinit { bytes.deallocate() }
}
