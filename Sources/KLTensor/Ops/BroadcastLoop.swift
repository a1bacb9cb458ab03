/// Walks an output of some shape together with two inputs broadcast to it, one contiguous output
/// row at a time, after merging axes that can be read as one (so the rows are as long as possible).
///
/// Each input is read with stride 1 or 0 along the row (0 = broadcast), which keeps the inner loops
/// simple enough for the compiler to vectorise.
struct BroadcastLoop {
    /// Length of each output row.
    let rowLength: Int
    /// Number of output rows.
    let rowCount: Int
    /// Stride of each input along a row: 1 or 0.
    let rowStrideA: Int, rowStrideB: Int
    private let outerDims: [Int]
    private let outerStridesA: [Int], outerStridesB: [Int]

    init(output: [Int], a: [Int], b: [Int]) {
        var dims = output
        var sa = Shape.broadcastStrides(a, to: output)
        var sb = Shape.broadcastStrides(b, to: output)
        // Drop size-1 axes, then merge neighbours whose strides chain for both inputs.
        var merged: [(Int, Int, Int)] = []
        for i in 0..<dims.count where dims[i] != 1 {
            if let last = merged.last, last.1 == sa[i] * dims[i], last.2 == sb[i] * dims[i] {
                merged[merged.count - 1] = (last.0 * dims[i], sa[i], sb[i])
            } else {
                merged.append((dims[i], sa[i], sb[i]))
            }
        }
        if merged.isEmpty { merged = [(1, 0, 0)] }
        dims = merged.map { $0.0 }
        sa = merged.map { $0.1 }
        sb = merged.map { $0.2 }
        // The innermost axis becomes the row; a row stride other than 0/1 means that axis is not
        // contiguous for an input, so the row is one element long.
        if (sa.last! == 0 || sa.last! == 1) && (sb.last! == 0 || sb.last! == 1) {
            rowLength = dims.removeLast()
            rowStrideA = sa.removeLast()
            rowStrideB = sb.removeLast()
        } else {
            rowLength = 1
            rowStrideA = 0
            rowStrideB = 0
        }
        outerDims = dims
        outerStridesA = sa
        outerStridesB = sb
        rowCount = dims.reduce(1, *)
    }

    /// Calls `body(outputOffset, offsetA, offsetB)` for rows `start..<end`.
    func forRows(_ start: Int, _ end: Int, _ body: (Int, Int, Int) -> Void) {
        guard start < end else { return }
        let rank = outerDims.count
        var index = [Int](repeating: 0, count: rank)
        var offsetA = 0, offsetB = 0
        var remainder = start
        for axis in stride(from: rank - 1, through: 0, by: -1) {
            index[axis] = remainder % outerDims[axis]
            remainder /= outerDims[axis]
            offsetA += index[axis] * outerStridesA[axis]
            offsetB += index[axis] * outerStridesB[axis]
        }
        for row in start..<end {
            body(row * rowLength, offsetA, offsetB)
            var axis = rank - 1
            while axis >= 0 {
                index[axis] += 1
                offsetA += outerStridesA[axis]
                offsetB += outerStridesB[axis]
                if index[axis] < outerDims[axis] { break }
                offsetA -= outerStridesA[axis] * outerDims[axis]
                offsetB -= outerStridesB[axis] * outerDims[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }
}
