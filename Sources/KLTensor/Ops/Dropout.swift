/// Dropout: random zeroing with rescaling, from an explicit seeded generator.
extension Tensor {
    /// In training, zeroes each element with probability `probability` and scales the survivors by
    /// 1/(1−p), so the expected value is unchanged; the mask is drawn from `generator`, so a seed
    /// reproduces it. Outside training (or with p = 0) it returns `self` unchanged.
    ///
    /// One fused pass: the scaled keep mask of `RandomGenerator.fillBernoulli` is drawn in chunks that
    /// stay in L1 and multiplied in at once, and only one byte per element is kept for the backward
    /// (a float mask cost a write and two reads of four bytes per element). Values and gradients are
    /// those of multiplying by that float mask, bit for bit.
    public func dropout(probability: Float, generator: inout RandomGenerator, training: Bool = true) -> Tensor {
        precondition(probability >= 0 && probability < 1, "dropout: probability \(probability) is outside [0, 1)")
        guard training, probability > 0 else { return self }
        let scale = 1 / (1 - probability)
        let output = Tensor.uninitialized(shape)
        let kept = DropoutMask(count: count)
        let input = storage.pointer, out = output.storage.pointer, keep = kept.bytes
        generator.forEachBernoulliChunk(count: count, probability: 1 - probability, value: scale) { range, multipliers in
            let offset = range.lowerBound
            for j in 0..<range.count {
                out[offset + j] = input[offset + j] * multipliers[j]
                keep[offset + j] = multipliers[j] != 0 ? 1 : 0
            }
        }
        return Tensor.record("dropout", output, inputs: [self]) { g in
            let gradient = Tensor.uninitialized(g.shape)
            let gp = g.storage.pointer, dx = gradient.storage.pointer, keep = kept.bytes
            Parallel.forRanges(gradient.count, costPerItem: 2) { start, end in
                for i in start..<end { dx[i] = gp[i] * (keep[i] != 0 ? scale : 0) }
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
