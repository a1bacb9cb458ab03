import Foundation
import KLCharts
import KLTasks

/// The report of `klt experiment robustness`: robust accuracy against ε per kernel, mean ± std
/// over seeds, as a Markdown table, a CSV (one row per run, radius and gradient estimate) and two
/// SVG charts — every kernel under its strongest attack, and each random-feature kernel under
/// the fixed draw beside expectation over transformation.
public enum RobustnessReport {
    /// The files it writes, in `directory`.
    public static let markdownName = "robustness.md", csvName = "robustness.csv"
    public static let worstChartName = "robustness.svg", estimatesChartName = "robustness-eot.svg"

    /// Writes the report of `runs` (attacked runs; `expected` is how many the plan has, so that
    /// missing ones are said to be missing) into `directory`; returns the files written.
    public static func write(_ runs: [RunRobustness], expected: Int, kernels: [String], provenance: ReportProvenance,
                             to directory: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let files = [
            (markdownName, markdown(runs, expected: expected, kernels: kernels, provenance: provenance)),
            (csvName, csv(runs)),
            (worstChartName, worstChart(runs, kernels: kernels).svg(width: 720, height: 440)),
            (estimatesChartName, estimatesChart(runs, kernels: kernels).svg(width: 720, height: 440)),
        ]
        return try files.map { name, text in
            let url = directory.appendingPathComponent(name)
            try AtomicFile.write(text, to: url)
            return url
        }
    }

    /// The radii the runs were attacked at, increasing.
    static func radii(_ runs: [RunRobustness]) -> [Double] {
        Array(Set(runs.flatMap { $0.results.map(\.epsilon) })).sorted()
    }

    /// The gradient estimates (rows of the table) of one kernel's runs, clean first.
    static func estimates(_ runs: [RunRobustness]) -> [String] {
        var names: [String] = []
        for result in runs.flatMap(\.results) where result.epsilon > 0 && !names.contains(result.gradients) { names.append(result.gradients) }
        return names
    }

    static func markdown(_ runs: [RunRobustness], expected: Int, kernels: [String], provenance: ReportProvenance) -> String {
        let radii = radii(runs).filter { $0 > 0 }
        var lines = ["# Experiment robustness", "", provenance.markdown]
        lines.append("Attack: L∞ \(runs.first?.attack ?? RobustnessExperiment.attack.summary), on the first \(RobustnessExperiment.examples) test images; "
                     + "robust accuracy in percent, mean ± std over seeds (n = seeds attacked). \(runs.count) of \(expected) runs attacked.")
        lines.append("")
        lines.append("*fixed draw*: the attack's gradients come from the very feature draw the model is scored with; *EOT-\(RobustnessExperiment.eotDraws)*: "
                     + "each gradient is the mean over \(RobustnessExperiment.eotDraws) fresh draws, and the model is scored on its own draw; "
                     + "*exact*: the model draws nothing in evaluation, so there is one gradient. *worst*: per run, the lower of the two.")
        lines.append("")
        lines.append("| kernel | gradients | n | clean | " + radii.map { "ε = \(AttackRadii.describe($0))" }.joined(separator: " | ") + " |")
        lines.append("|---|---|---|---|" + radii.map { _ in "---|" }.joined())
        for kernel in kernels {
            let own = runs.filter { $0.kernel == kernel }
            guard !own.isEmpty else {
                lines.append("| \(kernel) | (not attacked yet) | 0 | — | " + radii.map { _ in "—" }.joined(separator: " | ") + " |")
                continue
            }
            let clean = ReportFormat.percent(SampleStatistics(own.compactMap { $0.worstAccuracy(at: 0) }))
            let names = estimates(own)
            for name in names + (names.count > 1 ? ["worst"] : []) {
                let cells = radii.map { epsilon in
                    ReportFormat.percent(SampleStatistics(own.compactMap { run in
                        name == "worst" ? run.worstAccuracy(at: epsilon)
                            : run.results.first { $0.epsilon == epsilon && $0.gradients == name }?.accuracy
                    }))
                }
                lines.append("| \(kernel) | \(name) | \(own.count) | \(clean) | " + cells.joined(separator: " | ") + " |")
            }
        }
        lines.append("")
        lines.append("![Robust accuracy against ε, strongest attack](\(worstChartName))")
        lines.append("")
        lines.append("![Fixed draw against expectation over transformation](\(estimatesChartName))")
        lines.append("")
        return lines.joined(separator: "\n")
    }

    static func csv(_ runs: [RunRobustness]) -> String {
        var lines = ["kernel,seed,epsilon,epsilon_255,gradients,correct,count,accuracy"]
        for run in runs {
            for result in run.results {
                lines.append("\(run.kernel),\(run.seed),\(result.epsilon),\(result.epsilon * 255),\(result.gradients),\(result.correct),\(result.count),\(result.accuracy)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Every kernel under its strongest attack: mean over seeds with a ±std band, ε in 1/255 units.
    static func worstChart(_ runs: [RunRobustness], kernels: [String]) -> Chart {
        var chart = Chart(title: "Robust accuracy under the strongest attack (PGD, worst of fixed draw and EOT)", xLabel: "ε (× 1/255)",
                          yLabel: "robust accuracy", yDomain: 0...1, legend: .right, colorOrder: kernels)
        for kernel in kernels {
            let own = runs.filter { $0.kernel == kernel }
            guard !own.isEmpty else { continue }
            let curves = own.map { run in radii([run]).compactMap { epsilon in run.worstAccuracy(at: epsilon).map { DataPoint(x: epsilon * 255, y: $0) } } }
            chart.add(SeriesSummary(runs: curves), name: kernel)
        }
        return chart
    }

    /// The kernels that draw in evaluation, fixed draw (solid) against EOT (dashed).
    static func estimatesChart(_ runs: [RunRobustness], kernels: [String]) -> Chart {
        var chart = Chart(title: "Fixed draw (solid) against expectation over transformation (dashed)", xLabel: "ε (× 1/255)",
                          yLabel: "robust accuracy", yDomain: 0...1, legend: .right, colorOrder: kernels)
        for kernel in kernels {
            let own = runs.filter { $0.kernel == kernel }
            let names = estimates(own)
            guard names.count > 1 else { continue }
            // One legend entry per kernel: its solid and dashed lines share the name, and so the colour.
            for (index, name) in names.enumerated() {
                let curves = own.map { run in
                    run.results.filter { $0.epsilon == 0 || $0.gradients == name }.map { DataPoint(x: $0.epsilon * 255, y: $0.accuracy) }
                }
                let summary = SeriesSummary(runs: curves)
                chart.add(.line(name: kernel, points: summary.mean, dashed: index > 0, markers: true))
            }
        }
        return chart
    }
}
