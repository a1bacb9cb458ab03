import ArgumentParser
import Foundation
import KLTasks
import KLTensor
import KLTraining
import KLTransformer

/// `klt generate`: continue a prompt with a causal language model from `klt pretrain --objective
/// causal`. Linear kernels generate from their recurrent state (constant time and memory per
/// token), softmax from a key-value cache.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate text from a causal language model checkpoint.",
        discussion: """
            Prints the prompt and its continuation. Linear kernels decode from a recurrent state (the same \
            logits as the parallel causal pass, constant cost per token); softmax from a key-value cache. The \
            same checkpoint, prompt, settings and --seed give the same text. --temperature 0 is greedy.
            """)

    @Option(help: "A causal language model checkpoint (`klt pretrain --objective causal`).")
    var checkpoint: String
    @Option(help: "The text to continue (at least one token once encoded).")
    var prompt: String
    @Option(parsing: .unconditional, help: "Tokens to generate.")
    var tokens = 200
    @Option(parsing: .unconditional, help: "Softmax temperature (0 = greedy).")
    var temperature: Float = 0.8
    @Option(parsing: .unconditional, help: "Draw only from the k most likely tokens (default: all).")
    var topK: Int?
    @Option(parsing: .unconditional, help: "Seed of the sampling.")
    var seed: UInt64 = 1
    @Option(parsing: .unconditional, help: "Worker threads (default: $\(ThreadCount.environmentKey) or every core).")
    var threads: Int?

    func validate() throws {
        guard tokens >= 1 else { throw ValidationError("--tokens must be positive, got \(tokens)") }
        guard temperature >= 0, temperature.isFinite else { throw ValidationError("--temperature must be a non-negative number, got \(temperature)") }
        if let topK, topK < 1 { throw ValidationError("--top-k must be at least 1, got \(topK)") }
        guard !prompt.isEmpty else { throw ValidationError("--prompt must not be empty") }
        if let threads, !(1...ThreadCount.maximum).contains(threads) {
            throw ValidationError("--threads must be in 1...\(ThreadCount.maximum), got \(threads)")
        }
    }

    func run() throws {
        if let threads { Parallel.threadCount = threads }
        let contents = try Checkpoint.read(from: URL(fileURLWithPath: checkpoint))
        let (_, tokenizer) = try PretrainingSetup.read(from: contents)
        let model = try CausalLanguageModel(configuration: contents.configuration, seed: 0)
        try Checkpoint.restore(contents, into: model)
        let promptIDs = tokenizer.encode(prompt)
        let positions = model.configuration.maxLength
        guard promptIDs.count + tokens - 1 <= positions else {
            throw ValidationError("the model has \(positions) positions and the prompt takes \(promptIDs.count) tokens: ask for at most \(max(positions - promptIDs.count + 1, 0)) with --tokens (pre-train with a larger --length for longer texts)")
        }
        var sampler = TokenSampler(temperature: temperature, topK: topK, seed: seed)
        let started = DispatchTime.now().uptimeNanoseconds
        let generated = model.generate(prompt: promptIDs, count: tokens, sampler: &sampler)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        print(prompt + tokenizer.decode(generated))
        fflush(nil)   // the text first, then the figures on standard error
        FileHandle.standardError.write(Data(String(format: "%d prompt + %d generated tokens in %.2f s (%.1f tokens/s), kernel %@\n",
                                                   promptIDs.count, tokens, seconds, Double(promptIDs.count + tokens) / max(seconds, 1e-9),
                                                   contents.configuration.kernel).utf8))
    }
}
