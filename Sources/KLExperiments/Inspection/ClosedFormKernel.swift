import Foundation
import KLTransformer

/// The kernel κ(q, k) a feature map estimates, in the closed form the spec gives (spec §2.3–§2.6,
/// §2.11, §6), evaluated in Double. Queries and keys are the model's (unscaled) projections; every
/// form works on x̃ = x·d^{-1/4}, as the maps do.
public struct ClosedFormKernel: Sendable {
    /// Which closed form.
    public enum Form: Sendable {
        /// exp(q̃·k̃) = exp(q·k/√d), the softmax kernel.
        case softmax
        /// exp(−‖q̃ − k̃‖²/2) = exp(−‖q − k‖²/(2√d)), the Gaussian kernel.
        case gaussian
        /// GMM-PRF: exp(μᵀz + ½zᵀdiag(e^σ)z − ‖q̃‖² − ‖k̃‖²), z = q̃ + k̃.
        case positive(GaussianSpectrum)
        /// Hyperbolic GMM-PRF: cosh(μᵀz)·exp(½e^σ‖z‖² − ‖q̃‖² − ‖k̃‖²), z = q̃ + k̃.
        case hyperbolic(GaussianSpectrum)
        /// GMM-RKS / Gauss-RKS / GMM-mixture: Σ_c π_c·2·exp(−½ΔᵀC_cΔ)·cos(μ_cᵀΔ), Δ = q̃ − k̃.
        case fourier(GaussianSpectrum)
    }

    /// The form.
    public let form: Form
    /// The constant feature s appended by RKS maps; the kernel includes s².
    public let smoothing: Double

    /// A closed form with smoothing constant `smoothing`.
    public init(form: Form, smoothing: Double = 0) {
        self.form = form
        self.smoothing = smoothing
    }

    /// The softmax kernel exp(q·k/√d).
    public static let softmax = ClosedFormKernel(form: .softmax)
    /// The Gaussian kernel at the softmax's scale, exp(−‖q − k‖²/(2√d)).
    public static let gaussian = ClosedFormKernel(form: .gaussian)

    /// The closed form of the kernel `map` (of kind `kernel`) estimates, or nil where the spec gives
    /// none (FastFood with learned diagonals, the generator kernels: estimate those by Monte Carlo).
    /// FAVOR+-exp gets the softmax kernel, which its features estimate up to per-row constants.
    public init?(map: any FeatureMap, kernel: Kernel) {
        switch (kernel, map) {
        case (.favor, _), (.favorExp, _): self = .softmax
        case (.gaussianPRF, _): self = .gaussian
        case (.rff, let map as RandomFeatureMap), (.fastFoodRandom, let map as RandomFeatureMap):
            self.init(form: .gaussian, smoothing: Double((map.kernel.component as? TrigonometricComponent)?.smoothing ?? 0))
        case (.gmmPRF, _):
            guard let spectrum = GaussianSpectrum(map) else { return nil }
            self.init(form: .positive(spectrum))
        case (.gmmPRFHyperbolic, _):
            guard let spectrum = GaussianSpectrum(map) else { return nil }
            self.init(form: .hyperbolic(spectrum))
        case (.gmmRKS, let map as RandomFeatureMap), (.gaussRKS, let map as RandomFeatureMap):
            guard let spectrum = GaussianSpectrum(map), let component = map.kernel.component as? TrigonometricComponent else { return nil }
            self.init(form: .fourier(spectrum), smoothing: Double(component.smoothing))
        case (.gmmMixture, let map as GaussianMixtureAlaCarteFeatures):
            guard let spectrum = GaussianSpectrum(map) else { return nil }
            self.init(form: .fourier(spectrum), smoothing: Double(map.smoothing))
        default:
            return nil
        }
    }

    /// The formula, for the summary.
    public var formula: String {
        let s2 = smoothing == 0 ? "" : String(format: " + s² (s = %g)", smoothing)
        switch form {
        case .softmax: return "exp(q̃·k̃) = exp(q·k/√d), the softmax kernel"
        case .gaussian: return "exp(−‖q̃ − k̃‖²/2) = exp(−‖q − k‖²/(2√d)), the Gaussian kernel" + s2
        case .positive: return "exp(μᵀz + ½zᵀdiag(e^σ)z − ‖q̃‖² − ‖k̃‖²), z = q̃ + k̃ (spec §2.4)"
        case .hyperbolic: return "cosh(μᵀz)·exp(½e^σ‖z‖² − ‖q̃‖² − ‖k̃‖²), z = q̃ + k̃ (spec §2.11)"
        case .fourier(let spectrum):
            return spectrum.components.count > 1 && spectrum.sharedByHeads
                ? "Σ_c π_c·2·exp(−½Δᵀdiag(e^σ_c)Δ)·cos(μ_cᵀΔ)" + s2 + ", Δ = q̃ − k̃ (spec §2.6)"
                : "2·exp(−½ΔᵀΣᵀΣΔ)·cos(μᵀΔ)" + s2 + ", Δ = q̃ − k̃ (spec §2.5)"
        }
    }

    /// κ(q_i, k_j) for head `head`, row-major (n × n'), for `queries` (n × d) and `keys` (n' × d),
    /// both row-major and unscaled.
    public func matrix(queries: [Double], keys: [Double], dimension d: Int, head: Int) -> [Double] {
        let scale = pow(Double(d), -0.25)
        let q = queries.map { $0 * scale }, k = keys.map { $0 * scale }
        let n = q.count / d, m = k.count / d
        func row(_ x: [Double], _ i: Int) -> ArraySlice<Double> { x[(i * d)..<((i + 1) * d)] }
        func dot(_ a: ArraySlice<Double>, _ b: ArraySlice<Double>) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        let qNorms = (0..<n).map { dot(row(q, $0), row(q, $0)) }, kNorms = (0..<m).map { dot(row(k, $0), row(k, $0)) }
        let s2 = smoothing * smoothing
        var out = [Double](repeating: 0, count: n * m)
        switch form {
        case .softmax:
            for i in 0..<n { for j in 0..<m { out[i * m + j] = exp(dot(row(q, i), row(k, j))) } }
        case .gaussian:
            for i in 0..<n { for j in 0..<m { out[i * m + j] = exp(-0.5 * (qNorms[i] + kNorms[j] - 2 * dot(row(q, i), row(k, j)))) + s2 } }
        case .positive(let spectrum), .hyperbolic(let spectrum):
            let hyperbolic = if case .hyperbolic = form { true } else { false }
            for component in spectrum.components(forHead: head) {
                let (mu, v) = (component.mean, component.variance)
                let muQ = (0..<n).map { dot(row(q, $0), mu[...]) }, muK = (0..<m).map { dot(row(k, $0), mu[...]) }
                // ½zᵀVz − ‖q̃‖² − ‖k̃‖² = a_i + b_j + q̃ᵀVk̃ with a_i = ½q̃ᵀVq̃ − ‖q̃‖² (b_j alike)
                let a = (0..<n).map { i in 0.5 * zip(row(q, i), v).reduce(0) { $0 + $1.1 * $1.0 * $1.0 } - qNorms[i] }
                let b = (0..<m).map { j in 0.5 * zip(row(k, j), v).reduce(0) { $0 + $1.1 * $1.0 * $1.0 } - kNorms[j] }
                for i in 0..<n {
                    let qi = row(q, i)
                    for j in 0..<m {
                        var cross = 0.0
                        for (index, (x, y)) in zip(qi, row(k, j)).enumerated() { cross += v[index] * x * y }
                        let rest = a[i] + b[j] + cross, shift = muQ[i] + muK[j]
                        out[i * m + j] += component.weight * (hyperbolic ? 0.5 * (exp(rest + shift) + exp(rest - shift)) : exp(rest + shift))
                    }
                }
            }
        case .fourier(let spectrum):
            for component in spectrum.components(forHead: head) {
                let mu = component.mean
                let fq = (0..<n).map { component.factorTimes(Array(row(q, $0))) }, fk = (0..<m).map { component.factorTimes(Array(row(k, $0))) }
                let fqNorms = fq.map { dot($0[...], $0[...]) }, fkNorms = fk.map { dot($0[...], $0[...]) }
                let muQ = (0..<n).map { dot(row(q, $0), mu[...]) }, muK = (0..<m).map { dot(row(k, $0), mu[...]) }
                for i in 0..<n {
                    for j in 0..<m {
                        let quadratic = max(0, fqNorms[i] + fkNorms[j] - 2 * dot(fq[i][...], fk[j][...]))
                        out[i * m + j] += component.weight * 2 * exp(-0.5 * quadratic) * cos(muQ[i] - muK[j])
                    }
                }
            }
            for index in out.indices { out[index] += s2 }
        }
        return out
    }

    /// For GMM-PRF, the relative variance of one frequency's estimate of κ(q_i, k_j),
    /// Var/κ² = exp(zᵀdiag(e^σ)z) − 1 with z = q̃ + k̃ (row-major, n × n'); nil for other forms.
    /// With M independent frequencies E‖K̂ − K‖²_F = (1/M)·Σ κ²·(exp(zᵀVz) − 1).
    public func relativeVariance(queries: [Double], keys: [Double], dimension d: Int, head: Int) -> [Double]? {
        guard case .positive(let spectrum) = form, let component = spectrum.components(forHead: head).first else { return nil }
        let scale = pow(Double(d), -0.25), n = queries.count / d, m = keys.count / d
        var out = [Double](repeating: 0, count: n * m)
        for i in 0..<n {
            for j in 0..<m {
                var quadratic = 0.0
                for index in 0..<d {
                    let z = (queries[i * d + index] + keys[j * d + index]) * scale
                    quadratic += component.variance[index] * z * z
                }
                out[i * m + j] = expm1(quadratic)
            }
        }
        return out
    }

    /// κ(q, k) for head `head`.
    public func value(_ q: [Double], _ k: [Double], head: Int) -> Double {
        matrix(queries: q, keys: k, dimension: q.count, head: head)[0]
    }
}
