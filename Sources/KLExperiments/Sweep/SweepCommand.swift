import Foundation
import KLTasks
import KLTraining

/// The `klt` subcommand a sweep's runs are: classifiers trained on tasks, or language models
/// pre-trained on corpora. The task axis names a task for the one and a corpus for the other.
public enum SweepCommand: String, Codable, CaseIterable, Sendable {
    /// `klt train --task TASK`.
    case train
    /// `klt pretrain --corpus CORPUS`.
    case pretrain

    /// The option that takes the task axis's value.
    public var taskOption: String {
        switch self {
        case .train: "--task"
        case .pretrain: "--corpus"
        }
    }

    /// Why `value` cannot be on the task axis, or nil when it can: a task of `klt data tasks` for
    /// `train`; `shakespeare`, `gcide` or an existing text file for `pretrain`.
    public func refusal(ofTask value: String) -> String? {
        switch self {
        case .train:
            TrainingTask(rawValue: value) == nil
                ? "unknown task '\(value)'; available: \(TrainingTask.allCases.map(\.rawValue).joined(separator: ", "))" : nil
        case .pretrain:
            switch TextCorpusSource(argument: value) {
            case .shakespeare, .gcide: nil
            case .file(let url, _):
                FileManager.default.fileExists(atPath: url.path)
                    ? nil : "unknown corpus '\(value)': neither shakespeare, gcide nor an existing text file"
            }
        }
    }
}
