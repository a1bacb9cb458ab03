import Foundation
import KLCharts
import KLTasks

/// The report of `klt experiment short`: per kernel, the pre-trained model's validation and test bits
/// per byte, and each short task's test accuracy fine-tuned from it against from scratch on bytes and
/// on the same subword tokens (mean ± std over seeds, and the differences paired by seed), as Markdown; every run's numbers as CSV; the
/// pre-training's validation bits per byte against steps as SVG. The fine-tuned and from-scratch
/// sweeps' own reports (curves, costs) sit in folders of their own beside them.
public enum ShortProtocolReport {
    /// The files it writes, in its directory.
    public static let markdownName = "report.md", csvName = "results.csv", chartName = "pretraining.svg"

    /// The sweeps' results, read from their folders under the experiments folder.
    struct Results {
        var pretraining: SweepResults
        var fineTuned: SweepResults
        var scratch: SweepResults
        var scratchSubwords: SweepResults

        init(experiments: URL) throws {
            var sweeps: [ShortProtocolExperiment.Stage: SweepResults] = [:]
            for (stage, plan) in ShortProtocolExperiment.sweeps(in: experiments) {
                sweeps[stage] = try SweepResults(directory: experiments.appendingPathComponent(stage.sweepFolder), plan: plan)
            }
            pretraining = sweeps[.pretraining]!
            fineTuned = sweeps[.fineTuned]!
            scratch = sweeps[.scratch]!
            scratchSubwords = sweeps[.scratchSubwords]!
        }

        /// The task sweeps, by stage.
        var taskSweeps: [(ShortProtocolExperiment.Stage, SweepResults)] {
            [(.fineTuned, fineTuned), (.scratch, scratch), (.scratchSubwords, scratchSubwords)]
        }

        /// The finished pre-training summaries of a kernel, by seed.
        func pretrainingSummaries(of kernel: String) -> [UInt64: PretrainingRunSummary] {
            var summaries: [UInt64: PretrainingRunSummary] = [:]
            for result in pretraining.runs where result.run.kernel == kernel && result.status == .finished {
                if let summary = PretrainingRunSummary.read(from: result.directory), summary.validationBitsPerByte.isFinite {
                    summaries[result.run.seed] = summary
                }
            }
            return summaries
        }

        /// The test accuracies of a kernel's successful runs on a task in a sweep, by seed.
        static func testAccuracies(in sweep: SweepResults, kernel: String, task: String) -> [UInt64: Double] {
            var accuracies: [UInt64: Double] = [:]
            for result in sweep.runs where result.run.kernel == kernel && result.run.task == task && result.succeeded {
                accuracies[result.run.seed] = result.summary?.testAccuracy
            }
            return accuracies
        }
    }

    /// Reads the stage sweeps under `experiments` and writes the report into `directory`; returns the files.
    public static func write(experiments: URL, provenance: ReportProvenance, to directory: URL) throws -> [URL] {
        let results = try Results(experiments: experiments)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let files = [(markdownName, markdown(results, provenance: provenance)), (csvName, csv(results)),
                     (chartName, pretrainingChart(results).svg(width: 760, height: 440))]
        return try files.map { name, text in
            let url = directory.appendingPathComponent(name)
            try AtomicFile.write(text, to: url)
            return url
        }
    }

    static func markdown(_ results: Results, provenance: ReportProvenance) -> String {
        let experiment = ShortProtocolExperiment.self
        var lines = ["# Experiment short", "", provenance.markdown]
        lines.append("The paper's short-sequence protocol at CPU scale. Every kernel's encoder (cpu preset: 2 layers, width 64, 4 heads) is pre-trained as a "
                     + "masked language model (15% of tokens; 80/10/10 mask, random, keep) on the \(experiment.corpus) corpus with a byte-pair vocabulary "
                     + "of 2,000 ids learned on its training documents, for \(experiment.pretrainingSteps) steps of 32 windows of 128 tokens: the same "
                     + "\(ReportFormat.count(experiment.pretrainingSteps * 32 * 128)) training tokens for every kernel. Each short task is then trained "
                     + "for \(experiment.taskSteps) steps (batch 32, evaluation every 100 steps, the best-on-validation checkpoint tested) three times: "
                     + "fine-tuned from the best pre-training checkpoint of the same kernel and seed (`--init-from`: the encoder and its "
                     + "tokeniser, a new classifier head); from scratch on the task's bytes; and from scratch on the pre-training's subword "
                     + "tokens (`--tokenizer`), which is what the fine-tuned classifier reads. Mean ± std over seeds; n = finished runs "
                     + "(fine-tuned / bytes / subwords).")
        lines.append("")
        lines.append("## Pre-training (masked language model, \(experiment.corpus))")
        lines.append("")
        lines.append("| kernel | validation bits per byte | test bits per byte | test perplexity (per token) | training time | tokens/s | n |")
        lines.append("|---|---|---|---|---|---|---|")
        for kernel in experiment.kernels {
            let summaries = Array(results.pretrainingSummaries(of: kernel).values)
            let validation = SampleStatistics(summaries.map(\.validationBitsPerByte))
            let test = SampleStatistics(summaries.compactMap(\.testBitsPerByte))
            let perplexity = SampleStatistics(summaries.compactMap(\.testPerplexity))
            lines.append("| \(kernel) | \(decimal(validation)) | \(decimal(test)) | \(decimal(perplexity, digits: 1)) | "
                         + "\(ReportFormat.duration(SampleStatistics(summaries.map(\.trainingSeconds)))) | "
                         + "\(ReportFormat.count(summaries.isEmpty ? nil : Int(SampleStatistics(summaries.map(\.tokensPerSecond)).mean))) | \(summaries.count) |")
        }
        lines.append("")
        lines.append("Bits per byte: the masked positions' cross-entropy (in bits) summed over the whole split, divided by the bytes those positions' tokens spell, "
                     + "so they compare across tokenisers. Training time excludes evaluation; each run had the cores divided by `--jobs` as threads.")
        lines.append("")
        for task in experiment.tasks {
            lines.append("## \(task): test accuracy (%), fine-tuned against from scratch")
            lines.append("")
            let majority = (results.scratch.runs + results.fineTuned.runs + results.scratchSubwords.runs).first { $0.run.task == task && $0.summary != nil }?.summary?.majorityBaseline
            if let majority { lines.append("Always predicting the most frequent class scores \(String(format: "%.2f", 100 * majority))%.\n") }
            lines.append("| kernel | fine-tuned | from scratch, bytes | from scratch, subwords | fine-tuned − bytes | fine-tuned − subwords | n |")
            lines.append("|---|---|---|---|---|---|---|")
            for kernel in experiment.kernels {
                let accuracies = results.taskSweeps.map { Results.testAccuracies(in: $0.1, kernel: kernel, task: task) }
                let fineTuned = accuracies[0]
                func gain(over scratch: [UInt64: Double]) -> String {
                    signedPercent(SampleStatistics(fineTuned.keys.sorted().compactMap { seed in scratch[seed].map { fineTuned[seed]! - $0 } }))
                }
                lines.append("| \(kernel) | " + accuracies.map { ReportFormat.percent(SampleStatistics($0.values)) }.joined(separator: " | ")
                             + " | \(gain(over: accuracies[1])) | \(gain(over: accuracies[2])) | \(accuracies.map { String($0.count) }.joined(separator: " / ")) |")
            }
            lines.append("")
        }
        lines.append("Differences are paired by seed (fine-tuned seed s against from-scratch seed s) and given in percentage points. "
                     + "Every arm has the same architecture, steps, batch and optimiser and cuts each sequence at the task's 256 bytes; "
                     + "the fine-tuned and subword arms then re-encode those bytes into the pre-training's byte-pair tokens (fewer, longer tokens), "
                     + "so fine-tuned − subwords is the gain of pre-training alone, fine-tuned − bytes that of pre-training and tokeniser together.")
        lines.append("")
        lines.append("![validation bits per byte against pre-training steps](\(chartName))")
        lines.append("")
        lines.append("The figure shows the pre-training's validation bits per byte (periodic evaluations on the first 8 validation batches) against steps; "
                     + "the bands are ± one standard deviation over seeds.")
        lines.append("")
        lines.append("Every run's numbers: [\(csvName)](\(csvName)). The task sweeps' own reports (curves, costs, per-run tables): "
                     + [ShortProtocolExperiment.Stage.fineTuned, .scratch, .scratchSubwords].map { "[\($0.rawValue)](\($0.sweepFolder)/report.md)" }.joined(separator: ", ") + ".")
        return lines.joined(separator: "\n") + "\n"
    }

    /// One row per run of the four sweeps.
    static func csv(_ results: Results) -> String {
        var lines = ["stage,task,kernel,seed,status,validation_bits_per_byte,test_bits_per_byte,test_perplexity,test_accuracy,validation_accuracy,majority_baseline,best_step,steps,training_seconds"]
        func number(_ value: Double?) -> String { value.map { $0.isFinite ? String($0) : "nan" } ?? "" }
        for result in results.pretraining.runs {
            let summary = PretrainingRunSummary.read(from: result.directory)
            let status = result.status == .finished && summary == nil ? "failed" : result.status.rawValue
            lines.append([ShortProtocolExperiment.Stage.pretraining.rawValue, result.run.task, result.run.kernel, String(result.run.seed), status,
                          number(summary?.validationBitsPerByte), number(summary?.testBitsPerByte), number(summary?.testPerplexity), "", "", "",
                          summary.map { String($0.bestStep) } ?? "", summary.map { String($0.steps) } ?? "", number(summary?.trainingSeconds)]
                .map(ResultsCSV.quote).joined(separator: ","))
        }
        for (stage, sweep) in results.taskSweeps {
            for result in sweep.runs {
                let summary = result.status == .finished ? result.summary : nil
                lines.append([stage.rawValue, result.run.task, result.run.kernel, String(result.run.seed), result.reportedStatus, "", "", "",
                              number(summary?.testAccuracy), number(summary?.validationAccuracy), number(summary?.majorityBaseline),
                              summary.map { String($0.bestStep) } ?? "", summary.map { String($0.steps) } ?? "", number(summary?.trainingSeconds)]
                    .map(ResultsCSV.quote).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Validation bits per byte against pre-training steps, one band per kernel.
    static func pretrainingChart(_ results: Results) -> Chart {
        var chart = Chart(title: "Masked pre-training on \(ShortProtocolExperiment.corpus): validation bits per byte",
                          xLabel: "pre-training step", yLabel: "bits per byte", colorOrder: ShortProtocolExperiment.kernels)
        for kernel in ShortProtocolExperiment.kernels {
            let curves = results.pretraining.runs.filter { $0.run.kernel == kernel && $0.status == .finished }.compactMap { result -> [DataPoint]? in
                let points = result.metrics.validation.compactMap { point in point.bitsPerByte.map { DataPoint(x: Double(point.step), y: $0) } }
                return points.isEmpty ? nil : points
            }
            // Seeds evaluated at the same steps, so the band compares like with like.
            let longest = curves.map(\.count).max() ?? 0
            let complete = curves.filter { $0.count == longest }
            guard !complete.isEmpty else { continue }
            chart.add(SeriesSummary(runs: complete), name: kernel)
        }
        return chart
    }

    /// "3.142 ± 0.012"; "—" when there is no value.
    static func decimal(_ statistics: SampleStatistics, digits: Int = 3) -> String {
        guard statistics.count > 0, statistics.mean.isFinite else { return "—" }
        let mean = String(format: "%.\(digits)f", statistics.mean)
        return statistics.count > 1 ? mean + String(format: " ± %.\(digits)f", statistics.standardDeviation) : mean
    }

    /// "+4.20 ± 1.30" percentage points; "—" when there is no pair.
    static func signedPercent(_ statistics: SampleStatistics) -> String {
        guard statistics.count > 0, statistics.mean.isFinite else { return "—" }
        let mean = String(format: "%+.2f", 100 * statistics.mean)
        return statistics.count > 1 ? mean + String(format: " ± %.2f", 100 * statistics.standardDeviation) : mean
    }
}
