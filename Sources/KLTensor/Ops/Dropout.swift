/// Dropout: random zeroing with rescaling, from an explicit seeded generator.
extension Tensor {
    /// In training, zeroes each element with probability `probability` and scales the survivors by
    /// 1/(1−p), so the expected value is unchanged; the mask is drawn from `generator`, so a seed
    /// reproduces it. Outside training (or with p = 0) it returns `self` unchanged.
    public func dropout(probability: Float, generator: inout RandomGenerator, training: Bool = true) -> Tensor {
        precondition(probability >= 0 && probability < 1, "dropout: probability \(probability) is outside [0, 1)")
        guard training, probability > 0 else { return self }
        let mask = Tensor(shape: shape, storage: TensorStorage(uninitializedCount: count))
        generator.fillBernoulli(mask.storage.buffer, probability: 1 - probability, value: 1 / (1 - probability))
        return Tensor.record("dropout", mapBinary(mask, MultiplyKernel.self, op: "dropout"), inputs: [self]) { g in
            [g.mapBinary(mask, MultiplyKernel.self, op: "dropout")]
        }
    }
}
