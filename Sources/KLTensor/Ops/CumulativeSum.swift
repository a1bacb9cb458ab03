/// Running sums along an axis (the prefix sums of causal attention written as tensor ops).
extension Tensor {
    /// `out[…, i, …] = Σ_{j ≤ i} x[…, j, …]` along `axis` (or `Σ_{j ≥ i}` when `reverse`).
    /// The gradient is the cumulative sum of the output gradient in the opposite direction.
    public func cumulativeSum(alongAxis axis: Int, reverse: Bool = false) -> Tensor {
        let axis = Shape.normalize(axis: axis, rank: rank, op: "cumulativeSum")
        return Tensor.record("cumulativeSum", cumulativeValues(axis: axis, reverse: reverse), inputs: [self]) { g in
            [g.cumulativeValues(axis: axis, reverse: !reverse)]
        }
    }

    private func cumulativeValues(axis: Int, reverse: Bool) -> Tensor {
        let (outer, size, inner) = splitAround(axis: axis)
        let result = copy()
        let p = result.storage.pointer
        Parallel.forRanges(outer, costPerItem: size * inner) { start, end in
            for o in start..<end {
                let base = p + o * size * inner
                for step in 1..<Swift.max(size, 1) {
                    let s = reverse ? size - 1 - step : step
                    let previous = base + (reverse ? s + 1 : s - 1) * inner, current = base + s * inner
                    for i in 0..<inner { current[i] += previous[i] }
                }
            }
        }
        return result
    }
}
