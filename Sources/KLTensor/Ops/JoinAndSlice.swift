/// Concatenation, splitting and slicing along an axis.
extension Tensor {
    /// Joins tensors along `axis`; all other sizes must agree.
    public static func concatenate(_ tensors: [Tensor], alongAxis axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "concatenate: no tensors given")
        let first = tensors[0]
        let axis = Shape.normalize(axis: axis, rank: first.rank, op: "concatenate")
        for t in tensors {
            precondition(t.rank == first.rank && t.shape.enumerated().allSatisfy { $0.offset == axis || $0.element == first.shape[$0.offset] },
                         "concatenate: shapes \(first.shape) and \(t.shape) differ outside axis \(axis)")
        }
        let sizes = tensors.map { $0.shape[axis] }
        var outShape = first.shape
        outShape[axis] = sizes.reduce(0, +)
        let outer = first.shape[..<axis].reduce(1, *), inner = first.shape[(axis + 1)...].reduce(1, *)
        let result = Tensor(shape: outShape, storage: TensorStorage(uninitializedCount: Shape.count(outShape)))
        let dst = result.storage.pointer, total = outShape[axis] * inner
        var offset = 0
        for (t, size) in zip(tensors, sizes) {
            let src = t.storage.pointer, chunk = size * inner
            for o in 0..<outer { (dst + o * total + offset).update(from: src + o * chunk, count: chunk) }
            offset += chunk
        }
        return record("concatenate", result, inputs: tensors) { g in
            g.splitValues(sizes: sizes, axis: axis)
        }
    }

    /// Cuts the tensor along `axis` into pieces of the given sizes (which must add up to the axis size).
    public func split(sizes: [Int], alongAxis axis: Int = 0) -> [Tensor] {
        let axis = Shape.normalize(axis: axis, rank: rank, op: "split")
        precondition(sizes.allSatisfy { $0 >= 0 } && sizes.reduce(0, +) == shape[axis],
                     "split: sizes \(sizes) do not add up to \(shape[axis]) (axis \(axis) of \(shape))")
        return zip(sizes.indices, sizes).map { index, size in
            slice(alongAxis: axis, from: sizes[..<index].reduce(0, +), count: size)
        }
    }

    /// The `count` entries starting at `start` along `axis`.
    public func slice(alongAxis axis: Int, from start: Int, count length: Int) -> Tensor {
        let axis = Shape.normalize(axis: axis, rank: rank, op: "slice")
        precondition(start >= 0 && length >= 0 && start + length <= shape[axis],
                     "slice: range \(start)..<\(start + length) is outside axis \(axis) of shape \(shape)")
        let (outer, size, inner) = splitAround(axis: axis)
        var outShape = shape
        outShape[axis] = length
        let result = Tensor(shape: outShape, storage: TensorStorage(uninitializedCount: Shape.count(outShape)))
        let src = storage.pointer, dst = result.storage.pointer
        for o in 0..<outer {
            (dst + o * length * inner).update(from: src + (o * size + start) * inner, count: length * inner)
        }
        let inputShape = shape
        return Tensor.record("slice", result, inputs: [self]) { g in
            let grad = Tensor.zeros(inputShape)
            let gp = g.storage.pointer, dp = grad.storage.pointer
            for o in 0..<outer {
                (dp + (o * size + start) * inner).update(from: gp + o * length * inner, count: length * inner)
            }
            return [grad]
        }
    }

    /// `split` without recording (the backward of `concatenate`).
    private func splitValues(sizes: [Int], axis: Int) -> [Tensor?] {
        withoutGradients { split(sizes: sizes, alongAxis: axis) }
    }
}
