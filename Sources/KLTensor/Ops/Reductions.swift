/// Sum, mean and max over chosen axes.
extension Tensor {
    /// Sum over `axes` (all axes when empty). With `keepingDimensions` the reduced axes stay as size 1.
    public func sum(alongAxes axes: [Int] = [], keepingDimensions: Bool = false) -> Tensor {
        let axes = Shape.normalize(axes: axes, rank: rank, op: "sum")
        let x = self
        let kept = x.reducedShape(axes, keeping: true)
        let result = x.sumValues(axes: axes).reshaped(to: keepingDimensions ? kept : x.reducedShape(axes, keeping: false))
        let inputShape = x.shape          // the pullback needs the shape only, not the values
        return Tensor.record("sum", result, inputs: [x]) { g in
            [g.reshaped(to: kept).expandedValues(to: inputShape)]
        }
    }

    /// Mean over `axes` (all axes when empty).
    public func mean(alongAxes axes: [Int] = [], keepingDimensions: Bool = false) -> Tensor {
        let axes = Shape.normalize(axes: axes, rank: rank, op: "mean")
        let n = axes.reduce(1) { $0 * shape[$1] }
        return sum(alongAxes: axes, keepingDimensions: keepingDimensions) * (1 / Float(Swift.max(n, 1)))
    }

    /// Maximum over `axes` (all axes when empty). The gradient goes to the first maximal element.
    public func max(alongAxes axes: [Int] = [], keepingDimensions: Bool = false) -> Tensor {
        let axes = Shape.normalize(axes: axes, rank: rank, op: "max")
        var result = self
        for axis in axes.reversed() { result = result.maxAlong(axis: axis) }
        return result.reshaped(to: reducedShape(axes, keeping: keepingDimensions))
    }

    /// Shape after reducing `axes` (sorted, normalised).
    func reducedShape(_ axes: [Int], keeping: Bool) -> [Int] {
        var result: [Int] = []
        for (axis, size) in shape.enumerated() {
            if axes.contains(axis) { if keeping { result.append(1) } } else { result.append(size) }
        }
        return result
    }

    /// The shape split as (outer, axis size, inner) around `axis`.
    func splitAround(axis: Int) -> (outer: Int, size: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    /// Sum over sorted `axes` without recording, keeping reduced axes as size 1. Runs of adjacent
    /// axes are reduced in one pass.
    func sumValues(axes: [Int]) -> Tensor {
        var current = self
        var remaining = axes
        while let last = remaining.last {
            var first = last
            while remaining.count > 1, remaining[remaining.count - 2] == first - 1 {
                remaining.removeLast()
                first -= 1
            }
            remaining.removeLast()
            let outer = current.shape[..<first].reduce(1, *)
            let size = current.shape[first...last].reduce(1, *)
            let inner = current.shape[(last + 1)...].reduce(1, *)
            var newShape = current.shape
            for axis in first...last { newShape[axis] = 1 }
            current = Tensor.sumMiddle(current, outer: outer, size: size, inner: inner, shape: newShape)
        }
        return current
    }

    /// Reduces the middle axis of an (outer, size, inner) view by summation.
    private static func sumMiddle(_ x: Tensor, outer: Int, size: Int, inner: Int, shape: [Int]) -> Tensor {
        let result = Tensor.zeros(shape)
        let src = x.storage.pointer, dst = result.storage.pointer
        // Few sums over long axes (a bias's gradient: one sum over every token) would leave the
        // other threads idle: the summed axis is cut into blocks of about 2^16 elements, summed in
        // parallel and then added in order. The cut depends on the sizes only, never on the threads.
        let blockLength = Swift.max(1, (1 << 16) / Swift.max(inner, 1)), blocks = (size + blockLength - 1) / blockLength
        if outer < 16 && blocks > 1 {
            let partials = TensorStorage(repeating: 0, count: outer * blocks * inner)
            let partial = partials.pointer
            Parallel.forRanges(outer * blocks, costPerItem: blockLength * inner) { start, end in
                for item in start..<end {
                    let (o, block) = item.quotientAndRemainder(dividingBy: blocks)
                    let first = block * blockLength, count = Swift.min(blockLength, size - first)
                    let out = partial + item * inner
                    if inner == 1 {
                        out[0] = contiguousSum(src + o * size + first, count)
                    } else {
                        for s in first..<(first + count) {
                            let row = src + (o * size + s) * inner
                            for i in 0..<inner { out[i] += row[i] }
                        }
                    }
                }
            }
            for o in 0..<outer {
                for block in 0..<blocks {
                    let sum = partial + (o * blocks + block) * inner, out = dst + o * inner
                    for i in 0..<inner { out[i] += sum[i] }
                }
            }
            return result
        }
        if inner == 1 {
            Parallel.forRanges(outer, costPerItem: size) { start, end in
                for o in start..<end { dst[o] = contiguousSum(src + o * size, size) }
            }
        } else {
            Parallel.forRanges(outer, costPerItem: size * inner) { start, end in
                for o in start..<end {
                    let out = dst + o * inner
                    for s in 0..<size {
                        let row = src + (o * size + s) * inner
                        for i in 0..<inner { out[i] += row[i] }
                    }
                }
            }
        }
        return result
    }

    /// Sum of `n` contiguous floats with 16 independent partial sums (vectorisable, and more accurate
    /// than one running sum).
    @inline(__always)
    static func contiguousSum(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
        var partial = SIMD16<Float>()
        var i = 0
        while i + 16 <= n {
            partial += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Float>.self)
            i += 16
        }
        var total = partial.sum()
        while i < n { total += p[i]; i += 1 }
        return total
    }

    /// The maximum of `n` ≥ 1 contiguous floats, NaN only when all are: 16 lanes where NaN never
    /// wins, and the exact scalar scan when they leave −∞ (all −∞, or NaN among them).
    @inline(__always)
    static func contiguousMax(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
        var lanes = SIMD16<Float>(repeating: -.infinity)
        var i = 0
        while i + 16 <= n {
            let v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Float>.self)
            lanes.replace(with: v, where: v .> lanes)
            i += 16
        }
        var best = lanes.max()
        while i < n { if p[i] > best { best = p[i] }; i += 1 }
        guard best == -.infinity else { return best }
        best = p[0]
        for j in 1..<n where p[j] > best || (best.isNaN && !p[j].isNaN) { best = p[j] }
        return best
    }

    /// Maximum along one axis, keeping it as size 1, recording the gradient route. The first maximal
    /// element wins (a NaN only where every element is NaN). The reduced axis is walked outermost so
    /// every pass reads `inner` contiguous floats (vectorisable; the stabilisers of the random-feature
    /// maps reduce over the sequence with inner = heads × features), the outer blocks in parallel,
    /// and the argmax is kept only when a gradient will need it.
    private func maxAlong(axis: Int) -> Tensor {
        let (outer, size, inner) = splitAround(axis: axis)
        precondition(size > 0, "max: cannot reduce an empty axis of shape \(shape)")
        var keptShape = shape
        keptShape[axis] = 1
        let result = Tensor(shape: keptShape, storage: TensorStorage(uninitializedCount: outer * inner))
        let recording = GradientRecording.isEnabled && requiresGrad
        var argmax = [Int32](repeating: 0, count: recording ? outer * inner : 0)
        let src = storage.pointer, dst = result.storage.pointer
        argmax.withUnsafeMutableBufferPointer { arg in
            let arg = recording ? arg.baseAddress : nil
            Parallel.forRanges(outer, costPerItem: size * inner) { start, end in
                for o in start..<end {
                    let block = src + o * size * inner, best = dst + o * inner
                    if inner == 1 && arg == nil {
                        best.pointee = Self.contiguousMax(block, size)
                        continue
                    }
                    best.update(from: block, count: inner)
                    for s in 1..<size {
                        let row = block + s * inner
                        if let bestIndex = arg.map({ $0 + o * inner }) {
                            for i in 0..<inner where row[i] > best[i] || (best[i].isNaN && !row[i].isNaN) {
                                best[i] = row[i]
                                bestIndex[i] = Int32(s)
                            }
                        } else {
                            for i in 0..<inner { best[i] = row[i] > best[i] || best[i].isNaN ? row[i] : best[i] }
                        }
                    }
                }
            }
        }
        let inputShape = shape
        return Tensor.record("max", result, inputs: [self]) { g in
            let grad = Tensor.zeros(inputShape)
            let gp = g.storage.pointer, out = grad.storage.pointer
            for o in 0..<outer {
                for i in 0..<inner {
                    out[(o * size + Int(argmax[o * inner + i])) * inner + i] = gp[o * inner + i]
                }
            }
            return [grad]
        }
    }
}
