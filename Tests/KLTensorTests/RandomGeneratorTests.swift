import CKLKernels
import Foundation
import Testing

@testable import KLTensor

/// Mean, variance and the mean of a function of the samples, in `Double`.
private func mean(_ values: [Float], _ transform: (Double) -> Double = { $0 }) -> Double {
    values.reduce(0.0) { $0 + transform(Double($1)) } / Double(values.count)
}

/// Checks `|actual - expected| <= 5 · standardError`, with a readable failure message.
private func expectNear(
    _ actual: Double, _ expected: Double, standardError: Double, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(
        abs(actual - expected) <= 5 * standardError,
        "\(what): \(actual), expected \(expected) ± \(5 * standardError)", sourceLocation: sourceLocation)
}

@Suite struct RandomGeneratorTests {
    // MARK: Philox known answers

    /// The Philox4x32-10 vectors of Random123's kat_vectors file.
    @Test func philoxKnownAnswers() {
        let cases: [(counter: [UInt32], key: [UInt32], expected: [UInt32])] = [
            ([0, 0, 0, 0], [0, 0], [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8]),
            (
                [0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff], [0xffff_ffff, 0xffff_ffff],
                [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd]
            ),
            (
                [0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344], [0xa409_3822, 0x299f_31d0],
                [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1]
            ),
        ]
        for (c, k, expected) in cases {
            let out = Philox4x32.block(c[0], c[1], c[2], c[3], key: k[0], k[1])
            #expect([out.0, out.1, out.2, out.3] == expected)
            // The same block through the generator: key word 0 low, counter word 0 least significant.
            var generator = RandomGenerator(
                state: .init(
                    key: UInt64(k[1]) << 32 | UInt64(k[0]),
                    counterLow: UInt64(c[1]) << 32 | UInt64(c[0]),
                    counterHigh: UInt64(c[3]) << 32 | UInt64(c[2])))
            let block = generator.nextBlock()
            #expect([block.0, block.1, block.2, block.3] == expected)
        }
    }

    /// The bulk path (lanes, 128-bit counter increments with carry) agrees with the scalar block.
    @Test func bulkBlocksMatchScalarBlocksAcrossCarry() {
        let first = PhiloxCounter(low: UInt64.max - 2, high: 7)
        let key: UInt64 = 0x1234_5678_9abc_def0
        var words = [UInt32](repeating: 0, count: 24)
        words.withUnsafeMutableBufferPointer { w in
            let p = w.baseAddress!
            Philox4x32.blocks(first: first, count: 6, key: key, p, p + 6, p + 12, p + 18)
        }
        for j in 0..<6 {
            let expected = Philox4x32.block(counter: first.advanced(by: UInt64(j)), key: key)
            #expect([words[j], words[6 + j], words[12 + j], words[18 + j]] == [expected.0, expected.1, expected.2, expected.3])
        }
        #expect(first.advanced(by: 3) == PhiloxCounter(low: 0, high: 8))
    }

    /// The vectorised block loop at every instruction-set level this CPU has: the scalar block's
    /// words for counts that fill and do not fill the vector lanes, across a carry into the high half.
    @Test(arguments: [Int32(0), 1, 2])
    func bulkBlocksAtEveryLevel(level: Int32) {
        let first = PhiloxCounter(low: UInt64.max - 20, high: 0xffff_ffff_ffff_fffe)
        let key: UInt64 = 0x0f1e_2d3c_4b5a_6978
        for count in [1, 3, 16, 37] {
            var words = [UInt32](repeating: 0, count: 4 * count + 1)
            let used = words.withUnsafeMutableBufferPointer { w in
                let p = w.baseAddress!
                return kl_philox_blocks_at_level(level, first.low, first.high, key, count, p, p + count, p + 2 * count, p + 3 * count)
            }
            #expect(Int(used) == min(Int(level), Int(kl_vmath_max_level())))
            for j in 0..<count {
                let expected = Philox4x32.block(counter: first.advanced(by: UInt64(j)), key: key)
                #expect([words[j], words[count + j], words[2 * count + j], words[3 * count + j]]
                        == [expected.0, expected.1, expected.2, expected.3], "level \(level), count \(count), block \(j)")
            }
            #expect(words[4 * count] == 0, "level \(level): wrote past the last lane")
        }
    }

    // MARK: Box–Muller math

    /// The hand-written logarithm is within a few ulps of the C library's over all of (0, 1].
    @Test func logarithmAccuracy() {
        var generator = RandomGenerator(seed: 21)
        var worst = 0.0
        for i in 0..<100_000 {
            // Spread over every binade down to 2^-32, plus values just below 1.
            let u = i % 2 == 0
                ? Float(Int32(bitPattern: generator.nextUInt32() >> 1)) * 0x1p-31 + 0x1p-32
                : 1 - Float(generator.nextInt(below: 1 << 16)) * 0x1p-24
            let approximate = Double(BoxMuller.logUnitInterval(u))
            let exact = log(Double(u))
            let error = abs(approximate - exact) / max(abs(exact), 1e-30)
            worst = max(worst, error)
        }
        #expect(BoxMuller.logUnitInterval(1) == 0)
        #expect(worst <= 4 * Double(Float.ulpOfOne), "worst relative error \(worst)")
    }

    /// Each Box–Muller pair matches the same transform done in `Double` with the C library.
    @Test func boxMullerMatchesDoubleReference() {
        var generator = RandomGenerator(seed: 22)
        var worst = 0.0
        for _ in 0..<100_000 {
            let a = generator.nextUInt32(), b = generator.nextUInt32()
            let (x, y) = BoxMuller.pair(a, b)
            let u = Double(Float(Int32(bitPattern: a >> 1)) * 0x1p-31 + 0x1p-32)
            let radius = (-2 * log(u)).squareRoot()
            let t = Double((b >> 8) & 0x3F_FFFF) * 0x1p-22
            let theta = (Double(b >> 30) + t - 0.5) * Double.pi / 2
            let error = max(abs(Double(x) - radius * cos(theta)), abs(Double(y) - radius * sin(theta)))
            worst = max(worst, error / max(1, radius))
        }
        #expect(worst <= 1e-6, "worst error \(worst)")
    }

    // MARK: Reproducibility and advancing

    @Test func sameSeedSameSequence() {
        var a = RandomGenerator(seed: 2024)
        var b = RandomGenerator(seed: 2024)
        for _ in 0..<100 {
            #expect(a.nextUInt64() == b.nextUInt64())
        }
        #expect(a.normal(count: 1001) == b.normal(count: 1001))
        #expect(a.uniform(count: 37, low: -2, high: 3) == b.uniform(count: 37, low: -2, high: 3))
        #expect(a.permutation(50) == b.permutation(50))
        #expect(a.chi(degreesOfFreedom: 5, count: 9) == b.chi(degreesOfFreedom: 5, count: 9))
        #expect(a.orthogonalGaussianBlocks(rows: 10, columns: 4) == b.orthogonalGaussianBlocks(rows: 10, columns: 4))
        #expect(a == b)
    }

    @Test func differentSeedsDiffer() {
        var a = RandomGenerator(seed: 1)
        var b = RandomGenerator(seed: 2)
        #expect(a.normal(count: 64) != b.normal(count: 64))
        let wordsA = (0..<16).map { _ in a.nextUInt32() }
        let wordsB = (0..<16).map { _ in b.nextUInt32() }
        #expect(wordsA != wordsB)
    }

    @Test func consecutiveCallsGiveFreshNumbers() {
        var generator = RandomGenerator(seed: 3)
        let first = generator.normal(count: 10)
        let second = generator.normal(count: 10)
        #expect(first != second)
        #expect(generator.nextFloat() != generator.nextFloat())
    }

    /// Documented counter use: one block per scalar draw, ceil(n/4) per bulk fill.
    @Test func counterAdvancesAsDocumented() {
        var generator = RandomGenerator(seed: 9)
        _ = generator.nextUInt32()
        #expect(generator.state.counterLow == 1)
        _ = generator.nextDouble()
        #expect(generator.state.counterLow == 2)
        _ = generator.normal(count: 10)  // 3 blocks
        #expect(generator.state.counterLow == 5)
        _ = generator.bernoulli(count: 8, probability: 0.5)  // 2 blocks
        #expect(generator.state.counterLow == 7)
        _ = generator.chi(degreesOfFreedom: 3, count: 3)  // 9 normals: 3 blocks
        #expect(generator.state.counterLow == 10)
        _ = generator.orthogonalGaussianBlocks(rows: 3, columns: 2)  // 12 normals: 3 blocks
        #expect(generator.state.counterLow == 13)
        _ = generator.nextInt(below: 10)  // one word: one block
        #expect(generator.state.counterLow == 14)
        _ = generator.permutation(9)  // 8 words: 2 blocks
        #expect(generator.state.counterLow == 16)

        var wrapping = RandomGenerator(state: .init(key: 1, counterLow: .max, counterHigh: 0))
        _ = wrapping.uniform(count: 8)
        #expect(wrapping.state.counterLow == 1 && wrapping.state.counterHigh == 1)
    }

    /// Element i depends only on its index: a short fill is a prefix of a long one, and any range
    /// computed on its own matches the same range of a full fill.
    @Test func elementsDependOnlyOnTheirIndex() {
        let start = RandomGenerator(seed: 77)
        var short = start, long = start
        #expect(short.normal(count: 13) == Array(long.normal(count: 1000).prefix(13)))
        short = start; long = start
        #expect(short.uniform(count: 5) == Array(long.uniform(count: 999).prefix(5)))

        var full = start
        let all = full.normal(count: 2000)
        let first = start.counter
        for range in [0..<1, 3..<17, 255..<257, 1021..<2000, 1999..<2000] {
            var piece = [Float](repeating: .nan, count: range.count)
            piece.withUnsafeMutableBufferPointer { buffer in
                RandomGenerator.generate(
                    NormalKernel.standard, key: start.state.key, first: first, elements: range,
                    into: buffer.baseAddress!)
            }
            #expect(piece == Array(all[range]))
        }
    }

    // MARK: State capture

    @Test func savedStateResumesTheStream() throws {
        var generator = RandomGenerator(seed: 0xFEED_FACE_CAFE_BEEF)
        _ = generator.normal(count: 123)
        _ = generator.nextUInt64()
        let saved = generator.state
        let data = try JSONEncoder().encode(generator)
        let expected = (generator.normal(count: 50), generator.nextUInt64(), generator.permutation(20))

        let decoded = try JSONDecoder().decode(RandomGenerator.self, from: data)
        #expect(decoded.state == saved)
        var resumed = decoded
        #expect(resumed.normal(count: 50) == expected.0)
        #expect(resumed.nextUInt64() == expected.1)
        #expect(resumed.permutation(20) == expected.2)

        var reassigned = RandomGenerator(seed: 0)
        reassigned.state = saved
        #expect(reassigned.normal(count: 50) == expected.0)

        let stateData = try JSONEncoder().encode(saved)
        #expect(try JSONDecoder().decode(RandomGenerator.State.self, from: stateData) == saved)
    }

    // MARK: Scalars

    @Test func scalarRanges() {
        var generator = RandomGenerator(seed: 5)
        for _ in 0..<10_000 {
            let f = generator.nextFloat()
            #expect(f >= 0 && f < 1)
            let d = generator.nextDouble()
            #expect(d >= 0 && d < 1)
        }
        let floats = (0..<100_000).map { _ in generator.nextFloat() }
        expectNear(mean(floats), 0.5, standardError: (1.0 / 12 / 1e5).squareRoot(), "nextFloat mean")
        let doubles = (0..<100_000).map { _ in generator.nextDouble() }
        expectNear(doubles.reduce(0, +) / 1e5, 0.5, standardError: (1.0 / 12 / 1e5).squareRoot(), "nextDouble mean")
    }

    @Test func boundedIntegersAreInRangeAndUniform() {
        var generator = RandomGenerator(seed: 6)
        let bound = 7, trials = 70_000
        var counts = [Int](repeating: 0, count: bound)
        for _ in 0..<trials {
            let value = generator.nextInt(below: bound)
            #expect((0..<bound).contains(value))
            counts[value] += 1
        }
        let p = 1.0 / Double(bound)
        for count in counts {
            expectNear(Double(count), Double(trials) * p, standardError: (Double(trials) * p * (1 - p)).squareRoot(), "bin count")
        }
        #expect(generator.nextInt(below: 1) == 0)
        let big = Int(1) << 40 + 12_345
        var sum = 0.0
        for _ in 0..<10_000 {
            let value = generator.nextInt(below: big)
            #expect(value >= 0 && value < big)
            sum += Double(value) / Double(big)
        }
        expectNear(sum / 1e4, 0.5, standardError: (1.0 / 12 / 1e4).squareRoot(), "64-bit bounded mean")
    }

    // MARK: Distributions

    @Test func uniformMoments() {
        var generator = RandomGenerator(seed: 11)
        let n = 500_000
        let u = generator.uniform(count: n)
        #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
        expectNear(mean(u), 0.5, standardError: (1.0 / 12 / Double(n)).squareRoot(), "uniform mean")
        expectNear(
            mean(u) { ($0 - 0.5) * ($0 - 0.5) }, 1.0 / 12,
            standardError: ((1.0 / 80 - 1.0 / 144) / Double(n)).squareRoot(), "uniform variance")

        let shifted = generator.uniform(count: 100_000, low: -3, high: 5)
        #expect(shifted.allSatisfy { $0 >= -3 && $0 < 5 })
        expectNear(mean(shifted), 1, standardError: (64.0 / 12 / 1e5).squareRoot(), "uniform(-3, 5) mean")
        #expect(generator.uniform(count: 10, low: 2, high: 2) == [Float](repeating: 2, count: 10))
    }

    @Test func normalMoments() {
        var generator = RandomGenerator(seed: 12)
        let n = 1_000_000
        let z = generator.normal(count: n)
        #expect(z.allSatisfy { $0.isFinite })
        let count = Double(n)
        expectNear(mean(z), 0, standardError: (1 / count).squareRoot(), "normal mean")
        expectNear(mean(z) { $0 * $0 }, 1, standardError: (2 / count).squareRoot(), "normal variance")
        expectNear(mean(z) { $0 * $0 * $0 * $0 }, 3, standardError: (96 / count).squareRoot(), "normal fourth moment")
        expectNear(mean(z) { $0 * $0 * $0 }, 0, standardError: (15 / count).squareRoot(), "normal third moment")
        let tail = Double(z.lazy.filter { abs($0) > 1.96 }.count) / count
        let p = 0.049_995_790_296_440_9  // P(|Z| > 1.96)
        expectNear(tail, p, standardError: (p * (1 - p) / count).squareRoot(), "fraction beyond 1.96")
        // Each half of a Box–Muller pair, and the two pairs of a block, look alike.
        for offset in 0..<4 {
            let lane = stride(from: offset, to: n, by: 4).map { z[$0] }
            expectNear(mean(lane) { $0 * $0 }, 1, standardError: (8 / count).squareRoot(), "variance of lane \(offset)")
        }

        let scaled = generator.normal(count: 200_000, mean: 3, standardDeviation: 0.5)
        expectNear(mean(scaled), 3, standardError: 0.5 / 200_000.0.squareRoot(), "N(3, 0.25) mean")
        expectNear(
            mean(scaled) { ($0 - 3) * ($0 - 3) }, 0.25, standardError: 0.25 * (2 / 200_000.0).squareRoot(),
            "N(3, 0.25) variance")
    }

    @Test func rademacherAndBernoulli() {
        var generator = RandomGenerator(seed: 13)
        let n = 300_000
        let signs = generator.rademacher(count: n)
        #expect(signs.allSatisfy { $0 == 1 || $0 == -1 })
        expectNear(mean(signs), 0, standardError: (1 / Double(n)).squareRoot(), "Rademacher mean")

        for p: Float in [0.1, 0.5, 0.9] {
            let mask = generator.bernoulli(count: n, probability: p)
            #expect(mask.allSatisfy { $0 == 0 || $0 == 1 })
            let rate = Double(p)
            expectNear(mean(mask), rate, standardError: (rate * (1 - rate) / Double(n)).squareRoot(), "Bernoulli(\(p)) rate")
        }
        #expect(generator.bernoulli(count: 1000, probability: 0).allSatisfy { $0 == 0 })
        #expect(generator.bernoulli(count: 1000, probability: 1).allSatisfy { $0 == 1 })
    }

    @Test(arguments: [1, 2, 3, 16, 64])
    func chiMean(degreesOfFreedom d: Int) {
        var generator = RandomGenerator(seed: 14 + UInt64(d))
        let n = 20_000
        let samples = generator.chi(degreesOfFreedom: d, count: n)
        #expect(samples.count == n && samples.allSatisfy { $0 >= 0 && $0.isFinite })
        let expected = 2.0.squareRoot() * exp(lgamma(Double(d + 1) / 2) - lgamma(Double(d) / 2))
        let variance = Double(d) - expected * expected
        expectNear(mean(samples), expected, standardError: (variance / Double(n)).squareRoot(), "chi(\(d)) mean")
        expectNear(
            mean(samples) { $0 * $0 }, Double(d), standardError: (2 * Double(d) / Double(n)).squareRoot(),
            "chi(\(d)) mean square")
    }

    @Test func permutationsArePermutationsWithUniformPositions() {
        var generator = RandomGenerator(seed: 15)
        #expect(generator.permutation(0) == [])
        #expect(generator.permutation(1) == [0])
        let big = generator.permutation(10_000)
        #expect(big.sorted() == Array(0..<10_000))
        #expect(big != Array(0..<10_000))

        let n = 8, trials = 40_000
        var counts = [[Int]](repeating: [Int](repeating: 0, count: n), count: n)
        for _ in 0..<trials {
            let perm = generator.permutation(n)
            #expect(perm.sorted() == Array(0..<n))
            for (position, value) in perm.enumerated() { counts[position][value] += 1 }
        }
        let p = 1.0 / Double(n)
        let expected = Double(trials) * p, standardError = (Double(trials) * p * (1 - p)).squareRoot()
        for position in 0..<n {
            for value in 0..<n {
                expectNear(Double(counts[position][value]), expected, standardError: standardError, "count of \(value) at \(position)")
            }
        }

        var letters = Array("abcdefghij")
        generator.shuffle(&letters)
        #expect(letters.sorted() == Array("abcdefghij"))
        var slice = Array(0..<20)[5..<15]
        generator.shuffle(&slice)
        #expect(slice.sorted() == Array(5..<15))
    }

    @Test(arguments: [(300, 64), (10, 200), (5, 1), (64, 8), (0, 4)])
    func orthogonalGaussianBlocks(rows: Int, columns: Int) {
        var generator = RandomGenerator(seed: 16)
        let matrix = generator.orthogonalGaussianBlocks(rows: rows, columns: columns)
        #expect(matrix.count == rows * columns)
        func row(_ r: Int) -> ArraySlice<Float> { matrix[(r * columns)..<((r + 1) * columns)] }
        func dot(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
            zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        let norms = (0..<rows).map { dot(row($0), row($0)).squareRoot() }
        for r in 0..<rows {
            let blockStart = r / columns * columns
            for s in blockStart..<r {
                let d = dot(row(r), row(s))
                #expect(abs(d) <= 1e-4 * norms[r] * norms[s], "rows \(r), \(s): dot \(d)")
            }
        }
        // Squared norms are chi-squared with `columns` degrees of freedom, independent across rows.
        guard rows > 0 else { return }
        let meanSquare = norms.reduce(0.0) { $0 + $1 * $1 } / Double(rows)
        expectNear(
            meanSquare, Double(columns), standardError: (2 * Double(columns) / Double(rows)).squareRoot(),
            "mean squared row norm")
    }

    /// With rows sharing a block, the entries are still marginally standard normal.
    @Test func orthogonalFeaturesAreMarginallyStandardNormal() {
        var generator = RandomGenerator(seed: 17)
        let columns = 16, rows = 16 * 1000
        let matrix = generator.orthogonalGaussianBlocks(rows: rows, columns: columns)
        // The first coordinate of each row: independent across blocks, identically N(0, 1).
        let firsts = (0..<rows).map { matrix[$0 * columns] }
        let n = Double(rows)
        // Rows of one block are dependent, so allow for it with a generous (2×) standard error.
        expectNear(mean(firsts), 0, standardError: 2 / n.squareRoot(), "first coordinate mean")
        expectNear(mean(firsts) { $0 * $0 }, 1, standardError: 2 * (2 / n).squareRoot(), "first coordinate variance")
        expectNear(mean(firsts) { $0 * $0 * $0 * $0 }, 3, standardError: 2 * (96 / n).squareRoot(), "first coordinate fourth moment")
    }

    @Test func standardLibraryInterop() {
        var generator = RandomGenerator(seed: 18)
        let value = Int.random(in: 10..<20, using: &generator)
        #expect((10..<20).contains(value))
        var copy = RandomGenerator(seed: 18)
        #expect(copy.next() == RandomGenerator(seed: 18).nextUInt64Copy())
    }
}

extension RandomGenerator {
    /// `nextUInt64()` on a copy, for comparing against a fresh generator in one expression.
    fileprivate func nextUInt64Copy() -> UInt64 {
        var copy = self
        return copy.nextUInt64()
    }
}

/// Tests that change `Parallel.threadCount`, a process-wide setting, so they run one at a time
/// and restore it.
@Suite(.serialized) struct RandomGeneratorThreadCountTests {
    /// Runs `body` once with `threads` threads, restoring the previous count afterwards.
    private func with<T>(threads: Int, _ body: () -> T) -> T {
        let saved = Parallel.threadCount
        Parallel.threadCount = threads
        defer { Parallel.threadCount = saved }
        return body()
    }

    @Test func bulkFillsDoNotDependOnThreadCount() {
        func draw() -> [[Float]] {
            var generator = RandomGenerator(seed: 99)
            return [
                generator.normal(count: 100_001, mean: 1, standardDeviation: 2),
                generator.uniform(count: 70_003, low: -1, high: 1),
                generator.rademacher(count: 70_002),
                generator.bernoulli(count: 70_001, probability: 0.25),
                generator.chi(degreesOfFreedom: 33, count: 2_001),
                // Columns large enough for the Gram–Schmidt updates to be split too.
                generator.orthogonalGaussianBlocks(rows: 300, columns: 256),
                generator.permutation(1000).map(Float.init),
            ]
        }
        let single = with(threads: 1) { draw() }
        for threads in [2, 3] {
            let multi = with(threads: threads) { draw() }
            #expect(multi == single, "\(threads) threads")
        }
        // The chunking really happened: the work is above the parallel threshold.
        #expect(with(threads: 2) { Parallel.chunkCount(count: 70_001, costPerItem: 1) } == 2)
        #expect(with(threads: 2) { Parallel.chunkCount(count: 100, costPerItem: 4 * 256) } == 2)
    }
}
