/// A histogram of values in TensorBoard's `HistogramProto` form: count, min, max, sum, sum of
/// squares and bucket counts with their right edges, for the Histograms and Distributions dashboards.
///
/// Buckets are TensorFlow's default exponential ones (those of `tf.summary.histogram` v1 and of
/// PyTorch's `add_histogram`): edges ±10⁻¹²·1.1ᵏ up to 10²⁰, 0 between them and ±`Double.greatestFiniteMagnitude`
/// outermost, 1,551 in all, so each bucket spans 10% of its magnitude at any scale (weights,
/// gradients and activations alike). Bucket `i` counts the values `v` with
/// `limit[i-1] ≤ v < limit[i]`. Only buckets that matter are stored: empty ones before the first
/// and after the last non-empty bucket are dropped, and a run of empty buckets between non-empty
/// ones is stored as its last bucket alone, whose edge then still bounds the next bucket exactly
/// (TensorBoard takes a bucket's left edge from the previous limit and the outermost ones from min
/// and max).
///
/// Non-finite values (NaN, ±∞) are skipped: they are counted in `skippedNonFiniteCount` but not
/// in `count`, `sum`, the buckets or the extremes, which TensorBoard could not draw.
public struct Histogram: Equatable, Sendable {
    /// The smallest finite value (0 when there is none).
    public var minimum: Double
    /// The largest finite value (0 when there is none).
    public var maximum: Double
    /// How many finite values there were (`num`).
    public var count: Double
    /// Their sum.
    public var sum: Double
    /// The sum of their squares.
    public var sumOfSquares: Double
    /// The right edge of each stored bucket, ascending.
    public var bucketLimits: [Double]
    /// The number of values in each stored bucket (same order as `bucketLimits`).
    public var bucketCounts: [Double]
    /// How many values were skipped because they were NaN or infinite.
    public var skippedNonFiniteCount: Int

    /// TensorFlow's default bucket edges: −DBL_MAX, −10²⁰⁻ … −10⁻¹², 0, 10⁻¹² … 10²⁰⁻, DBL_MAX
    /// (each positive edge 1.1 times the one before, computed by repeated multiplication as
    /// TensorFlow does).
    public static let defaultBucketLimits: [Double] = {
        var positive: [Double] = []
        var edge = 1e-12
        while edge < 1e20 {
            positive.append(edge)
            edge *= 1.1
        }
        positive.append(Double.greatestFiniteMagnitude)
        return positive.reversed().map { -$0 } + [0] + positive
    }()

    /// The histogram of the finite `values` (non-finite ones are skipped and counted).
    public init(values: [Float]) {
        self = values.withUnsafeBufferPointer { Histogram(values: $0) }
    }

    /// The histogram of the finite `values` (non-finite ones are skipped and counted); reads a
    /// tensor's storage in place.
    public init(values: UnsafeBufferPointer<Float>) {
        let limits = Self.defaultBucketLimits
        var counts = [Double](repeating: 0, count: limits.count)
        var minimum = Double.infinity, maximum = -Double.infinity
        var count = 0, skipped = 0
        var sum = 0.0, sumOfSquares = 0.0
        limits.withUnsafeBufferPointer { limits in
            counts.withUnsafeMutableBufferPointer { counts in
                for value in values {
                    guard value.isFinite else {
                        skipped += 1
                        continue
                    }
                    let v = Double(value)
                    minimum = Swift.min(minimum, v)
                    maximum = Swift.max(maximum, v)
                    sum += v
                    sumOfSquares += v * v
                    count += 1
                    counts[Self.bucketIndex(of: v, limits: limits)] += 1
                }
            }
        }
        self.minimum = count > 0 ? minimum : 0
        self.maximum = count > 0 ? maximum : 0
        self.count = Double(count)
        self.sum = sum
        self.sumOfSquares = sumOfSquares
        skippedNonFiniteCount = skipped
        bucketLimits = []
        bucketCounts = []
        guard let first = counts.firstIndex(where: { $0 > 0 }), let last = counts.lastIndex(where: { $0 > 0 }) else { return }
        for index in first...last where counts[index] > 0 || counts[index + 1] > 0 {
            bucketLimits.append(limits[index])
            bucketCounts.append(counts[index])
        }
    }

    /// A histogram with the given fields as they are, e.g. one computed elsewhere.
    public init(minimum: Double, maximum: Double, count: Double, sum: Double, sumOfSquares: Double,
                bucketLimits: [Double], bucketCounts: [Double]) {
        precondition(bucketLimits.count == bucketCounts.count, "a histogram needs one limit per bucket")
        self.minimum = minimum
        self.maximum = maximum
        self.count = count
        self.sum = sum
        self.sumOfSquares = sumOfSquares
        self.bucketLimits = bucketLimits
        self.bucketCounts = bucketCounts
        skippedNonFiniteCount = 0
    }

    /// The index of the first limit greater than `value` (TensorFlow's `upper_bound`), clamped to
    /// the last bucket.
    static func bucketIndex(of value: Double, limits: UnsafeBufferPointer<Double>) -> Int {
        var low = 0, high = limits.count
        while low < high {
            let middle = (low + high) / 2
            if limits[middle] > value { high = middle } else { low = middle + 1 }
        }
        return Swift.min(low, limits.count - 1)
    }

    // MARK: Encoding

    /// The size of the encoded `HistogramProto`.
    var encodedSize: Int {
        var size = 5 * (1 + 8)
        if !bucketLimits.isEmpty { size += 2 * ProtobufEncoder.lengthDelimitedFieldSize(field: 6, length: 8 * bucketLimits.count) }
        return size
    }

    /// Appends the fields of a `HistogramProto`: min 1, max 2, num 3, sum 4, sum_squares 5 (doubles),
    /// bucket_limit 6 and bucket 7 (packed doubles).
    func encode(into encoder: inout ProtobufEncoder) {
        encoder.appendField(1, double: minimum)
        encoder.appendField(2, double: maximum)
        encoder.appendField(3, double: count)
        encoder.appendField(4, double: sum)
        encoder.appendField(5, double: sumOfSquares)
        encoder.appendField(6, packedDoubles: bucketLimits)
        encoder.appendField(7, packedDoubles: bucketCounts)
    }
}
