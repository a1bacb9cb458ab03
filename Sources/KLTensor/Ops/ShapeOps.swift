/// Reshape, broadcast, permute and transpose.
extension Tensor {
    /// The same values with a new shape (a view sharing storage). One size may be −1 (inferred).
    public func reshaped(to newShape: [Int]) -> Tensor {
        var target = newShape
        if let unknown = target.firstIndex(of: -1) {
            let known = target.enumerated().filter { $0.offset != unknown }.reduce(1) { $0 * $1.element }
            precondition(known > 0 && count % known == 0, "reshape: cannot reshape \(shape) to \(newShape)")
            target[unknown] = count / known
        }
        precondition(Shape.count(target) == count, "reshape: cannot reshape \(shape) (\(count) elements) to \(newShape)")
        if target == shape { return self }
        let inputShape = shape
        return Tensor.record("reshape", Tensor(shape: target, storage: storage), inputs: [self]) { g in
            [Tensor(shape: inputShape, storage: g.storage)]
        }
    }

    /// The values broadcast to `target` (NumPy rules), materialised. The gradient sums back.
    public func expanded(to target: [Int]) -> Tensor {
        let broadcastShape = Shape.broadcast(shape, target, op: "expand")
        precondition(broadcastShape == target, "expand: shape \(shape) cannot be expanded to \(target)")
        let inputShape = shape
        return Tensor.record("expand", expandedValues(to: target), inputs: [self]) { g in [g.summed(toShape: inputShape)] }
    }

    /// Broadcast copy without recording.
    func expandedValues(to target: [Int]) -> Tensor {
        if shape == target { return self }
        let result = Tensor(shape: target, storage: TensorStorage(uninitializedCount: Shape.count(target)))
        let loop = BroadcastLoop(output: target, a: shape, b: shape)
        let n = loop.rowLength, src = storage.pointer, dst = result.storage.pointer
        Parallel.forRanges(loop.rowCount, costPerItem: n) { start, end in
            loop.forRows(start, end) { o, offset, _ in
                if loop.rowStrideA == 1 {
                    (dst + o).update(from: src + offset, count: n)
                } else {
                    (dst + o).update(repeating: src[offset], count: n)
                }
            }
        }
        return result
    }

    /// Axes reordered: output axis i is input axis `axes[i]`.
    public func permuted(_ axes: [Int]) -> Tensor {
        precondition(axes.count == rank && Set(axes) == Set(0..<rank),
                     "permute: \(axes) is not a permutation of the axes of shape \(shape)")
        if axes == Array(0..<rank) { return self }
        let inverse = axes.enumerated().sorted { $0.element < $1.element }.map { $0.offset }
        return Tensor.record("permute", permutedValues(axes), inputs: [self]) { g in [g.permutedValues(inverse)] }
    }

    /// Swaps two axes.
    public func transposed(_ axis0: Int = -2, _ axis1: Int = -1) -> Tensor {
        let a = Shape.normalize(axis: axis0, rank: rank, op: "transpose")
        let b = Shape.normalize(axis: axis1, rank: rank, op: "transpose")
        var axes = Array(0..<rank)
        axes.swapAt(a, b)
        return permuted(axes)
    }

    /// Permuted copy without recording. Rows along the output's last axis are copied with the input
    /// stride of that axis (a plain memcpy when the last axis stays last).
    func permutedValues(_ axes: [Int]) -> Tensor {
        let inputStrides = Shape.strides(shape)
        let outShape = axes.map { shape[$0] }
        let result = Tensor(shape: outShape, storage: TensorStorage(uninitializedCount: count))
        guard count > 0 else { return result }
        let strides = axes.map { inputStrides[$0] }
        let rowLength = outShape.last!, rowStride = strides.last!
        let outerShape = Array(outShape.dropLast()), outerStrides = Array(strides.dropLast())
        let rows = count / rowLength
        let src = storage.pointer, dst = result.storage.pointer
        Parallel.forRanges(rows, costPerItem: rowLength) { start, end in
            var index = [Int](repeating: 0, count: outerShape.count)
            var offset = 0, remainder = start
            for axis in stride(from: outerShape.count - 1, through: 0, by: -1) {
                index[axis] = remainder % outerShape[axis]
                remainder /= outerShape[axis]
                offset += index[axis] * outerStrides[axis]
            }
            for row in start..<end {
                let out = dst + row * rowLength
                if rowStride == 1 {
                    out.update(from: src + offset, count: rowLength)
                } else {
                    for i in 0..<rowLength { out[i] = src[offset + i * rowStride] }
                }
                var axis = outerShape.count - 1
                while axis >= 0 {
                    index[axis] += 1
                    offset += outerStrides[axis]
                    if index[axis] < outerShape[axis] { break }
                    offset -= outerStrides[axis] * outerShape[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
        return result
    }
}
