/// Shape arithmetic shared by every op: element counts, strides, axis normalisation, broadcasting.
///
/// Shape errors are programming errors, so they stop the program with a message naming the op and
/// the shapes involved (Swift's `precondition`), never a wrong result.
public enum Shape {
    /// Number of elements of a tensor with this shape (1 for a scalar, `[]`).
    @inlinable
    public static func count(_ shape: [Int]) -> Int { shape.reduce(1, *) }

    /// Row-major (C-order) strides of `shape`, in elements.
    public static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// Turns a possibly negative axis (−1 = last) into an index in `0..<rank`, or stops with a message.
    public static func normalize(axis: Int, rank: Int, op: String) -> Int {
        let normalized = axis < 0 ? axis + rank : axis
        precondition(normalized >= 0 && normalized < rank, "\(op): axis \(axis) is out of range for rank \(rank)")
        return normalized
    }

    /// Normalises and sorts a set of axes; an empty list means every axis.
    public static func normalize(axes: [Int], rank: Int, op: String) -> [Int] {
        if axes.isEmpty { return Array(0..<rank) }
        let normalized = axes.map { normalize(axis: $0, rank: rank, op: op) }
        let sorted = Array(Set(normalized)).sorted()
        precondition(sorted.count == normalized.count, "\(op): repeated axis in \(axes)")
        return sorted
    }

    /// The NumPy-style broadcast of two shapes (trailing axes aligned; sizes equal or 1), or a stop
    /// that names `op` and both shapes.
    public static func broadcast(_ a: [Int], _ b: [Int], op: String) -> [Int] {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            precondition(da == db || da == 1 || db == 1,
                         "\(op): shapes \(a) and \(b) cannot be broadcast together")
            result[i] = da == 1 ? db : da
        }
        return result
    }

    /// Strides for reading a tensor of shape `shape` as if it had shape `target` (its broadcast):
    /// broadcast axes get stride 0.
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = strides(shape)
        let offset = target.count - shape.count
        return (0..<target.count).map { i in
            i < offset || shape[i - offset] == 1 ? 0 : own[i - offset]
        }
    }
}
