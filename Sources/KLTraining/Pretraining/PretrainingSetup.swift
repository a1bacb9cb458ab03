import Foundation
import KLTasks

/// What a pre-training run predicts, from what, besides its optimiser settings: the objective, the
/// window length and the tokeniser. It is written into every checkpoint of the run (a resume must
/// match it, and fine-tuning and generation read the tokeniser from it).
public struct PretrainingSetup: Codable, Equatable, Sendable {
    /// The metadata key of the setup (JSON).
    public static let metadataKey = "klt.pretraining"
    /// The metadata key of the tokeniser (`BytePairEncoding.fileText`).
    public static let tokenizerKey = "klt.tokenizer"

    /// The objective.
    public var objective: PretrainingObjective
    /// Model inputs per window.
    public var inputLength: Int
    /// The name of the corpus it was pre-trained on (for reports).
    public var corpus: String

    /// A setup from its parts.
    public init(objective: PretrainingObjective, inputLength: Int, corpus: String) {
        self.objective = objective
        self.inputLength = inputLength
        self.corpus = corpus
    }

    /// The checkpoint metadata entries of this setup and `tokenizer`.
    public func metadata(tokenizer: BytePairEncoding) throws -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return [Self.metadataKey: String(decoding: try encoder.encode(self), as: UTF8.self), Self.tokenizerKey: tokenizer.fileText]
    }

    /// The setup and tokeniser stored in a checkpoint, or an error naming the file when it holds
    /// none (a classifier checkpoint) or a damaged one.
    public static func read(from contents: Checkpoint.Contents) throws -> (setup: PretrainingSetup, tokenizer: BytePairEncoding) {
        guard let text = contents.metadata[metadataKey], let tokenizer = try contents.storedTokenizer() else {
            throw TrainingError.incompatibleCheckpoint("\(contents.url.path) is not a pre-trained language model (it holds a \(contents.modelKind) and no tokeniser)")
        }
        let setup: PretrainingSetup
        do {
            setup = try JSONDecoder().decode(PretrainingSetup.self, from: Data(text.utf8))
        } catch {
            throw TrainingError.incompatibleCheckpoint("\(contents.url.path): its pre-training setup cannot be read (\(error))")
        }
        return (setup, tokenizer)
    }
}
