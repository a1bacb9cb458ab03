import KLTensor

/// Deterministic test data (SplitMix64), independent of the library's own generator so that a bug
/// there cannot hide a bug in an op.
public struct TestData: RandomNumberGenerator {
    private var state: UInt64
    /// A stream seeded by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func nextUInt64() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64 random bits (`RandomNumberGenerator`).
    public mutating func next() -> UInt64 { nextUInt64() }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func unit() -> Double { Double(nextUInt64() >> 11) * 0x1p-53 }

    /// Uniform in [low, high).
    public mutating func uniform(_ low: Float = -1, _ high: Float = 1) -> Float {
        low + (high - low) * Float(nextUInt64() >> 40) / Float(1 << 24)
    }

    /// A tensor of uniform values in [low, high).
    public mutating func tensor(_ shape: [Int], _ low: Float = -1, _ high: Float = 1, requiresGrad: Bool = false) -> Tensor {
        Tensor(shape: shape, scalars: (0..<Shape.count(shape)).map { _ in uniform(low, high) }, requiresGrad: requiresGrad)
    }

    /// A tensor whose values have magnitude in [0.2, 1] with random sign: safely away from the kinks
    /// of relu, clamp at 0, max ties and the like.
    public mutating func awayFromZero(_ shape: [Int], requiresGrad: Bool = true) -> Tensor {
        Tensor(shape: shape, scalars: (0..<Shape.count(shape)).map { _ in
            let magnitude = uniform(0.2, 1)
            return nextUInt64() & 1 == 0 ? magnitude : -magnitude
        }, requiresGrad: requiresGrad)
    }
}

extension TestData {
    /// A tensor of distinct values on a shuffled grid in [−1, 1) with spacing ≥ 2/count (at least
    /// 0.05 for small tensors), so that no two elements are within a finite-difference step of each
    /// other: max and sort-like ops have no near-ties.
    public mutating func distinct(_ shape: [Int], requiresGrad: Bool = true) -> Tensor {
        let n = Shape.count(shape)
        var values = (0..<n).map { -1 + 2 * (Float($0) + 0.5) / Float(max(n, 40)) }
        for i in stride(from: n - 1, to: 0, by: -1) { values.swapAt(i, Int(nextUInt64() % UInt64(i + 1))) }
        return Tensor(shape: shape, scalars: values, requiresGrad: requiresGrad)
    }
}

/// Compares the gradients from `backward()` with central finite differences and returns a
/// description of the first disagreement per input (empty when all agree).
///
/// The scalar checked is `L = Σ f(inputs) ⊙ R` for a fixed random `R`, so every output element
/// contributes. Each input gets up to `samples` coordinates perturbed by ±`step`. Float32 forward
/// passes limit finite-difference accuracy to about 1e-3 absolute for outputs of order 1, hence the
/// default tolerance: |numeric − analytic| ≤ `absolute` + `relative`·max(|numeric|, |analytic|).
/// A wrong backward (wrong sign, missing term, wrong broadcast reduction) misses by far more.
public func gradientCheckFailures(_ inputs: [Tensor], step: Float = 1e-2, absolute: Float = 2e-3, relative: Float = 2e-2,
                                  samples: Int = 24, seed: UInt64 = 99, _ f: ([Tensor]) -> Tensor) -> [String] {
    var data = TestData(seed: seed)
    for input in inputs { input.zeroGrad() }
    let output = f(inputs)
    let projection = data.tensor(output.shape)
    let loss = (output * projection).sum()
    do { try loss.backward() } catch { return ["backward failed: \(error)"] }
    func lossValue() -> Double {
        withoutGradients {
            let out = f(inputs)
            var total = 0.0
            for (o, r) in zip(out.scalars, projection.scalars) { total += Double(o) * Double(r) }
            return total
        }
    }
    var failures: [String] = []
    for (inputIndex, input) in inputs.enumerated() where input.requiresGrad {
        guard let analytic = input.grad?.scalars else {
            failures.append("input \(inputIndex) of shape \(input.shape) got no gradient")
            continue
        }
        let positions = input.count <= samples ? Array(0..<input.count)
            : (0..<samples).map { _ in Int(data.nextUInt64() % UInt64(input.count)) }
        for position in positions {
            let original = input.storage.pointer[position]
            input.storage.pointer[position] = original + step
            let plus = lossValue()
            input.storage.pointer[position] = original - step
            let minus = lossValue()
            input.storage.pointer[position] = original
            let numeric = Float((plus - minus) / Double(2 * step))
            let error = abs(numeric - analytic[position])
            let bound = absolute + relative * max(abs(numeric), abs(analytic[position]))
            if !(error <= bound) {
                failures.append("input \(inputIndex) \(input.shape) element \(position): analytic \(analytic[position]), numeric \(numeric)")
                break
            }
        }
    }
    return failures
}

/// The first index where two arrays differ by more than `tolerance`·(1 + |expected|), with both
/// values, or nil when they agree (NaNs agree with NaNs).
public func firstMismatch(_ actual: [Float], _ expected: [Float], tolerance: Float = 1e-5) -> String? {
    if actual.count != expected.count { return "count \(actual.count) vs \(expected.count)" }
    for (i, (a, e)) in zip(actual, expected).enumerated() {
        let ok = (a.isNaN && e.isNaN) || a == e || abs(a - e) <= tolerance * (1 + abs(e))
        if !ok { return "element \(i): \(a) vs expected \(e)" }
    }
    return nil
}
