import Foundation
import KLTransformer

/// The text of `summary.txt`: the kernel and the model's sizes, where the initial distribution came
/// from, how κ and K_exact were computed, then per layer the distribution's statistics at
/// initialisation and after training (and how far it moved), and per head the approximation error
/// at the model's M and at the largest M with its fitted log-log slope.
enum InspectionSummary {
    /// The summary of `inspection`.
    static func text(_ inspection: KernelInspection) -> String {
        let checkpoint = inspection.checkpoint, c = checkpoint.configuration, family = checkpoint.family
        let state = checkpoint.contents.state
        var lines = ["klt inspect \(checkpoint.url.path)"]
        lines.append("kernel: \(family.kernel.rawValue)\(family.kernel.officialName.map { " (\($0))" } ?? "") — \(family.kernel.summary)")
        lines.append("model: \(c.layers) layers, \(c.heads) heads, d = \(c.headDimension), M = \(inspection.modelFrequencies) frequencies per head"
            + " (m = \(inspection.modelFeatures) features); trained \(state.step) steps"
            + (state.bestStep >= 0 ? String(format: ", best validation accuracy %.4f at step %d", state.bestValidationAccuracy, state.bestStep) : ""))
        lines.append("initialisation: rebuilt from seed \(checkpoint.seed) (\(checkpoint.seedSource)); its feature maps' random keys equal the checkpoint's")
        if family.spectrum == .fixed { lines.append("fixed kernel: its spectral distribution has no parameters, nothing is learned") }
        if let first = inspection.layers.first {
            lines.append((family.spectrum == .fixed ? "kernel κ (fixed): " : "learned kernel κ: ") + (first.closedForm.map { "closed form \($0.formula)" }
                ?? "Monte Carlo, the mean of φ(q)·φ(k) over \(inspection.settings.monteCarloFrequencies) frequencies drawn from the trained distribution (no closed form)"))
            if family.kernel == .gmmMixture {
                lines.append("  (attention normalises each component separately and mixes the outputs with π: this κ is the π-weighted kernel)")
            }
            if family.kernel == .favorExp { lines.append("  (FAVOR+-exp estimates it up to per-row stabiliser constants, so no approximation error is measured)") }
            lines.append(String(format: "kernel profiles: κ(q, k)/κ(q, q) along a seeded radial and tangential path, ‖q‖ = the layer's median query norm%@",
                                inspection.capturedTokens == 0 ? " (no data: √d)" : ""))
            if let error = first.approximation {
                lines.append("approximation error: ‖φ(Q)φ(K)ᵀ − K_exact‖_F/‖K_exact‖_F per head on the model's own queries and keys,"
                    + " \(inspection.capturedSequences) sequences, \(inspection.capturedTokens) positions per layer; mean of \(error.redraws) redraws at each M")
                lines.append("  K_exact = \(error.reference)")
                lines.append("  slope = the fitted log-log exponent of error against M (−0.5 for 1/√M)")
                if error.varianceFactor != nil {
                    lines.append("  theory (GMM-PRF): one frequency's variance of κ(q, k) is κ²·(exp(zᵀdiag(e^σ)z) − 1), so the RMS error with M frequencies")
                    lines.append("  is √(F/M), F = Σκ²(exp(zᵀdiag(e^σ)z) − 1)/Σκ² over the captured pairs; 1/√M holds once M ≫ F (a large ‖q̃ + k̃‖")
                    lines.append("  makes F huge and the error heavy-tailed: the typical error then stays far below the RMS and falls slowly)")
                }
            } else if inspection.capturedTokens == 0 {
                lines.append("approximation error: not measured (no data)")
            }
        }
        for layer in inspection.layers {
            lines.append("")
            lines.append("layer \(layer.index)")
            lines += distributionLines(layer.initial, layer.trained, heads: c.heads).map { "  " + $0 }
            if let error = layer.approximation { lines += errorLines(error, norms: layer.medianQueryNorms, model: inspection.modelFrequencies) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// ‖a − b‖/‖b‖.
    static func relativeChange(_ a: [Double], from b: [Double]) -> Double {
        let difference = zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        let norm = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? difference / norm : (difference > 0 ? .infinity : 0)
    }

    static func mean(_ values: [Double]) -> Double { values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count) }

    static func number(_ value: Double) -> String { String(format: "%.4g", value) }

    static func column(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }

    /// The distribution's statistics, initial → trained.
    static func distributionLines(_ initial: SpectralSnapshot, _ trained: SpectralSnapshot, heads: Int) -> [String] {
        switch (initial, trained) {
        case (.gaussian(let start), .gaussian(let end)):
            let name = end.componentName == "shared" ? "shared" : end.componentName
            var lines = [column(name, 11) + column("mean|μ| init → trained", 26) + column("mean σ init → trained", 26)
                + column("‖Δμ‖/‖μ₀‖", 12) + "‖Δσ‖/‖σ₀‖" + (end.sharedByHeads && end.components.count > 1 ? "   π" : "")]
            for (index, (a, b)) in zip(start.components, end.components).enumerated() {
                let meanAbs = { (c: GaussianSpectrum.Component) in mean(c.mean.map(abs)) }
                lines.append(column(name == "shared" ? "all heads" : "\(index)", 11)
                    + column("\(number(meanAbs(a))) → \(number(meanAbs(b)))", 26)
                    + column("\(number(mean(a.standardDeviation))) → \(number(mean(b.standardDeviation)))", 26)
                    + column(number(relativeChange(b.mean, from: a.mean)), 12)
                    + number(relativeChange(b.standardDeviation, from: a.standardDeviation))
                    + (end.sharedByHeads && end.components.count > 1 ? "   " + number(b.weight) : ""))
            }
            if end.symmetric { lines.append("(RKS: the density is ½N(μ, C) + ½N(−μ, C); σ is the marginal standard deviation)") }
            return lines
        case (.fastFood(let start), .fastFood(let end)):
            var lines = zip(start.learned, end.learned).map { a, b in
                "\(b.name): mean|\(b.name)| \(number(mean(a.values.map(abs)))) → \(number(mean(b.values.map(abs)))), "
                    + "mean \(number(mean(a.values))) → \(number(mean(b.values))), ‖Δ\(b.name)‖/‖\(b.name)₀‖ = \(number(relativeChange(b.values, from: a.values)))"
            }
            lines.append("(shared by the \(heads) heads; Π\(end.drawn.isEmpty ? "" : ", " + end.drawn.joined(separator: ", ")) drawn at every redraw)")
            return lines
        case (.generated(let start), .generated(let end)):
            return ["mean ‖ω‖ \(number(mean(start.norms))) → \(number(mean(end.norms))) over \(end.omega.count) noise samples (shared by the heads); "
                + "generator parameters ‖Δθ‖/‖θ₀‖ = \(number(relativeChange(end.parameters, from: start.parameters)))"]
        case (_, .fixed(let norms)):
            return ["nothing learned; mean ‖ω‖ of the current draw \(number(mean(norms))) (\(norms.count) frequencies)"]
        default:
            return []
        }
    }

    /// The approximation error per head.
    static func errorLines(_ error: ApproximationError, norms: [Double], model: Int) -> [String] {
        let largest = error.frequencies.last ?? 0
        let theory = error.varianceFactor.map { _ in column("theory √(F/M) at \(model), \(largest)", 30) } ?? ""
        var lines = ["  " + column("head", 6) + column("median ‖q‖", 12) + column("error at M = \(model)", 20)
            + column("error at M = \(largest)", 20) + column("slope", 9) + theory]
        for head in error.errors.indices {
            let atModel = error.error(head: head, frequencies: model).map(number) ?? "–"
            let atLargest = error.error(head: head, frequencies: largest).map(number) ?? "–"
            let predicted = error.varianceFactor.map { factors in
                "\(number((factors[head] / Double(max(model, 1))).squareRoot())), \(number((factors[head] / Double(max(largest, 1))).squareRoot()))"
            } ?? ""
            lines.append("  " + column("\(head)", 6) + column(head < norms.count ? number(norms[head]) : "–", 12) + column(atModel, 20)
                + column(atLargest, 20) + column(error.slope(head: head).map { String(format: "%.3f", $0) } ?? "–", 9) + predicted)
        }
        return lines
    }
}
