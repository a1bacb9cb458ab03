/// Choosing between values by a mask: `where` and masked fill.
extension Tensor {
    /// `a` where `condition` is non-zero, `b` elsewhere; all three broadcast together. The gradient
    /// goes to `a` on the chosen positions and to `b` on the others.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        let outShape = Shape.broadcast(Shape.broadcast(condition.shape, a.shape, op: "where"), b.shape, op: "where")
        let c = condition.expandedValues(to: outShape), av = a.expandedValues(to: outShape), bv = b.expandedValues(to: outShape)
        let result = Tensor(shape: outShape, storage: TensorStorage(uninitializedCount: Shape.count(outShape)))
        let cp = c.storage.pointer, ap = av.storage.pointer, bp = bv.storage.pointer, r = result.storage.pointer
        for i in 0..<result.count { r[i] = cp[i] != 0 ? ap[i] : bp[i] }
        return record("where", result, inputs: [a, b]) { g in
            let ga = g.mapBinary(c, SelectKernel.self, op: "where")
            return [a.requiresGrad ? ga.summed(toShape: a.shape) : nil,
                    b.requiresGrad ? g.mapBinary(ga, SubtractKernel.self, op: "where").summed(toShape: b.shape) : nil]
        }
    }

    /// This tensor with `value` written wherever `mask` (broadcast to this shape) is non-zero.
    /// Filled positions receive no gradient.
    public func maskedFill(_ mask: Tensor, with value: Float) -> Tensor {
        precondition(Shape.broadcast(mask.shape, shape, op: "maskedFill") == shape,
                     "maskedFill: mask of shape \(mask.shape) does not broadcast to \(shape)")
        return Tensor.where(mask, Tensor(value), self)
    }
}
