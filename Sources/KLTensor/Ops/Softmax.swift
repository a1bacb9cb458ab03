import Foundation

/// Softmax and log-softmax along an axis, with an optional mask, and cross-entropy from logits.
extension Tensor {
    /// `exp(x − max) / Σ exp(x − max)` along `axis`.
    ///
    /// `mask`, if given, broadcasts to this shape; positions where it is 0 are excluded (probability 0),
    /// like adding −∞ to their logits. A row whose every position is masked yields all zeros, not NaN.
    public func softmax(alongAxis axis: Int = -1, mask: Tensor? = nil) -> Tensor {
        normalizedExponential(alongAxis: axis, mask: mask, logarithmic: false)
    }

    /// `log softmax` along `axis`, computed stably as `x − max − log Σ exp(x − max)`.
    /// Masked positions (mask 0) and fully masked rows give −∞ and receive no gradient.
    public func logSoftmax(alongAxis axis: Int = -1, mask: Tensor? = nil) -> Tensor {
        normalizedExponential(alongAxis: axis, mask: mask, logarithmic: true)
    }

    private func normalizedExponential(alongAxis axis: Int, mask: Tensor?, logarithmic: Bool) -> Tensor {
        let op = logarithmic ? "logSoftmax" : "softmax"
        let axis = Shape.normalize(axis: axis, rank: rank, op: op)
        if axis != rank - 1 {
            var order = Array(0..<rank)
            order.swapAt(axis, rank - 1)
            let movedMask = mask.map { m -> Tensor in
                let full = m.expandedValues(to: Shape.broadcast(m.shape, shape, op: op))
                return full.permutedValues(order)
            }
            return transposed(axis, -1).normalizedExponential(alongAxis: -1, mask: movedMask, logarithmic: logarithmic)
                .transposed(axis, -1)
        }
        let n = shape.last ?? 1
        let rows = n == 0 ? 0 : count / n
        // The mask is read in place through its broadcast strides (an attention mask of shape
        // (N, 1, 1, S) is never expanded to (N, H, L, S)); only a mask broadcast along the row is expanded.
        let keep: (tensor: Tensor, rowOffsets: [Int])? = mask.map { m in
            precondition(Shape.broadcast(m.shape, shape, op: op) == shape,
                         "\(op): mask of shape \(m.shape) does not broadcast to input shape \(shape)")
            let rowwise = m.shape.last == n || n == 1 ? m : m.expandedValues(to: shape)
            return (rowwise, Tensor.rowOffsets(of: rowwise.shape, broadcastTo: shape))
        }
        let y = Tensor(shape: shape, storage: TensorStorage(uninitializedCount: count))
        let x = storage.pointer, out = y.storage.pointer, k = keep?.tensor.storage.pointer
        Parallel.forRanges(rows, costPerItem: 8 * n) { start, end in
            for row in start..<end {
                Tensor.normalizeRow(x + row * n, out + row * n, k.map { $0 + keep!.rowOffsets[row] }, n, logarithmic)
            }
        }
        return Tensor.record(op, y, inputs: [self]) { g in
            let grad = Tensor(shape: y.shape, storage: TensorStorage(uninitializedCount: y.count))
            let gp = g.storage.pointer, dx = grad.storage.pointer
            Parallel.forRanges(rows, costPerItem: 4 * n) { start, end in
                for row in start..<end {
                    let yr = out + row * n, gr = gp + row * n, dr = dx + row * n
                    if logarithmic {
                        // dx = g − softmax·Σg over the unmasked positions
                        var total: Float = 0
                        for i in 0..<n where yr[i] > -.infinity { total += gr[i] }
                        for i in 0..<n { dr[i] = yr[i] > -.infinity ? gr[i] - Foundation.exp(yr[i]) * total : 0 }
                    } else {
                        // dx = y·(g − Σ g·y)
                        var dot: Float = 0
                        for i in 0..<n { dot += gr[i] * yr[i] }
                        for i in 0..<n { dr[i] = yr[i] * (gr[i] - dot) }
                    }
                }
            }
            return [grad]
        }
    }

    /// For each row (all axes but the last) of a tensor of shape `target`, the element offset of the
    /// matching row of a tensor of shape `shape` broadcast to it (whose last axis equals target's).
    static func rowOffsets(of shape: [Int], broadcastTo target: [Int]) -> [Int] {
        let strides = Array(Shape.broadcastStrides(shape, to: target).dropLast())
        let leading = Array(target.dropLast())
        var offsets = [Int](repeating: 0, count: leading.reduce(1, *))
        var index = [Int](repeating: 0, count: leading.count), offset = 0
        for row in offsets.indices {
            offsets[row] = offset
            var axis = leading.count - 1
            while axis >= 0 {
                index[axis] += 1
                offset += strides[axis]
                if index[axis] < leading[axis] { break }
                offset -= strides[axis] * leading[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return offsets
    }

    /// Softmax (or log-softmax) of one contiguous row, skipping positions where `keep` is 0.
    private static func normalizeRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                     _ keep: UnsafePointer<Float>?, _ n: Int, _ logarithmic: Bool) {
        var maximum = -Float.infinity
        for i in 0..<n where keep?[i] ?? 1 != 0 { maximum = Swift.max(maximum, x[i]) }
        if maximum == -.infinity {
            // Every position masked (or −∞): an empty distribution.
            y.update(repeating: logarithmic ? -.infinity : 0, count: n)
            return
        }
        for i in 0..<n { y[i] = x[i] - maximum }
        if logarithmic {
            let shifted = UnsafeMutablePointer<Float>.allocate(capacity: n)
            defer { shifted.deallocate() }
            VectorMath.applySerially(.exp, y, shifted, count: n)
            var total: Float = 0
            for i in 0..<n where keep?[i] ?? 1 != 0 { total += shifted[i] }
            let logTotal = Foundation.log(total)
            for i in 0..<n { y[i] = keep?[i] ?? 1 != 0 ? y[i] - logTotal : -.infinity }
        } else {
            VectorMath.applySerially(.exp, y, y, count: n)
            if let keep { for i in 0..<n where keep[i] == 0 { y[i] = 0 } }
            var total: Float = 0
            for i in 0..<n { total += y[i] }
            let scale = 1 / total
            for i in 0..<n { y[i] *= scale }
        }
    }

    /// Mean cross-entropy of `logits` (N, C) against integer class `labels` (N values in 0..<C).
    public static func crossEntropy(logits: Tensor, labels: [Int]) -> Tensor {
        precondition(logits.rank == 2, "crossEntropy: logits must be (batch, classes), got \(logits.shape)")
        let (rows, classes) = (logits.shape[0], logits.shape[1])
        precondition(labels.count == rows, "crossEntropy: \(labels.count) labels for \(rows) rows of logits \(logits.shape)")
        for (row, label) in labels.enumerated() {
            precondition(label >= 0 && label < classes,
                         "crossEntropy: label \(label) at row \(row) is outside 0..<\(classes)")
        }
        let logProbabilities = withoutGradients { logits.logSoftmax(alongAxis: -1) }
        let lp = logProbabilities.storage.pointer
        var total: Double = 0
        for (row, label) in labels.enumerated() { total -= Double(lp[row * classes + label]) }
        let loss = Tensor(Float(total / Double(Swift.max(rows, 1))))
        return record("crossEntropy", loss, inputs: [logits]) { g in
            let lp = logProbabilities.storage.pointer
            let scale = g.item / Float(Swift.max(rows, 1))
            let grad = Tensor(shape: logits.shape, storage: TensorStorage(uninitializedCount: logits.count))
            let dx = grad.storage.pointer
            VectorMath.apply(.exp, lp, dx, count: logits.count)
            for (row, label) in labels.enumerated() { dx[row * classes + label] -= 1 }
            for i in 0..<logits.count { dx[i] *= scale }
            return [grad]
        }
    }
}
