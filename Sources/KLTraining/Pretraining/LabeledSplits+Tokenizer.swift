import Foundation
import KLTasks

extension LabeledSplits {
    /// These splits with every sequence's byte ids (b + 1, as the text tasks give them) re-encoded
    /// by `tokenizer`, and the vocabulary the tokeniser's: how a text task is fed to a model
    /// pre-trained (and fine-tuned) with a subword vocabulary. The tasks truncate in bytes, so a
    /// sequence holds at most as many tokens as it held bytes. Throws when an id is not a byte id.
    public func reencoded(with tokenizer: BytePairEncoding) throws -> LabeledSplits {
        func encode(_ ids: [Int]) throws -> [Int] {
            guard let bad = ids.first(where: { !(1...256).contains($0) }) else {
                return tokenizer.encode(bytes: ids.lazy.map { UInt8($0 - 1) })
            }
            throw TrainingError.invalidSetting("a subword tokeniser re-encodes bytes, but the task holds token id \(bad), which is not a byte id (1...256)")
        }
        func encode(_ examples: [ClassificationExample]) throws -> [ClassificationExample] {
            try examples.map { example in
                ClassificationExample(tokens: try encode(example.tokens), label: example.label, pairedTokens: try example.pairedTokens.map(encode))
            }
        }
        return LabeledSplits(train: try encode(train), validation: try encode(validation), test: try encode(test),
                             vocabularySize: tokenizer.vocabularySize, classCount: classCount)
    }
}

extension Checkpoint.Contents {
    /// The subword tokeniser stored in the checkpoint (a pre-trained language model, or a
    /// classifier fine-tuned from one), or nil when it reads the task's own ids; a damaged entry
    /// throws, naming the file.
    public func storedTokenizer() throws -> BytePairEncoding? {
        try metadata[PretrainingSetup.tokenizerKey].map {
            try BytePairEncoding(fileData: Data($0.utf8), source: "\(url.path) (metadata \(PretrainingSetup.tokenizerKey))")
        }
    }
}
