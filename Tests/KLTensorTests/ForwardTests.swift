import Foundation
import Testing
@testable import KLTensor
import KLTestSupport

/// Forward results against plain reference loops.
@Suite struct ForwardTests {
    @Test func broadcastAddMatchesIndexLoop() {
        var data = TestData(seed: 30)
        let a = data.tensor([2, 1, 4]), b = data.tensor([3, 1])
        let c = a + b
        #expect(c.shape == [2, 3, 4])
        var expected: [Float] = []
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { expected.append(a.scalars[i * 4 + k] + b.scalars[j]) } } }
        expectClose(c.scalars, expected, tolerance: 0)
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matmulMatchesTripleLoop(transposes: (Bool, Bool)) {
        var data = TestData(seed: 31)
        let (ta, tb) = transposes
        let (m, k, n) = (37, 19, 23)
        let a = data.tensor(ta ? [3, k, m] : [3, m, k]), b = data.tensor(tb ? [3, n, k] : [3, k, n])
        let c = Tensor.matmul(a, b, transposeA: ta, transposeB: tb)
        #expect(c.shape == [3, m, n])
        let av = a.scalars, bv = b.scalars
        var expected = [Float](repeating: 0, count: 3 * m * n)
        for batch in 0..<3 {
            for i in 0..<m {
                for j in 0..<n {
                    var s: Double = 0
                    for p in 0..<k {
                        let x = ta ? av[batch * k * m + p * m + i] : av[batch * m * k + i * k + p]
                        let y = tb ? bv[batch * n * k + j * k + p] : bv[batch * k * n + p * n + j]
                        s += Double(x) * Double(y)
                    }
                    expected[batch * m * n + i * n + j] = Float(s)
                }
            }
        }
        expectClose(c.scalars, expected, tolerance: 1e-5)
    }

    @Test func matmulWithEmptyInnerDimensionIsZero() {
        let c = Tensor.matmul(Tensor.zeros([2, 0]), Tensor.zeros([0, 3]))
        #expect(c.shape == [2, 3])
        #expect(c.scalars == [Float](repeating: 0, count: 6))
    }

    @Test func softmaxMatchesDefinitionAndHandlesMasks() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 1000, 1000, -1000])
        let y = x.softmax()
        let e = [1, 2, 3].map { Foundation.exp(Double($0) - 3) }
        let total = e.reduce(0, +)
        expectClose(Array(y.scalars[0..<3]), e.map { Float($0 / total) }, tolerance: 1e-6)
        expectClose(Array(y.scalars[3..<6]), [0.5, 0.5, 0], tolerance: 1e-6)
        let mask = Tensor(shape: [2, 3], scalars: [1, 0, 1, 0, 0, 0])
        let masked = x.softmax(mask: mask)
        let m = [Foundation.exp(-2.0), 1.0]
        expectClose(masked.scalars, [Float(m[0] / (m[0] + m[1])), 0, Float(m[1] / (m[0] + m[1])), 0, 0, 0], tolerance: 1e-6)
        let logMasked = x.logSoftmax(mask: mask).scalars
        #expect(logMasked[1] == -.infinity && logMasked[3] == -.infinity)
        expectClose([logMasked[0]], [Float(Foundation.log(m[0] / (m[0] + m[1])))], tolerance: 1e-6)
    }

    @Test func crossEntropyMatchesNegativeLogLikelihood() {
        let logits = Tensor(shape: [2, 3], scalars: [0, 1, 2, 3, 3, 3])
        let loss = Tensor.crossEntropy(logits: logits, labels: [2, 0]).item
        let first = -Foundation.log(Foundation.exp(2.0) / (1 + Foundation.exp(1.0) + Foundation.exp(2.0)))
        let second = -Foundation.log(1.0 / 3)
        #expect(abs(Double(loss) - (first + second) / 2) < 1e-6)
    }

    @Test func layerNormHasZeroMeanUnitVariance() {
        var data = TestData(seed: 32)
        let x = data.tensor([4, 16], -3, 5)
        let y = x.layerNorm(gamma: .ones([16]), beta: .zeros([16]), epsilon: 0)
        for row in 0..<4 {
            let values = y.scalars[(row * 16)..<((row + 1) * 16)].map(Double.init)
            let mean = values.reduce(0, +) / 16
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 16
            #expect(abs(mean) < 1e-5 && abs(variance - 1) < 1e-4)
        }
    }

    @Test func batchNormUpdatesRunningStatisticsLikePyTorch() {
        let x = Tensor(shape: [4, 1], scalars: [1, 2, 3, 6])
        let statistics = BatchNormStatistics(features: 1)
        let y = x.batchNorm(gamma: .ones([1]), beta: .zeros([1]), statistics: statistics, training: true)
        // batch mean 3, biased variance 3.5, unbiased 14/3
        expectClose(y.scalars, [1, 2, 3, 6].map { Float((Double($0) - 3) / (3.5 + 1e-5).squareRoot()) }, tolerance: 1e-5)
        expectClose(statistics.runningMean.scalars, [0.3], tolerance: 1e-6)
        expectClose(statistics.runningVariance.scalars, [Float(0.9 + 0.1 * 14.0 / 3)], tolerance: 1e-6)
        let evaluated = x.batchNorm(gamma: .ones([1]), beta: .zeros([1]), statistics: statistics, training: false)
        let scale = 1 / (0.9 + 0.1 * 14.0 / 3 + 1e-5).squareRoot()
        expectClose(evaluated.scalars, [1, 2, 3, 6].map { Float((Double($0) - 0.3) * scale) }, tolerance: 1e-5)
    }

    @Test func hadamardMatchesSylvesterMatrix() {
        let d = 16
        // Sylvester: H[i][j] = (−1)^popcount(i & j)
        let identity = Tensor(shape: [d, d], scalars: (0..<(d * d)).map { $0 / d == $0 % d ? 1 : 0 })
        let h = identity.hadamardTransform().scalars
        for i in 0..<d { for j in 0..<d { #expect(h[i * d + j] == ((i & j).nonzeroBitCount % 2 == 0 ? 1 : -1)) } }
    }

    @Test func permuteMatchesIndexArithmetic() {
        var data = TestData(seed: 33)
        let x = data.tensor([2, 3, 4, 5])
        let y = x.permuted([2, 0, 3, 1])
        #expect(y.shape == [4, 2, 5, 3])
        let xv = x.scalars, yv = y.scalars
        for a in 0..<4 { for b in 0..<2 { for c in 0..<5 { for d in 0..<3 {
            #expect(yv[((a * 2 + b) * 5 + c) * 3 + d] == xv[((b * 3 + d) * 4 + a) * 5 + c])
        } } } }
    }

    @Test func reductionsMatchLoops() {
        var data = TestData(seed: 34)
        let x = data.tensor([3, 4, 5])
        let v = x.scalars
        let sum02 = x.sum(alongAxes: [0, 2]).scalars
        let max1 = x.max(alongAxes: [1], keepingDimensions: true)
        #expect(max1.shape == [3, 1, 5])
        for j in 0..<4 {
            var s: Float = 0
            for i in 0..<3 { for k in 0..<5 { s += v[(i * 4 + j) * 5 + k] } }
            #expect(abs(sum02[j] - s) < 1e-5)
        }
        for i in 0..<3 { for k in 0..<5 {
            #expect(max1.scalars[i * 5 + k] == (0..<4).map { v[(i * 4 + $0) * 5 + k] }.max()!)
        } }
        let total = x.mean().item
        #expect(abs(total - v.reduce(0, +) / 60) < 1e-6)
    }

    /// The maximum with and without a gradient to record (two code paths), over the last axis
    /// (long enough for the 16-lane scan) and a middle one: the largest non-NaN value, NaN only
    /// where every value is NaN, −∞ where every value is −∞.
    @Test func maximumSkipsNaNUnlessEveryValueIsNaN() {
        var data = TestData(seed: 35)
        var values = data.tensor([4, 37]).scalars
        for j in 0..<37 { values[37 + j] = .nan; values[2 * 37 + j] = -.infinity }
        values[3 * 37 + 5] = .nan
        values[3 * 37 + 30] = 9
        let expected: [Float] = [values[0..<37].max()!, .nan, -.infinity, 9]
        func same(_ a: [Float], _ b: [Float]) -> Bool { zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) } && a.count == b.count }
        let plain = Tensor(shape: [4, 37], scalars: values)
        let tracked = Tensor(shape: [4, 37], scalars: values, requiresGrad: true)
        #expect(same(plain.max(alongAxes: [1]).scalars, expected))
        #expect(same(tracked.max(alongAxes: [1]).scalars, expected))
        // The middle axis of (37, 4, 1) ≅ each row's values at stride 4.
        let columns = Tensor(shape: [4, 37], scalars: values).transposed(0, 1).reshaped(to: [1, 37, 4])
        #expect(same(columns.max(alongAxes: [1]).scalars, expected))
        let trackedColumns = Tensor(shape: [1, 37, 4], scalars: columns.scalars, requiresGrad: true)
        #expect(same(trackedColumns.max(alongAxes: [1]).scalars, expected))
    }

    @Test func cumulativeSumMatchesPrefixSums() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(x.cumulativeSum(alongAxis: 1).scalars == [1, 3, 6, 4, 9, 15])
        #expect(x.cumulativeSum(alongAxis: 0).scalars == [1, 2, 3, 5, 7, 9])
        #expect(x.cumulativeSum(alongAxis: 1, reverse: true).scalars == [6, 5, 3, 15, 11, 6])
    }

    @Test func concatenateSliceGatherWhere() {
        let a = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), b = Tensor(shape: [2, 1], scalars: [9, 8])
        #expect(Tensor.concatenate([a, b], alongAxis: 1).scalars == [1, 2, 9, 3, 4, 8])
        #expect(a.slice(alongAxis: 0, from: 1, count: 1).scalars == [3, 4])
        #expect(a.gathering([1, 1, 0], alongAxis: 0).scalars == [3, 4, 3, 4, 1, 2])
        #expect(Tensor.where(Tensor(shape: [2], scalars: [0, 1]), a, Tensor(-1)).scalars == [-1, 2, -1, 4])
        #expect(a.maskedFill(Tensor(shape: [2, 1], scalars: [1, 0]), with: 0).scalars == [0, 0, 3, 4])
    }

    @Test func elementwiseFunctionsMatchFoundation() {
        var data = TestData(seed: 35)
        let x = data.tensor([1000], -4, 4)
        let v = x.scalars.map(Double.init)
        expectClose(x.exp().scalars, v.map { Float(Foundation.exp($0)) }, tolerance: 1e-5)
        expectClose(x.sin().scalars, v.map { Float(Foundation.sin($0)) }, tolerance: 1e-5)
        expectClose(x.cos().scalars, v.map { Float(Foundation.cos($0)) }, tolerance: 1e-5)
        expectClose(x.tanh().scalars, v.map { Float(Foundation.tanh($0)) }, tolerance: 1e-5)
        expectClose(x.sigmoid().scalars, v.map { Float(1 / (1 + Foundation.exp(-$0))) }, tolerance: 1e-5)
        expectClose(x.gelu().scalars, v.map { Float(0.5 * $0 * (1 + Foundation.erf($0 / 2.0.squareRoot()))) }, tolerance: 1e-5)
        expectClose(x.elu().scalars, v.map { Float($0 > 0 ? $0 : Foundation.exp($0) - 1) }, tolerance: 1e-5)
        // The offset is the sum's bits: elu + 1 in one pass.
        #expect(x.elu(plus: 1).scalars.map(\.bitPattern) == (x.elu() + 1).scalars.map(\.bitPattern))
        let positive = data.tensor([1000], 0.01, 100)
        expectClose(positive.log().scalars, positive.scalars.map { Float(Foundation.log(Double($0))) }, tolerance: 1e-5)
        expectClose(positive.rsqrt().scalars, positive.scalars.map { Float(1 / Double($0).squareRoot()) }, tolerance: 1e-5)
    }

    /// Few sums over a long axis (a bias gradient's shape) run in blocks of the axis in parallel:
    /// they match the sums in Double and give the same bits on one thread as on several.
    @Test func longSumsMatchDoubleOnAnyThreadCount() {
        var data = TestData(seed: 37)
        let x = data.tensor([3, 70_001, 5]), y = data.tensor([200_003])
        let values = x.scalars.map(Double.init)
        var expected = [Double](repeating: 0, count: 15)
        for o in 0..<3 { for s in 0..<70_001 { for i in 0..<5 { expected[o * 5 + i] += values[(o * 70_001 + s) * 5 + i] } } }
        let parallel = (x.sum(alongAxes: [1]).scalars, y.sum().scalars)
        expectClose(parallel.0, expected.map(Float.init), tolerance: 1e-3)
        expectClose(parallel.1, [Float(y.scalars.map(Double.init).reduce(0, +))], tolerance: 1e-3)
        let saved = Parallel.threadCount
        Parallel.threadCount = 1
        defer { Parallel.threadCount = saved }
        #expect(x.sum(alongAxes: [1]).scalars == parallel.0 && y.sum().scalars == parallel.1)
    }

    @Test func largeOpsGiveTheSameResultOnOneOrTwoThreads() {
        var data = TestData(seed: 36)
        let x = data.tensor([64, 1024]), y = data.tensor([1024])
        let parallel = ((x * y).exp().softmax() + x.permuted([1, 0]).transposed()).scalars
        let saved = Parallel.threadCount
        Parallel.threadCount = 1
        defer { Parallel.threadCount = saved }
        let serial = ((x * y).exp().softmax() + x.permuted([1, 0]).transposed()).scalars
        #expect(parallel == serial)
    }
}
