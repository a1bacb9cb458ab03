/// The leading principal directions of a point cloud: eigenvectors of its covariance with the
/// largest eigenvalues, found by power iteration with deflation from a fixed start (deterministic),
/// each with its largest-magnitude component made positive.
public enum PrincipalDirections {
    /// The first `count` principal directions of `points` (each of the same dimension).
    public static func of(_ points: [[Double]], count: Int = 2, iterations: Int = 200) -> [[Double]] {
        guard let d = points.first?.count, d > 0 else { return [] }
        let n = Double(points.count)
        let mean = (0..<d).map { i in points.reduce(0) { $0 + $1[i] } / n }
        var covariance = [Double](repeating: 0, count: d * d)
        for point in points {
            for i in 0..<d { for j in 0..<d { covariance[i * d + j] += (point[i] - mean[i]) * (point[j] - mean[j]) / n } }
        }
        var directions: [[Double]] = []
        for index in 0..<min(count, d) {
            var vector = (0..<d).map { 1 + Double(($0 + index) % d) / Double(d) }
            for _ in 0..<iterations {
                var next = (0..<d).map { i in (0..<d).reduce(0) { $0 + covariance[i * d + $1] * vector[$1] } }
                for direction in directions {
                    let overlap = zip(next, direction).reduce(0) { $0 + $1.0 * $1.1 }
                    next = zip(next, direction).map { $0 - overlap * $1 }
                }
                let norm = next.reduce(0) { $0 + $1 * $1 }.squareRoot()
                guard norm > 1e-300 else { break }
                vector = next.map { $0 / norm }
            }
            let largest = vector.indices.max { abs(vector[$0]) < abs(vector[$1]) } ?? 0
            directions.append(vector[largest] < 0 ? vector.map { -$0 } : vector)
        }
        return directions
    }

    /// The coordinates of `point` along `directions`.
    public static func project(_ point: [Double], on directions: [[Double]]) -> [Double] {
        directions.map { zip(point, $0).reduce(0) { $0 + $1.0 * $1.1 } }
    }
}
