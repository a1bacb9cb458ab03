import KLTestSupport
import Testing
@testable import KLTensor

/// The layer-norm kernels (`kl_layer_norm_rows` and its backward) on many rows and on widths that
/// are and are not multiples of their sixteen lanes: against the formulas in Double, and the same
/// bits on one thread and two.
@Suite(.serialized) struct LayerNormKernelTests {
    /// y, ∂x, ∂γ and ∂β of a layer norm of (rows, d) with a seeded upstream gradient, at `threads`.
    static func layerNorm(rows: Int, d: Int, threads: Int) throws -> (y: [Float], dx: [Float], dgamma: [Float], dbeta: [Float]) {
        let saved = Parallel.threadCount
        Parallel.threadCount = threads
        defer { Parallel.threadCount = saved }
        var data = TestData(seed: UInt64(rows * 1000 + d))
        let x = data.tensor([rows, d], -3, 3, requiresGrad: true)
        let gamma = data.tensor([d], 0.5, 1.5, requiresGrad: true), beta = data.tensor([d], requiresGrad: true)
        let upstream = data.tensor([rows, d])
        let y = x.layerNorm(gamma: gamma, beta: beta)
        try (y * upstream).sum().backward()
        return (y.scalars, x.grad!.scalars, gamma.grad!.scalars, beta.grad!.scalars)
    }

    @Test(arguments: [1, 15, 16, 37, 64, 130])
    func matchesTheFormulasInDouble(d: Int) throws {
        let rows = 700
        let result = try Self.layerNorm(rows: rows, d: d, threads: 2)
        var data = TestData(seed: UInt64(rows * 1000 + d))
        let x = data.tensor([rows, d], -3, 3).scalars.map(Double.init)
        let gamma = data.tensor([d], 0.5, 1.5).scalars.map(Double.init), beta = data.tensor([d]).scalars.map(Double.init)
        let upstream = data.tensor([rows, d]).scalars.map(Double.init)
        var dgamma = [Double](repeating: 0, count: d), dbeta = [Double](repeating: 0, count: d)
        for row in 0..<rows {
            let xr = Array(x[(row * d)..<((row + 1) * d)]), gr = Array(upstream[(row * d)..<((row + 1) * d)])
            let mean = xr.reduce(0, +) / Double(d)
            let variance = xr.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(d)
            let r = 1 / (variance + 1e-5).squareRoot()
            let xhat = xr.map { ($0 - mean) * r }
            let dxhat = (0..<d).map { gr[$0] * gamma[$0] }
            let meanDxhat = dxhat.reduce(0, +) / Double(d)
            let meanDxhatXhat = (0..<d).map { dxhat[$0] * xhat[$0] }.reduce(0, +) / Double(d)
            for i in 0..<d {
                let expectedY = xhat[i] * gamma[i] + beta[i]
                #expect(abs(Double(result.y[row * d + i]) - expectedY) <= 1e-5 * max(1, abs(expectedY)), "y row \(row) column \(i), d \(d)")
                let expectedDx = r * (dxhat[i] - meanDxhat - xhat[i] * meanDxhatXhat)
                #expect(abs(Double(result.dx[row * d + i]) - expectedDx) <= 1e-4 * max(1, abs(expectedDx)), "dx row \(row) column \(i), d \(d)")
                dgamma[i] += gr[i] * xhat[i]
                dbeta[i] += gr[i]
            }
        }
        for i in 0..<d {
            #expect(abs(Double(result.dgamma[i]) - dgamma[i]) <= 1e-3 * max(1, abs(dgamma[i])), "dγ \(i), d \(d)")
            #expect(abs(Double(result.dbeta[i]) - dbeta[i]) <= 1e-3 * max(1, abs(dbeta[i])), "dβ \(i), d \(d)")
        }
    }

    @Test func sameBitsOnOneAndTwoThreads() throws {
        let one = try Self.layerNorm(rows: 5000, d: 37, threads: 1), two = try Self.layerNorm(rows: 5000, d: 37, threads: 2)
        #expect(one.y.map(\.bitPattern) == two.y.map(\.bitPattern))
        #expect(one.dx.map(\.bitPattern) == two.dx.map(\.bitPattern))
        #expect(one.dgamma.map(\.bitPattern) == two.dgamma.map(\.bitPattern))
        #expect(one.dbeta.map(\.bitPattern) == two.dbeta.map(\.bitPattern))
    }
}
