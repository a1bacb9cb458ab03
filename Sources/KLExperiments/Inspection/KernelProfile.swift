import Foundation
import KLTensor
import KLTransformer

/// A layer's kernel κ(q, k) as a function of the distance t = ‖q − k‖ for a fixed q of norm r, along
/// two paths through q: radial (k = q − t·u, towards the origin and through it to −q at t = 2r) and
/// tangential (k = q + t·v, v ⟂ u), where u = q/r and v are seeded random unit vectors. Values are
/// divided by κ(q, q): attention weighs the keys of one query relative to each other, so a factor
/// that depends on q alone changes nothing. Beside the learned kernel: the softmax kernel
/// exp(q·k/√d) and the Gaussian kernel exp(−‖q − k‖²/(2√d)) at the same scale.
public struct KernelProfile {
    /// A path through q.
    public enum Path: String, CaseIterable, Sendable {
        /// k = q − t·q/‖q‖.
        case radial
        /// k = q + t·v with v ⟂ q.
        case tangential
    }

    /// ‖q‖.
    public var radius: Double
    /// The distances t = ‖q − k‖, from 0 to 2r.
    public var distances: [Double]
    /// The heads with a curve: every head, or head 0 when the heads share the kernel.
    public var heads: [Int]
    /// κ(q, k)/κ(q, q) of the learned kernel per path, per head in `heads`, per distance.
    public var learned: [Path: [[Double]]]
    /// The softmax kernel's ratios per path.
    public var softmax: [Path: [Double]]
    /// The Gaussian kernel's ratios per path.
    public var gaussian: [Path: [Double]]
    /// How the learned kernel was evaluated: "closed form", or "Monte Carlo, M frequencies" drawn from
    /// the trained distribution.
    public var method: String

    /// The profile of a layer's kernel: from `closedForm` when there is one, otherwise estimated by
    /// `estimator` with `monteCarloFrequencies` frequencies. `points` distances per path; `seed` fixes
    /// the directions (and the Monte-Carlo draws).
    public init(closedForm: ClosedFormKernel?, estimator: FeatureKernelEstimator, radius: Double, points: Int = 41,
                monteCarloFrequencies: Int, seed: UInt64) {
        let map = estimator.trainedMap
        let (d, allHeads) = (map.inputDimension, estimator.configuration.heads)
        var generator = RandomGenerator(seed: seed)
        let u = Self.unit(Tensor.randomNormal([d], generator: &generator).scalars.map(Double.init))
        var v = Tensor.randomNormal([d], generator: &generator).scalars.map(Double.init)
        let projection = zip(u, v).reduce(0) { $0 + $1.0 * $1.1 }
        v = Self.unit(zip(v, u).map { $0 - projection * $1 })
        let q = u.map { $0 * radius }
        let distances = (0..<points).map { 2 * radius * Double($0) / Double(max(points - 1, 1)) }
        let paths: [Path: [Double]] = [
            .radial: distances.flatMap { t in zip(q, u).map { $0 - t * $1 } },
            .tangential: distances.flatMap { t in zip(q, v).map { $0 + t * $1 } },
        ]
        func ratios(_ values: [Double]) -> [Double] { values.map { $0 / values[0] } }
        let heads = estimator.family.sharedByHeads ? [0] : Array(0..<allHeads)
        var learned: [Path: [[Double]]] = [:], softmax: [Path: [Double]] = [:], gaussian: [Path: [Double]] = [:]
        for (path, keys) in paths {
            softmax[path] = ratios(ClosedFormKernel.softmax.matrix(queries: q, keys: keys, dimension: d, head: 0))
            gaussian[path] = ratios(ClosedFormKernel.gaussian.matrix(queries: q, keys: keys, dimension: d, head: 0))
            if let closedForm {
                learned[path] = heads.map { ratios(closedForm.matrix(queries: q, keys: keys, dimension: d, head: $0)) }
            } else {
                let queries = Tensor(shape: [1, allHeads, d], scalars: (0..<allHeads).flatMap { _ in q.map(Float.init) })
                let keyTensor = Tensor(shape: [points, allHeads, d],
                                       scalars: (0..<points).flatMap { i in (0..<allHeads).flatMap { _ in keys[(i * d)..<((i + 1) * d)].map(Float.init) } })
                let values = estimator.estimate(frequencies: monteCarloFrequencies, seed: seed ^ 0x9E37_79B9_7F4A_7C15,
                                                queries: queries, keys: keyTensor)
                learned[path] = heads.map { h in ratios(Array(values[(h * points)..<((h + 1) * points)])) }
            }
        }
        self.radius = radius
        self.distances = distances
        self.heads = heads
        self.learned = learned
        self.softmax = softmax
        self.gaussian = gaussian
        method = closedForm == nil ? "Monte Carlo, \(monteCarloFrequencies) frequencies" : "closed form"
    }

    /// x/‖x‖ (e₀ for x = 0).
    static func unit(_ x: [Double]) -> [Double] {
        let norm = x.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? x.map { $0 / norm } : x.indices.map { $0 == 0 ? 1 : 0 }
    }
}
