import CKLKernels
import KLTestSupport
import Testing
@testable import KLTensor

/// The fused dropout keeps exactly the elements `fillBernoulli` keeps, with the same generator
/// state after, and gives the bits of multiplying by that float mask forward and backward.
@Suite struct DropoutTests {
    /// x ⊙ m and g ⊙ m with m the scaled mask `fillBernoulli` draws from a copy of the generator,
    /// on a length that is not a multiple of four or of the chunk, on one thread and two.
    @Test(arguments: [1, 2])
    func valuesAndGradientAreTheFloatMasksBits(threads: Int) throws {
        let saved = Parallel.threadCount
        Parallel.threadCount = threads
        defer { Parallel.threadCount = saved }
        var data = TestData(seed: 61)
        let shape = [3, 70_001]
        let x = data.tensor(shape, -2, 2, requiresGrad: true), upstream = data.tensor(shape)
        let p: Float = 0.3
        var generator = RandomGenerator(seed: 9), reference = generator
        let y = x.dropout(probability: p, generator: &generator)
        try (y * upstream).sum().backward()

        let mask = Tensor.uninitialized(shape)
        reference.fillBernoulli(mask.storage.buffer, probability: 1 - p, value: 1 / (1 - p))
        #expect(generator == reference)
        #expect(y.scalars.map(\.bitPattern) == zip(x.scalars, mask.scalars).map { ($0 * $1).bitPattern })
        let gradient = try #require(x.grad)
        #expect(gradient.scalars.map(\.bitPattern) == zip(upstream.scalars, mask.scalars).map { ($0 * $1).bitPattern })
        let keptFraction = Double(mask.scalars.filter { $0 != 0 }.count) / Double(mask.count)
        #expect(abs(keptFraction - 0.7) < 0.005)
    }

    /// Outside training and at p = 0 it is the identity, drawing nothing; with a fixed mask the
    /// gradient passes a finite-difference check.
    @Test func identityWhenOffAndFiniteDifferences() {
        var data = TestData(seed: 62)
        let x = data.tensor([4, 5], requiresGrad: true)
        var generator = RandomGenerator(seed: 3)
        let untouched = generator
        #expect(x.dropout(probability: 0.5, generator: &generator, training: false) === x)
        #expect(x.dropout(probability: 0, generator: &generator) === x)
        #expect(generator == untouched)
        checkGradients([x]) { inputs in
            var fixed = RandomGenerator(seed: 4)
            return inputs[0].dropout(probability: 0.4, generator: &fixed)
        }
    }

    /// Dropout added to a residual gives the bits, gradients and generator state of `residual +
    /// x.dropout(…)`, on one thread and two; outside training it is the plain sum, drawing nothing;
    /// and its gradients pass a finite-difference check.
    @Test(arguments: [1, 2])
    func residualDropoutIsTheSumOfTheTwoOps(threads: Int) throws {
        let saved = Parallel.threadCount
        Parallel.threadCount = threads
        defer { Parallel.threadCount = saved }
        var data = TestData(seed: 64)
        let shape = [3, 70_001]
        let x = data.tensor(shape, -2, 2, requiresGrad: true), residual = data.tensor(shape, -3, 3, requiresGrad: true)
        let upstream = data.tensor(shape)
        var generator = RandomGenerator(seed: 19), reference = generator
        let fused = x.dropout(probability: 0.25, generator: &generator, addedTo: residual)
        try (fused * upstream).sum().backward()
        let (fusedX, fusedResidual) = (try #require(x.grad).scalars, try #require(residual.grad).scalars)
        x.grad = nil
        residual.grad = nil
        let separate = residual + x.dropout(probability: 0.25, generator: &reference)
        try (separate * upstream).sum().backward()
        #expect(generator == reference)
        #expect(fused.scalars.map(\.bitPattern) == separate.scalars.map(\.bitPattern))
        #expect(fusedX.map(\.bitPattern) == (try #require(x.grad)).scalars.map(\.bitPattern))
        #expect(fusedResidual.map(\.bitPattern) == (try #require(residual.grad)).scalars.map(\.bitPattern))

        let untouched = generator
        let evaluation = x.dropout(probability: 0.25, generator: &generator, training: false, addedTo: residual)
        #expect(evaluation.scalars == (residual + x).scalars && generator == untouched)
        let small = data.tensor([4, 5], requiresGrad: true), base = data.tensor([4, 5], requiresGrad: true)
        checkGradients([small, base]) { inputs in
            var fixed = RandomGenerator(seed: 5)
            return inputs[0].dropout(probability: 0.4, generator: &fixed, addedTo: inputs[1])
        }
    }

    /// The AVX-512 kernel transposes 16 blocks' words at a time into element order: it gives the
    /// portable loop's values and bytes at every offset into a block and length around 64,
    /// negative inputs and zeros included (a dropped −x gives −0, as x·0 does), with and without
    /// a residual added.
    @Test func vectorKernelMatchesThePortableLoop() {
        var data = TestData(seed: 63)
        let lanes = (0..<4).map { _ in (0..<40).map { _ in UInt32(truncatingIfNeeded: data.next()) } }
        let x = (0..<160).map { i in i % 9 == 0 ? Float(0) : Float(data.unit() * 4 - 2) }
        let r = (0..<160).map { _ in Float(data.unit() * 6 - 3) }
        let threshold = UInt32(0.6 * 0x1p32)
        for offset in 0..<5 {
            for n in [0, 1, 3, 63, 64, 65, 130, 160 - offset] {
                var results: [[UInt32]] = []
                for (level, residual) in [(Int32(0), nil), (2, nil), (0, r), (2, r)] as [(Int32, [Float]?)] {
                    var y = [Float](repeating: .nan, count: n), keep = [UInt8](repeating: 9, count: n)
                    let added: [Float] = residual ?? []
                    added.withUnsafeBufferPointer { added in
                        _ = kl_dropout_forward_at_level(level, lanes[0], lanes[1], lanes[2], lanes[3], offset, n, threshold, 2.5,
                                                        x, residual == nil ? nil : added.baseAddress, &y, &keep)
                    }
                    let expected = (0..<n).map { i in lanes[(offset + i) % 4][(offset + i) / 4] < threshold }
                    #expect(keep == expected.map { $0 ? 1 : 0 }, "level \(level) offset \(offset) n \(n)")
                    let dropped = zip(x, expected).map { $0 * ($1 ? 2.5 : 0) }
                    let sums = residual.map { zip($0, dropped).map { $0 + $1 } } ?? dropped
                    #expect(zip(y, sums).allSatisfy { $0.bitPattern == $1.bitPattern })
                    results.append(y.map(\.bitPattern))
                }
                #expect(results[2] == results[3], "offset \(offset) n \(n), residual")
                #expect(results[0] == results[1], "offset \(offset) n \(n)")
            }
        }
    }
}
