/// The fast Walsh–Hadamard transform, the structured matrix product of FastFood feature maps.
extension Tensor {
    /// Multiplies every vector along the last axis by the unnormalised Sylvester–Hadamard matrix
    /// H (entries ±1, H₂ₙ = [[H, H], [H, −H]]) in O(d log d). The last axis length d must be a power of
    /// two. H is symmetric, so the gradient is the same transform of the output gradient.
    public func hadamardTransform() -> Tensor {
        let d = shape.last ?? 0
        precondition(d > 0 && d & (d - 1) == 0, "hadamardTransform: last axis length \(d) of shape \(shape) is not a power of two")
        return Tensor.record("hadamard", hadamardValues(), inputs: [self]) { g in [g.hadamardValues()] }
    }

    /// The transform without recording.
    func hadamardValues() -> Tensor {
        let d = shape.last!
        let result = copy()
        let p = result.storage.pointer
        Parallel.forRanges(count / d, costPerItem: d * d.trailingZeroBitCount) { start, end in
            for row in start..<end {
                let v = p + row * d
                var half = 1
                while half < d {
                    var block = 0
                    while block < d {
                        for i in block..<(block + half) {
                            let a = v[i], b = v[i + half]
                            v[i] = a + b
                            v[i + half] = a - b
                        }
                        block += 2 * half
                    }
                    half *= 2
                }
            }
        }
        return result
    }
}
