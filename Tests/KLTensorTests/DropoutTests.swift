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

    /// The AVX-512 kernel transposes 16 blocks' words at a time into element order: it gives the
    /// portable loop's values and bytes at every offset into a block and length around 64,
    /// negative inputs and zeros included (a dropped −x gives −0, as x·0 does).
    @Test func vectorKernelMatchesThePortableLoop() {
        var data = TestData(seed: 63)
        let lanes = (0..<4).map { _ in (0..<40).map { _ in UInt32(truncatingIfNeeded: data.next()) } }
        let x = (0..<160).map { i in i % 9 == 0 ? Float(0) : Float(data.unit() * 4 - 2) }
        let threshold = UInt32(0.6 * 0x1p32)
        for offset in 0..<5 {
            for n in [0, 1, 3, 63, 64, 65, 130, 160 - offset] {
                var results: [[UInt32]] = []
                for level in [Int32(0), 2] {
                    var y = [Float](repeating: .nan, count: n), keep = [UInt8](repeating: 9, count: n)
                    _ = kl_dropout_forward_at_level(level, lanes[0], lanes[1], lanes[2], lanes[3], offset, n, threshold, 2.5,
                                                    x, &y, &keep)
                    let expected = (0..<n).map { i in lanes[(offset + i) % 4][(offset + i) / 4] < threshold }
                    #expect(keep == expected.map { $0 ? 1 : 0 }, "level \(level) offset \(offset) n \(n)")
                    #expect(zip(y, zip(x, expected)).allSatisfy { $0.bitPattern == ($1.0 * ($1.1 ? 2.5 : 0)).bitPattern })
                    results.append(y.map(\.bitPattern))
                }
                #expect(results[0] == results[1], "offset \(offset) n \(n)")
            }
        }
    }
}
