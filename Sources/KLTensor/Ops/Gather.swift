/// Selecting entries by index along an axis: embedding lookups and permutations.
extension Tensor {
    /// The entries `indices` along `axis`, in that order (repeats allowed). The output replaces that
    /// axis with `indices.count`. An embedding lookup is `weight.gathering(ids, alongAxis: 0)`; a
    /// permutation of the last axis is `x.gathering(permutation, alongAxis: -1)`. The gradient adds the
    /// output's gradient back into the gathered positions.
    public func gathering(_ indices: [Int], alongAxis axis: Int = 0) -> Tensor {
        let axis = Shape.normalize(axis: axis, rank: rank, op: "gather")
        let (outer, size, inner) = splitAround(axis: axis)
        for (position, index) in indices.enumerated() {
            precondition(index >= 0 && index < size,
                         "gather: index \(index) at position \(position) is outside 0..<\(size) (axis \(axis) of shape \(shape))")
        }
        var outShape = shape
        outShape[axis] = indices.count
        let result = Tensor(shape: outShape, storage: TensorStorage(uninitializedCount: Shape.count(outShape)))
        let src = storage.pointer, dst = result.storage.pointer, n = indices.count
        indices.withUnsafeBufferPointer { idx in
            Parallel.forRanges(outer, costPerItem: n * inner) { start, end in
                for o in start..<end {
                    if inner == 1 {
                        let s = src + o * size, d = dst + o * n
                        for j in 0..<n { d[j] = s[idx[j]] }
                    } else {
                        for j in 0..<n {
                            (dst + (o * n + j) * inner).update(from: src + (o * size + idx[j]) * inner, count: inner)
                        }
                    }
                }
            }
        }
        let inputShape = shape
        return Tensor.record("gather", result, inputs: [self]) { g in
            let grad = Tensor.zeros(inputShape)
            let gp = g.storage.pointer, dp = grad.storage.pointer
            for o in 0..<outer {
                for (j, index) in indices.enumerated() {
                    let d = dp + (o * size + index) * inner, s = gp + (o * n + j) * inner
                    for i in 0..<inner { d[i] += s[i] }
                }
            }
            return [grad]
        }
    }
}
