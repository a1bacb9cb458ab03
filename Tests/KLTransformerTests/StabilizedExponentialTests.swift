import CKLKernels
import Foundation
@testable import KLTensor
import KLTestSupport
import Testing
@testable import KLTransformer

/// The fused exp(ℓ − c) of the random-feature maps gives exactly the unfused ops' bits (maximum,
/// masked maximum, subtraction, exp), its shift carries no gradient, and its gradient is g ⊙ φ.
@Suite struct StabilizedExponentialTests {
    static let shape = [2, 7, 3, 5]

    /// Log-features with a wide range, and a key mask that pads the end of the second sequence.
    static func inputs() -> (logFeatures: Tensor, mask: Tensor) {
        var data = TestData(seed: 41)
        let logFeatures = data.tensor(shape, -30, 30, requiresGrad: true)
        let mask = Tensor(shape: [2, 7], scalars: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0])
        return (logFeatures, mask)
    }

    @Test func valuesAreTheUnfusedOpsBits() {
        let (logFeatures, mask) = Self.inputs()
        let rowShift = logFeatures.max(alongAxes: [-1], keepingDimensions: true)
        let padded = logFeatures.maskedFill((1 - mask).reshaped(to: [2, 7, 1, 1]), with: -.infinity)
        let sequenceShift = padded.max(alongAxes: [1, 3], keepingDimensions: true).clamped(min: -1e30)

        let perRow = StabilizedExponential.apply(logFeatures, shift: .perRow)
        #expect(perRow.shift == nil)
        #expect(perRow.features.scalars.map(\.bitPattern) == (logFeatures - rowShift).exp().scalars.map(\.bitPattern))

        let perSequence = StabilizedExponential.apply(logFeatures, shift: .perSequence(keyMask: mask))
        #expect(perSequence.shift?.shape == [2, 1, 3, 1])
        #expect(perSequence.shift?.scalars == sequenceShift.scalars)
        #expect(perSequence.features.scalars.map(\.bitPattern) == (logFeatures - sequenceShift).exp().scalars.map(\.bitPattern))

        let unmasked = StabilizedExponential.apply(logFeatures, shift: .perSequence(keyMask: nil))
        #expect(unmasked.shift?.scalars == logFeatures.max(alongAxes: [1, 3], keepingDimensions: true).scalars)

        let given = StabilizedExponential.apply(logFeatures, shift: .given(sequenceShift))
        #expect(given.features.scalars == perSequence.features.scalars)
    }

    /// The shift is a constant: the gradient is g ⊙ φ for every kind of shift, and a finite-difference
    /// check holds with the shift given.
    @Test func gradientIsTheUpstreamTimesTheFeatures() throws {
        let (logFeatures, mask) = Self.inputs()
        var data = TestData(seed: 42)
        let upstream = data.tensor(Self.shape)
        for shift in [StabilizedExponential.Shift.perRow, .perSequence(keyMask: mask)] {
            let x = Tensor(shape: Self.shape, scalars: logFeatures.scalars, requiresGrad: true)
            let phi = StabilizedExponential.apply(x, shift: shift).features
            try (phi * upstream).sum().backward()
            #expect(x.grad?.scalars == (phi * upstream).scalars)
        }
        let small = data.tensor([1, 4, 2, 3], -2, 2, requiresGrad: true)
        let shift = Tensor(shape: [1, 1, 2, 1], scalars: [0.5, -1])
        checkGradients([small]) { StabilizedExponential.apply($0[0], shift: .given(shift)).features }
    }

    /// The fused path from projections (`apply(projections:offsetOf:…)`, what PosRF without a learned
    /// spectrum uses) gives the bits of the norm-offset log-features followed by the stabilised
    /// exponential, forward and backward, plain and hyperbolic, for every kind of shift.
    @Test(arguments: [false, true])
    func fusedNormOffsetPathIsTheTwoOpsBits(hyperbolic: Bool) throws {
        let (_, mask) = Self.inputs()
        var data = TestData(seed: 43)
        let xValues = data.tensor([2, 7, 3, 4], -3, 3), omega = data.tensor([4, 5], -2, 2)
        let width = hyperbolic ? 10 : 5
        let upstream = data.tensor([2, 7, 3, width])
        let given = data.tensor([2, 1, 3, 1], -1, 1)
        let constant = -0.5 * Float(Foundation.log(Double(width)))     // what `logFeatures` adds for `width` features
        try Self.expectSameBits(x: xValues, upstream: upstream, shifts: [.perRow, .perSequence(keyMask: mask), .perSequence(keyMask: nil), .given(given)]) { x, shift, fused in
            fused
                ? StabilizedExponential.apply(projections: Tensor.matmul(x, omega), offsetOf: x, constant: constant, hyperbolic: hyperbolic, shift: shift)
                : StabilizedExponential.apply(ExponentialFeatures.logFeatures(x, omega: omega, a: nil, hyperbolic: hyperbolic), shift: shift)
        }
        let small = data.tensor([1, 3, 2, 4], -1, 1, requiresGrad: true)
        let projections = data.tensor([1, 3, 2, 5], -1, 1, requiresGrad: true)
        checkGradients([projections, small]) {
            StabilizedExponential.apply(projections: $0[0], offsetOf: $0[1], constant: 0.3, hyperbolic: hyperbolic,
                                        shift: .given(Tensor(shape: [1, 1, 2, 1], scalars: [0.5, -1]))).features
        }
    }

    /// The fused projection (`apply(inputs:frequencies:…)`, what PosRF with fixed frequencies uses)
    /// gives the bits of `Tensor.matmul(x, ω)` followed by `apply(projections:offsetOf:…)`, forward and
    /// backward, for every kind of shift, over rows that fill whole backward blocks and a ragged last one.
    @Test(arguments: [false, true])
    func fusedProjectionIsTheProductAndNormOffsetBits(hyperbolic: Bool) throws {
        let (n, l, h, d, m) = (2, 70, 3, 16, 64)
        #expect(n * l * h > StabilizedExponential.backwardBlockRows && (n * l * h) % StabilizedExponential.backwardBlockRows != 0)
        var data = TestData(seed: 45)
        let xValues = data.tensor([n, l, h, d], -1.5, 1.5), omega = data.tensor([d, m], -1, 1)
        let width = hyperbolic ? 2 * m : m
        let upstream = data.tensor([n, l, h, width])
        let mask = Tensor(shape: [n, l], scalars: (0..<(n * l)).map { $0 < l + 50 ? 1 : 0 })
        let given = data.tensor([n, 1, h, 1], -1, 1)
        try Self.expectSameBits(x: xValues, upstream: upstream, shifts: [.perRow, .perSequence(keyMask: mask), .perSequence(keyMask: nil), .given(given)]) { x, shift, fused in
            fused
                ? StabilizedExponential.apply(inputs: x, frequencies: omega, constant: -2.1, hyperbolic: hyperbolic, shift: shift)
                : StabilizedExponential.apply(projections: Tensor.matmul(x, omega), offsetOf: x, constant: -2.1, hyperbolic: hyperbolic, shift: shift)
        }
        let small = data.tensor([1, 3, 2, 4], -1, 1, requiresGrad: true), frequencies = data.tensor([4, 5], -1, 1)
        checkGradients([small]) {
            StabilizedExponential.apply(inputs: $0[0], frequencies: frequencies, constant: 0.3, hyperbolic: hyperbolic,
                                        shift: .given(Tensor(shape: [1, 1, 2, 1], scalars: [0.5, -1]))).features
        }
    }

    /// The Gaussian-kernel version of PosRF (Generator-PRF's and FastFood-PRF's component) takes the
    /// fused op at norm weight 1: its features and their gradients (queries, keys, learned or fixed
    /// frequencies) are those of its log-features, ωᵀx − ½‖x‖² + c − ½‖x‖², exponentiated with the
    /// query and key shifts, to float rounding (the norms are summed in another order). (The shifts
    /// carry no gradient, so finite differences of these features would not match; those of the fused
    /// op under a given shift are checked above, at weight ½, and `normOffsetRowsAtEveryLevel` checks
    /// the rows at weight 1.)
    @Test(arguments: [false, true])
    func gaussianVersionFusesLikePosRF(hyperbolic: Bool) throws {
        let component = GaussianKernelVersion(of: PositiveComponent(hyperbolic: hyperbolic))
        #expect(GaussianKernelVersion(of: PositiveComponent(hyperbolic: true, mirrorsMean: true))
            .stabilizedFeatures(queries: Tensor.zeros([1, 1, 1, 2]), keys: Tensor.zeros([1, 1, 1, 2]), omega: Tensor.zeros([2, 3]), keyMask: nil) == nil)
        var data = TestData(seed: 47)
        let (n, l, h, d, m) = (2, 9, 2, 6, 5)
        let mask = Tensor(shape: [n, l], scalars: (0..<(n * l)).map { $0 < l + 6 ? 1 : 0 })
        for learned in [false, true] {
            let queryValues = data.tensor([n, l, h, d], -1, 1), keyValues = data.tensor([n, l, h, d], -1, 1)
            let omegaValues = data.tensor([d, m], -1, 1)
            let width = hyperbolic ? 2 * m : m
            let upstream = (data.tensor([n, l, h, width]), data.tensor([n, l, h, width]))
            func run(fused: Bool) throws -> [[Float]] {
                let q = queryValues.copy(), k = keyValues.copy(), omega = omegaValues.copy()
                (q.requiresGrad, k.requiresGrad, omega.requiresGrad) = (true, true, learned)
                let (phiQ, phiK): (Tensor, Tensor)
                if fused {
                    (phiQ, phiK) = try #require(component.stabilizedFeatures(queries: q, keys: k, omega: omega, keyMask: mask))
                } else {
                    let statistics = SequenceStatistics(queries: q, keys: k, keyMask: mask)
                    guard case .logarithmic(let logQ, let logK) = component.features(queries: q, keys: k, omega: omega,
                                                                                     statistics: statistics, phases: nil) else {
                        Issue.record("no log-features"); return []
                    }
                    (phiQ, phiK) = (StabilizedExponential.apply(logQ, shift: .perRow).features,
                                    StabilizedExponential.apply(logK, shift: .perSequence(keyMask: mask)).features)
                }
                try ((phiQ * upstream.0).sum() + (phiK * upstream.1).sum()).backward()
                return [phiQ.scalars, phiK.scalars, try #require(q.grad).scalars, try #require(k.grad).scalars]
                    + (learned ? [try #require(omega.grad).scalars] : [])
            }
            let (fused, reference) = (try run(fused: true), try run(fused: false))
            #expect(fused.count == reference.count)
            for (actual, expected) in zip(fused, reference) { expectClose(actual, expected, tolerance: 1e-5) }
        }
    }

    /// For every shift, runs `path(x, shift, fused)` on a fresh copy of `xValues` and its backward from
    /// `upstream`, fused and not, and expects the same bits of φ, of the shift and of ∂x.
    static func expectSameBits(x xValues: Tensor, upstream: Tensor, shifts: [StabilizedExponential.Shift],
                               _ path: (Tensor, StabilizedExponential.Shift, Bool) -> (features: Tensor, shift: Tensor?)) throws {
        for shift in shifts {
            func run(fused: Bool) throws -> (phi: [UInt32], shift: [Float]?, dx: [UInt32]) {
                let x = Tensor(shape: xValues.shape, scalars: xValues.scalars, requiresGrad: true)
                let (phi, c) = path(x, shift, fused)
                try (phi * upstream).sum().backward()
                return (phi.scalars.map(\.bitPattern), c?.scalars, try #require(x.grad).scalars.map(\.bitPattern))
            }
            let (fused, unfused) = (try run(fused: true), try run(fused: false))
            #expect(fused.phi == unfused.phi)
            #expect(fused.shift == unfused.shift)
            #expect(fused.dx == unfused.dx)
        }
    }

    /// The C rows behind the fused path (`kl_norm_offset_exp_rows` and its backward) give, at every
    /// instruction-set level, the bits of `NormOffsetRows` followed by the row shift and the exponential
    /// of that level, over widths that fill whole AVX-512 vectors, leave tails, or both.
    @Test(arguments: [false, true])
    func normOffsetRowsAtEveryLevel(hyperbolic: Bool) {
        var data = TestData(seed: 44)
        let (n, l, h) = (2, 3, 2), rowCount = 12
        for (m, d) in [(5, 4), (16, 16), (37, 8), (64, 16)] {
            let width = hyperbolic ? 2 * m : m
            let u = data.tensor([n, l, h, m], -2, 2), x = data.tensor([n, l, h, d], -1.5, 1.5)
            let g = data.tensor([n, l, h, width]), table = data.tensor([n, 1, h, 1], -1, 3)
            // PosRF's norm weight ½ and its Gaussian-kernel version's 1, on alternate shapes.
            let normWeight: Float = m % 2 == 0 ? 1 : 0.5
            let rows = NormOffsetRows(u, x, constant: -1.7, hyperbolic: hyperbolic, normWeight: normWeight)
            for level in [Int32(0), 1, 2] {
                for shifts in [nil, table] {
                    var phi = [Float](repeating: .nan, count: rowCount * width), expected = phi
                    let used = kl_norm_offset_exp_rows_at_level(level, u.storage.pointer, x.storage.pointer, rowCount, m, d, normWeight,
                                                                -1.7, hyperbolic ? 1 : 0, shifts?.storage.pointer, l, h, 0, &phi)
                    expected.withUnsafeMutableBufferPointer { out in
                        for row in 0..<rowCount {
                            let target = out.baseAddress! + row * width
                            rows.write(row, into: target)
                            let c = shifts.map { $0.scalars[(row / (l * h)) * h + row % h] } ?? VectorMath.maximum(target, count: width)
                            for j in 0..<width { target[j] -= c }
                            _ = VectorMath.applySerially(.exp, target, target, count: width, level: Int(used))
                        }
                    }
                    #expect(phi.map(\.bitPattern) == expected.map(\.bitPattern), "m \(m) d \(d) level \(level) table \(shifts != nil)")
                    var du = [Float](repeating: .nan, count: rowCount * m), dx = [Float](repeating: .nan, count: rowCount * d)
                    var scratch = [Float](repeating: 0, count: width)
                    _ = kl_norm_offset_exp_backward_rows_at_level(level, g.storage.pointer, phi, x.storage.pointer, rowCount, m, d,
                                                                  normWeight, hyperbolic ? 1 : 0, &scratch, &du, &dx)
                    var expectedDu = du, expectedDx = dx
                    for row in 0..<rowCount {
                        let gamma = (0..<width).map { g.scalars[row * width + $0] * phi[row * width + $0] }
                        gamma.withUnsafeBufferPointer { gammaRow in
                            rows.backward(row, gradient: gammaRow.baseAddress!, du: &expectedDu, dx: &expectedDx)
                        }
                    }
                    #expect(du.map(\.bitPattern) == expectedDu.map(\.bitPattern) && dx.map(\.bitPattern) == expectedDx.map(\.bitPattern),
                            "backward m \(m) d \(d) level \(level)")
                }
            }
        }
    }
}
