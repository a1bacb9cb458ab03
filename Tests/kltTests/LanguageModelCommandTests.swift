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

    @Test func pretrainBothObjectivesThenGenerateAndRefuseWhatCannotWork() throws {
        let root = try KLTProcess.freshFolder("klt-language-model-\(getpid())")
        defer { try? FileManager.default.removeItem(at: root) }
        let corpus = root.appendingPathComponent("toy.txt")
        try Self.corpus.write(to: corpus, atomically: true, encoding: .utf8)

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

        let fineTune = try KLTProcess.run(["train", "--task", "listops", "--preset", "tiny", "--steps", "2",
                                           "--init-from", masked.run.appendingPathComponent("best.safetensors").path,
                                           "--output-dir", root.appendingPathComponent("ft").path,
                                           "--cache-dir", root.appendingPathComponent("cache").path], log: root.appendingPathComponent("ft.log"))
        #expect(fineTune.status != 0 && fineTune.output.contains("is not a text task"), "\(fineTune.output)")
    }
}
