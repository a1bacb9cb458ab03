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
        let scale = 1 / (1 - probability)
        let threshold = BernoulliKernel(probability: 1 - probability, value: scale).threshold
        let output = Tensor.uninitialized(shape)
        let kept = DropoutMask(count: count)
        let input = storage.pointer, out = output.storage.pointer, keep = kept.bytes
        generator.forEachWordBatch(count: count, costPerItem: 4) { elements, lanes, offset in
            let first = elements.lowerBound
            kl_dropout_forward(lanes.w0, lanes.w1, lanes.w2, lanes.w3, offset, elements.count, threshold, scale,
                               input + first, out + first, keep + first)
        }
        return Tensor.record("dropout", output, inputs: [self]) { g in
            let gradient = Tensor.uninitialized(g.shape)
            let gp = g.storage.pointer, dx = gradient.storage.pointer, keep = kept.bytes
            Parallel.forRanges(gradient.count, costPerItem: 2) { start, end in
                kl_dropout_backward(keep + start, scale, gp + start, dx + start, end - start)
            }
            return [gradient]
        }
    }
}

/// Which elements a dropout call kept, one byte each (1 kept, 0 dropped), alive as long as the
/// backward that reads it.
final class DropoutMask: @unchecked Sendable {
    /// `count` bytes.
    let bytes: UnsafeMutablePointer<UInt8>

    /// Uninitialised room for `count` decisions.
    init(count: Int) { bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: max(count, 1)) }

    deinit { bytes.deallocate() }
}
