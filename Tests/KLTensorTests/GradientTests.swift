import Foundation
import Testing
@testable import KLTensor
import KLTestSupport

/// Finite-difference checks of every op's backward, on shapes that include broadcasting and size-1 axes.
@Suite struct GradientTests {
    // MARK: arithmetic with broadcasting

    static let broadcastPairs: [([Int], [Int])] = [
        ([3, 4], [3, 4]), ([3, 4], [4]), ([3, 1], [1, 4]), ([2, 3, 4], [3, 1]), ([1], [2, 3]), ([], [2, 2]), ([2, 1, 3], [2, 4, 1]),
    ]

    @Test(arguments: broadcastPairs)
    func binaryArithmetic(shapes: ([Int], [Int])) {
        var data = TestData(seed: 1)
        let a = data.tensor(shapes.0, requiresGrad: true)
        let b = data.tensor(shapes.1, 0.5, 1.5, requiresGrad: true)
        checkGradients([a, b]) { $0[0] + $0[1] }
        checkGradients([a, b]) { $0[0] - $0[1] }
        checkGradients([a, b]) { $0[0] * $0[1] }
        checkGradients([a, b]) { $0[0] / $0[1] }
    }

    @Test func maximumRoutesToLarger() {
        var data = TestData(seed: 2)
        let both = data.distinct([4, 4]).scalars
        let a = Tensor(shape: [3, 4], scalars: Array(both[..<12]), requiresGrad: true)
        let b = Tensor(shape: [4], scalars: Array(both[12...]), requiresGrad: true)
        checkGradients([a, b]) { Tensor.maximum($0[0], $0[1]) }
    }

    @Test func scalarArithmeticAndNegation() {
        var data = TestData(seed: 3)
        let a = data.tensor([2, 3], requiresGrad: true)
        checkGradients([a]) { 2.5 * $0[0] + 1 }
        checkGradients([a]) { 1 - $0[0] / 4 }
        checkGradients([a]) { -$0[0] }
        checkGradients([a]) { $0[0].squared() }
    }

    @Test func clampPassesGradientInside() {
        let a = Tensor(shape: [2, 4], scalars: [-0.9, -0.45, -0.2, 0.25, 0.5, 0.7, 0.95, -0.7], requiresGrad: true)
        checkGradients([a]) { $0[0].clamped(min: -0.55, max: 0.6) }
        checkGradients([a]) { $0[0].clamped(min: 0) }
    }

    // MARK: elementwise functions

    @Test func transcendental() {
        var data = TestData(seed: 5)
        let x = data.tensor([4, 5], -2, 2, requiresGrad: true)
        let positive = data.tensor([4, 5], 0.5, 3, requiresGrad: true)
        checkGradients([x]) { $0[0].exp() }
        checkGradients([positive]) { $0[0].log() }
        checkGradients([positive]) { $0[0].sqrt() }
        checkGradients([positive]) { $0[0].rsqrt() }
        checkGradients([x]) { $0[0].sin() }
        checkGradients([x]) { $0[0].cos() }
        checkGradients([x]) { $0[0].tanh() }
        checkGradients([x]) { $0[0].sigmoid() }
    }

    @Test func activations() {
        var data = TestData(seed: 6)
        let x = data.awayFromZero([3, 7])
        checkGradients([x]) { $0[0].relu() }
        checkGradients([x]) { $0[0].leakyRelu(slope: 0.01) }
        checkGradients([x]) { $0[0].elu() }
        checkGradients([x]) { $0[0].elu(alpha: 0.5, plus: 1) }
        checkGradients([x]) { $0[0].elu(alpha: 0.5) }
        checkGradients([x]) { $0[0].gelu() }
    }

    /// The fused activations run in blocks of `Tensor.vectorChunk` elements over the threads: over
    /// many blocks and a ragged end, values and gradients match the formulas in Double.
    @Test func fusedActivationsOverManyBlocks() throws {
        var data = TestData(seed: 61)
        let count = 5 * Tensor.vectorChunk + 37
        let upstream = data.tensor([count])
        let phi = { (x: Double) in Foundation.exp(-x * x / 2) / (2 * Double.pi).squareRoot() }
        let cdf = { (x: Double) in 0.5 * (1 + Foundation.erf(x / 2.0.squareRoot())) }
        let cases: [(name: String, apply: (Tensor) -> Tensor, value: (Double) -> Double, slope: (Double) -> Double)] = [
            ("gelu", { $0.gelu() }, { $0 * cdf($0) }, { cdf($0) + $0 * phi($0) }),
            ("elu", { $0.elu() }, { $0 > 0 ? $0 : Foundation.exp($0) - 1 }, { $0 > 0 ? 1 : Foundation.exp($0) }),
            ("elu α=0.5", { $0.elu(alpha: 0.5) }, { $0 > 0 ? $0 : 0.5 * (Foundation.exp($0) - 1) }, { $0 > 0 ? 1 : 0.5 * Foundation.exp($0) }),
        ]
        for activation in cases {
            let x = data.tensor([count], -6, 6, requiresGrad: true)
            let y = activation.apply(x)
            try (y * upstream).sum().backward()
            let inputs = x.scalars.map(Double.init), gradients = upstream.scalars.map(Double.init)
            expectClose(y.scalars, inputs.map { Float(activation.value($0)) }, tolerance: 1e-5)
            expectClose(x.grad?.scalars ?? [], zip(inputs, gradients).map { Float(activation.slope($0) * $1) }, tolerance: 1e-5)
        }
    }

    // MARK: reductions

    @Test(arguments: [[0], [1], [2], [0, 2], [1, 2], [0, 1, 2], []])
    func reductions(axes: [Int]) {
        var data = TestData(seed: 7)
        let x = data.tensor([3, 1, 4], requiresGrad: true)
        let y = data.tensor([2, 3, 4], requiresGrad: true)
        for keep in [false, true] {
            checkGradients([x]) { $0[0].sum(alongAxes: axes, keepingDimensions: keep) }
            checkGradients([y]) { $0[0].sum(alongAxes: axes, keepingDimensions: keep) }
            checkGradients([y]) { $0[0].mean(alongAxes: axes, keepingDimensions: keep) }
            let distinct = data.distinct([2, 3, 4])
            checkGradients([distinct]) { $0[0].max(alongAxes: axes, keepingDimensions: keep) }
        }
    }

    // MARK: softmax family

    @Test(arguments: [-1, 0, 1])
    func softmaxAndLogSoftmax(axis: Int) {
        var data = TestData(seed: 8)
        let x = data.tensor([3, 5], -2, 2, requiresGrad: true)
        let mask = Tensor(shape: [1, 5], scalars: [1, 0, 1, 1, 0])
        checkGradients([x]) { $0[0].softmax(alongAxis: axis) }
        checkGradients([x]) { $0[0].logSoftmax(alongAxis: axis) }
        if axis != 0 {
            checkGradients([x]) { $0[0].softmax(alongAxis: axis, mask: mask) }
            checkGradients([x]) { $0[0].logSoftmax(alongAxis: axis, mask: mask).maskedFill(1 - mask, with: 0) }
        }
    }

    @Test func crossEntropy() {
        var data = TestData(seed: 9)
        let logits = data.tensor([4, 3], -2, 2, requiresGrad: true)
        checkGradients([logits]) { Tensor.crossEntropy(logits: $0[0], labels: [0, 2, 1, 2]) }
    }

    // MARK: normalisation

    /// Widths below and across the kernels' sixteen lanes.
    @Test(arguments: [6, 37])
    func layerNorm(width: Int) {
        var data = TestData(seed: 10)
        let x = data.tensor([2, 3, width], requiresGrad: true)
        let gamma = data.tensor([width], 0.5, 1.5, requiresGrad: true), beta = data.tensor([width], requiresGrad: true)
        checkGradients([x, gamma, beta]) { $0[0].layerNorm(gamma: $0[1], beta: $0[2]) }
    }

    @Test(arguments: [true, false])
    func batchNorm(training: Bool) {
        var data = TestData(seed: 11)
        let x = data.tensor([5, 3], requiresGrad: true)
        let gamma = data.tensor([3], 0.5, 1.5, requiresGrad: true), beta = data.tensor([3], requiresGrad: true)
        let statistics = BatchNormStatistics(features: 3)
        statistics.load(mean: data.tensor([3]), variance: data.tensor([3], 0.5, 2))
        checkGradients([x, gamma, beta]) {
            $0[0].batchNorm(gamma: $0[1], beta: $0[2], statistics: statistics, training: training)
        }
    }

    // MARK: shape ops

    @Test func reshapeExpandPermute() {
        var data = TestData(seed: 12)
        let x = data.tensor([2, 3, 4], requiresGrad: true)
        checkGradients([x]) { $0[0].reshaped(to: [4, -1]) }
        checkGradients([x]) { $0[0].permuted([2, 0, 1]) }
        checkGradients([x]) { $0[0].permuted([1, 0, 2]) }
        checkGradients([x]) { $0[0].transposed(0, 2) }
        let small = data.tensor([3, 1], requiresGrad: true)
        checkGradients([small]) { $0[0].expanded(to: [2, 3, 4]) }
    }

    @Test func concatenateSplitSlice() {
        var data = TestData(seed: 13)
        let a = data.tensor([2, 3, 2], requiresGrad: true), b = data.tensor([2, 1, 2], requiresGrad: true)
        checkGradients([a, b]) { Tensor.concatenate([$0[0], $0[1]], alongAxis: 1) }
        checkGradients([a]) { $0[0].split(sizes: [1, 2], alongAxis: 1)[1] * 3 }
        checkGradients([a]) {
            let parts = $0[0].split(sizes: [2, 0, 1], alongAxis: 1)
            return parts[0].sum(alongAxes: [1], keepingDimensions: true) * parts[2]
        }
        checkGradients([a]) { $0[0].slice(alongAxis: -1, from: 1, count: 1) }
    }

    @Test func gatherWithRepeats() {
        var data = TestData(seed: 14)
        let table = data.tensor([5, 3], requiresGrad: true)
        checkGradients([table]) { $0[0].gathering([4, 0, 4, 2], alongAxis: 0) }
        let x = data.tensor([2, 4], requiresGrad: true)
        checkGradients([x]) { $0[0].gathering([3, 1, 0, 2], alongAxis: -1) }
    }

    @Test func hadamard() {
        var data = TestData(seed: 15)
        let x = data.tensor([3, 8], requiresGrad: true)
        checkGradients([x]) { $0[0].hadamardTransform() }
        let single = data.tensor([1], requiresGrad: true)
        checkGradients([single]) { $0[0].hadamardTransform() }
    }

    @Test func whereAndMaskedFill() {
        var data = TestData(seed: 16)
        let a = data.tensor([3, 4], requiresGrad: true), b = data.tensor([4], requiresGrad: true)
        let condition = Tensor(shape: [3, 1], scalars: [1, 0, 1])
        checkGradients([a, b]) { Tensor.where(condition, $0[0], $0[1]) }
        let mask = Tensor(shape: [4], scalars: [0, 1, 0, 0])
        checkGradients([a]) { $0[0].maskedFill(mask, with: -3) }
    }

    @Test(arguments: [0, 1, -1])
    func cumulativeSum(axis: Int) {
        var data = TestData(seed: 17)
        let x = data.tensor([3, 4, 2], requiresGrad: true)
        checkGradients([x]) { $0[0].cumulativeSum(alongAxis: axis) }
        checkGradients([x]) { $0[0].cumulativeSum(alongAxis: axis, reverse: true) }
    }

    // MARK: matrix products

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matmulTransposes(transposes: (Bool, Bool)) {
        var data = TestData(seed: 18)
        let (ta, tb) = transposes
        let a = data.tensor(ta ? [4, 3] : [3, 4], requiresGrad: true)
        let b = data.tensor(tb ? [5, 4] : [4, 5], requiresGrad: true)
        checkGradients([a, b]) { Tensor.matmul($0[0], $0[1], transposeA: ta, transposeB: tb) }
        let batchedA = data.tensor(ta ? [2, 4, 3] : [2, 3, 4], requiresGrad: true)
        let batchedB = data.tensor(tb ? [2, 5, 4] : [2, 4, 5], requiresGrad: true)
        checkGradients([batchedA, batchedB]) { Tensor.matmul($0[0], $0[1], transposeA: ta, transposeB: tb) }
        // shared right operand (a linear layer) and shared left operand
        checkGradients([batchedA, b]) { Tensor.matmul($0[0], $0[1], transposeA: ta, transposeB: tb) }
        checkGradients([a, batchedB]) { Tensor.matmul($0[0], $0[1], transposeA: ta, transposeB: tb) }
    }

    @Test func matmulBroadcastBatchAndSizeOne() {
        var data = TestData(seed: 19)
        let a = data.tensor([2, 1, 3, 1], requiresGrad: true)
        let b = data.tensor([1, 3, 1, 2], requiresGrad: true)
        checkGradients([a, b]) { Tensor.matmul($0[0], $0[1]) }
    }

    // MARK: composite

    @Test func sharedInputAccumulatesThroughSeveralPaths() {
        var data = TestData(seed: 20)
        let x = data.tensor([3, 3], requiresGrad: true)
        checkGradients([x]) { x in (x[0] * x[0].exp() + Tensor.matmul(x[0], x[0])).tanh() }
    }
}

/// Gradient checks of the fused per-head projection.
@Suite struct HeadwiseProjectionTests {
    @Test func matchesPerHeadMatmulAndGradients() {
        var data = TestData(seed: 40)
        let x = data.tensor([2, 3, 4, 5], requiresGrad: true)        // (N, L, H, d)
        let w = data.tensor([4, 5, 6], requiresGrad: true)           // (H, d, M)
        let fused = Tensor.headwiseProjection(x, w)
        #expect(fused.shape == [2, 3, 4, 6])
        let reference = Tensor.matmul(x.permuted([2, 0, 1, 3]).reshaped(to: [4, 6, 5]), w)  // (H, N·L, M)
            .reshaped(to: [4, 2, 3, 6]).permuted([1, 2, 0, 3])
        expectClose(fused.scalars, reference.scalars, tolerance: 1e-5)
        checkGradients([x, w]) { Tensor.headwiseProjection($0[0], $0[1]) }
    }
}
