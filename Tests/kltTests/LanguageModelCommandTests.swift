import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `klt pretrain` and `klt generate` on a small text file: both objectives pre-train and report bits
/// per byte, a causal model generates the same text for the same seed, and what cannot work is
/// refused with the reason (generating from a masked model, too many tokens, fine-tuning a
/// non-text task from a text encoder).
@Suite struct LanguageModelCommandTests {
    static let corpus = (0..<30).map { "Paragraph \($0): the cat sat on the mat, and the dog sat on the log." }.joined(separator: "\n\n")

    static func pretrain(_ objective: String, in root: URL, corpus: URL) throws -> (status: Int32, output: String, run: URL) {
        let run = root.appendingPathComponent(objective)
        let result = try KLTProcess.run(["pretrain", "--corpus", corpus.path, "--objective", objective, "--preset", "tiny",
                                         "--vocabulary-size", "280", "--length", "16", "--steps", "6", "--eval-every", "3",
                                         "--batch-size", "4", "--output-dir", run.path], log: root.appendingPathComponent("\(objective).log"))
        return (result.status, result.output, run)
    }

    /// The toy corpus written into `root`.
    static func writeCorpus(in root: URL) throws -> URL {
        let url = root.appendingPathComponent("toy.txt")
        try corpus.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// Whether `klt eval` printed the test accuracy `klt train` reported.
    static func sameTestAccuracy(_ training: String, _ evaluation: String) -> Bool {
        let trained = training.components(separatedBy: "test accuracy ").last?.components(separatedBy: "%").first
        let evaluated = evaluation.components(separatedBy: "accuracy ").last?.components(separatedBy: "%").first
        return trained != nil && trained == evaluated
    }

    /// A folder holding a `sentences` data set of 60 long sentences, two classes by which animal sits.
    static func writeSentences(in root: URL) throws -> URL {
        let sentences = root.appendingPathComponent("sentences")
        try FileManager.default.createDirectory(at: sentences, withIntermediateDirectories: true)
        let rows = (0..<60).map { index in
            "\(index + 1)\t\(index % 2 == 0 ? "2.5" : "-2.5")\t" + String(repeating: index % 2 == 0 ? "the cat sat on the mat. " : "the dog sat on the log. ", count: 14)
        }
        try (["id\tsentiment\ttext"] + rows).joined(separator: "\r\n").appending("\r\n")
            .write(to: sentences.appendingPathComponent("movieReviewSnippets_GroundTruth.txt"), atomically: true, encoding: .utf8)
        return sentences
    }

    @Test func pretrainBothObjectivesThenGenerateAndRefuseWhatCannotWork() throws {
        let root = try KLTProcess.freshFolder("klt-language-model-\(getpid())")
        defer { try? FileManager.default.removeItem(at: root) }
        let corpus = try Self.writeCorpus(in: root)

        let masked = try Self.pretrain("masked", in: root, corpus: corpus)
        #expect(masked.status == 0 && masked.output.contains("bits per byte"), "\(masked.output)")
        let causal = try Self.pretrain("causal", in: root, corpus: corpus)
        #expect(causal.status == 0 && causal.output.contains("bits per byte"), "\(causal.output)")

        func generate(_ run: URL, _ extra: [String] = [], log: String) throws -> (status: Int32, output: String) {
            try KLTProcess.run(["generate", "--checkpoint", run.appendingPathComponent("best.safetensors").path, "--prompt", "the cat",
                                "--tokens", "8", "--seed", "4"] + extra, log: root.appendingPathComponent(log))
        }
        let first = try generate(causal.run, log: "g1.log"), second = try generate(causal.run, log: "g2.log")
        #expect(first.status == 0 && first.output.hasPrefix("the cat"), "\(first.output)")
        // The same text (the timing line on standard error after it differs).
        #expect(first.output.components(separatedBy: " prompt + ").first == second.output.components(separatedBy: " prompt + ").first)

        let fromMasked = try generate(masked.run, log: "g3.log")
        #expect(fromMasked.status != 0 && fromMasked.output.contains("holds a masked-language-model, not a causal-language-model"), "\(fromMasked.output)")
        let tooLong = try generate(causal.run, ["--tokens", "100"], log: "g4.log")
        #expect(tooLong.status != 0 && tooLong.output.contains("positions"), "\(tooLong.output)")

        // Fine-tuned on sentences (long ones, so the byte cut matters), `klt eval` re-encodes the task as
        // training did and scores the same test accuracy.
        let sentences = try Self.writeSentences(in: root)
        let tuned = root.appendingPathComponent("tuned")
        let trained = try KLTProcess.run(["train", "--task", "sentences", "--data-dir", sentences.path, "--preset", "tiny", "--steps", "4",
                                          "--eval-every", "2", "--batch-size", "8",
                                          "--init-from", masked.run.appendingPathComponent("best.safetensors").path,
                                          "--output-dir", tuned.path], log: root.appendingPathComponent("tuned.log"))
        #expect(trained.status == 0 && trained.output.contains("re-encoded the task"), "\(trained.output)")
        let evaluated = try KLTProcess.run(["eval", "--checkpoint", tuned.appendingPathComponent("best.safetensors").path,
                                            "--task", "sentences", "--data-dir", sentences.path], log: root.appendingPathComponent("eval.log"))
        #expect(evaluated.status == 0 && Self.sameTestAccuracy(trained.output, evaluated.output), "\(trained.output)\n\(evaluated.output)")

        let fineTune = try KLTProcess.run(["train", "--task", "listops", "--preset", "tiny", "--steps", "2",
                                           "--init-from", masked.run.appendingPathComponent("best.safetensors").path,
                                           "--output-dir", root.appendingPathComponent("ft").path,
                                           "--cache-dir", root.appendingPathComponent("cache").path], log: root.appendingPathComponent("ft.log"))
        #expect(fineTune.status != 0 && fineTune.output.contains("is not a text task"), "\(fineTune.output)")
    }

    /// `klt train --tokenizer`: a classifier from scratch on the pre-training's subword tokens (the
    /// from-scratch control of a fine-tuning), read from a checkpoint or a vocabulary file; `klt eval`
    /// re-encodes the same way; what cannot work is refused by name.
    @Test func trainFromScratchOnAPretrainedTokeniser() throws {
        let root = try KLTProcess.freshFolder("klt-tokenizer-\(getpid())")
        defer { try? FileManager.default.removeItem(at: root) }
        let corpus = try Self.writeCorpus(in: root)
        let masked = try Self.pretrain("masked", in: root, corpus: corpus)
        #expect(masked.status == 0, "\(masked.output)")
        let checkpoint = masked.run.appendingPathComponent("best.safetensors").path
        let sentences = try Self.writeSentences(in: root)
        func train(_ name: String, _ extra: [String]) throws -> (status: Int32, output: String) {
            try KLTProcess.run(["train", "--task", "sentences", "--data-dir", sentences.path, "--preset", "tiny", "--steps", "4", "--eval-every", "2",
                                "--batch-size", "8", "--output-dir", root.appendingPathComponent(name).path] + extra,
                               log: root.appendingPathComponent("\(name).log"))
        }
        let scratch = try train("scratch", ["--tokenizer", checkpoint])
        #expect(scratch.status == 0 && scratch.output.contains("re-encoded the task with the given tokeniser (280 ids)"), "\(scratch.output)")
        let evaluated = try KLTProcess.run(["eval", "--checkpoint", root.appendingPathComponent("scratch/best.safetensors").path,
                                            "--task", "sentences", "--data-dir", sentences.path], log: root.appendingPathComponent("eval.log"))
        #expect(evaluated.status == 0 && Self.sameTestAccuracy(scratch.output, evaluated.output), "\(scratch.output)\n\(evaluated.output)")

        let vocabulary = root.appendingPathComponent("bpe.json")
        let written = try KLTProcess.run(["data", "corpus", corpus.path, "--vocabulary-size", "280", "--tokenizer-output", vocabulary.path],
                                         log: root.appendingPathComponent("corpus.log"))
        #expect(written.status == 0, "\(written.output)")
        let fromFile = try train("file", ["--tokenizer", vocabulary.path])
        #expect(fromFile.status == 0 && fromFile.output.contains("(280 ids)"), "\(fromFile.output)")

        let both = try train("both", ["--tokenizer", checkpoint, "--init-from", checkpoint])
        #expect(both.status != 0 && both.output.contains("brings its own tokeniser"), "\(both.output)")
        let bytes = try train("bytes", [])
        #expect(bytes.status == 0, "\(bytes.output)")
        let noVocabulary = try train("none", ["--tokenizer", root.appendingPathComponent("bytes/best.safetensors").path])
        #expect(noVocabulary.status != 0 && noVocabulary.output.contains("holds no byte-pair vocabulary"), "\(noVocabulary.output)")
        let listops = try KLTProcess.run(["train", "--task", "listops", "--preset", "tiny", "--steps", "2", "--tokenizer", checkpoint,
                                          "--output-dir", root.appendingPathComponent("listops").path,
                                          "--cache-dir", root.appendingPathComponent("cache").path], log: root.appendingPathComponent("listops.log"))
        #expect(listops.status != 0 && listops.output.contains("is not a text task"), "\(listops.output)")
    }
}
