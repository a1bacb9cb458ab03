import Foundation
import KLCharts
import KLTasks

/// The report of `klt experiment pathfinder`: test accuracy per kernel and stage (mean ± std over
/// seeds) as Markdown, and validation accuracy against the steps trained so far, the curriculum's
/// stages laid end to end beside the control trained from scratch, as SVG. Each stage's own sweep
/// report (tables, loss and accuracy curves) sits in a folder of its own beside them.
public enum CurriculumReport {
    /// The files it writes, in its directory.
    public static let markdownName = "report.md", chartName = "curriculum.svg"

    /// Reads the stage sweeps under `experiments` and writes the report into `directory`; returns the files.
    public static func write(experiments: URL, provenance: ReportProvenance, to directory: URL) throws -> [URL] {
        let results = try PathfinderCurriculum.sweeps.map { stage, plan in
            (stage, try SweepResults(directory: experiments.appendingPathComponent(stage.sweepFolder), plan: plan))
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let files = [(markdownName, markdown(results, provenance: provenance)), (chartName, chart(results).svg(width: 760, height: 440))]
        return try files.map { name, text in
            let url = directory.appendingPathComponent(name)
            try AtomicFile.write(text, to: url)
            return url
        }
    }

    /// The folder (in the report's directory) of a stage's own sweep report.
    public static func stageReportFolder(_ stage: PathfinderCurriculum.Stage) -> String { stage.sweepFolder }

    static func markdown(_ results: [(PathfinderCurriculum.Stage, SweepResults)], provenance: ReportProvenance) -> String {
        var lines = ["# Experiment pathfinder", "", provenance.markdown]
        lines.append("Generated Pathfinder-32, cpu preset, 4×4 patches (64 positions), batch 32, the `klt train` defaults otherwise. "
                     + "Each stage after the first starts from the best-on-validation checkpoint of the same kernel and seed in the stage before "
                     + "(`--init-from`); the control trains on easy contours from scratch for as many steps as stages 1 and 2 together. "
                     + "Test accuracy in percent, mean ± std over seeds (n = finished runs), on the stage's own test split; chance is 50%.")
        lines.append("")
        lines.append("| kernel | " + results.map { stage, _ in stage.label }.joined(separator: " | ") + " |")
        lines.append("|---|" + results.map { _ in "---|" }.joined())
        for kernel in PathfinderCurriculum.kernels {
            let cells = results.map { _, sweep -> String in
                let accuracies = sweep.runs.filter { $0.run.kernel == kernel }.compactMap { $0.summary?.testAccuracy }
                return accuracies.isEmpty ? "—" : "\(ReportFormat.percent(SampleStatistics(accuracies))) (n = \(accuracies.count))"
            }
            lines.append("| \(kernel) | " + cells.joined(separator: " | ") + " |")
        }
        lines.append("")
        lines.append("| stage | contour dashes | images (train / validation / test = 80 / 10 / 10%) | steps | starts from | sweep report |")
        lines.append("|---|---|---|---|---|---|")
        var previous: PathfinderCurriculum.Stage?
        for (stage, _) in results {
            let origin = stage.continuesCurriculum ? (previous.map { "stage \($0.label.prefix(1))'s best checkpoint" } ?? "—") : "a fresh initialisation"
            lines.append("| \(stage.label) | \(stage.contourLength) | \(stage.images) | \(stage.steps) | \(origin) | [\(stageReportFolder(stage))](\(stageReportFolder(stage))/report.md) |")
            previous = stage
        }
        lines.append("")
        lines.append("![validation accuracy against steps](\(chartName))")
        lines.append("")
        lines.append("The figure lays the curriculum's stages end to end (validation on each stage's own contours, so the curve drops where the contours get longer) beside the control; the bands are ± one standard deviation over seeds.")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Validation accuracy against steps trained so far: per kernel, the curriculum and the control.
    static func chart(_ results: [(PathfinderCurriculum.Stage, SweepResults)]) -> Chart {
        let names = PathfinderCurriculum.kernels.flatMap { ["\($0), curriculum", "\($0), from scratch"] }
        var chart = Chart(title: "Pathfinder-32: validation accuracy", xLabel: "steps trained (all stages)", yLabel: "accuracy", colorOrder: names)
        for kernel in PathfinderCurriculum.kernels {
            for continued in [true, false] {
                let chain = continued ? results.filter { $0.0 != PathfinderCurriculum.control } : results.filter { $0.0 == PathfinderCurriculum.control }
                let curves = PathfinderCurriculum.seeds.compactMap { seed -> [DataPoint]? in
                    var offset = 0.0, points: [DataPoint] = []
                    for (stage, sweep) in chain {
                        guard let run = sweep.runs.first(where: { $0.run.kernel == kernel && $0.run.seed == seed }), run.succeeded else { break }
                        points += run.metrics.validation.map { DataPoint(x: offset + Double($0.step), y: $0.accuracy) }
                        offset += Double(stage.steps)
                    }
                    return points.isEmpty ? nil : points
                }
                // Seeds whose chain has gone as far as the longest one, so the band compares like with like.
                let longest = curves.map(\.count).max() ?? 0
                let complete = curves.filter { $0.count == longest }
                guard !complete.isEmpty else { continue }
                chart.add(SeriesSummary(runs: complete), name: "\(kernel), \(continued ? "curriculum" : "from scratch")", dashed: !continued)
            }
        }
        chart.add(.referenceLine(name: "chance", y: 0.5, color: Color(red: 120, green: 120, blue: 120)))
        return chart
    }
}
