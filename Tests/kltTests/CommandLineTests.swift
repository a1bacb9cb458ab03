import ArgumentParser
import Testing
@testable import klt

/// `klt`'s argument handling: bad values are refused with a message naming the option.
@Suite struct CommandLineTests {
    /// The error message `klt` would print for these arguments, or nil when they parse.
    static func parseError(_ arguments: [String]) -> String? {
        do {
            _ = try KLT.parseAsRoot(arguments)
            return nil
        } catch {
            return KLT.message(for: error)
        }
    }

    @Test func defaultsParse() {
        #expect(Self.parseError(["train"]) == nil)
        #expect(Self.parseError(["kernels"]) == nil)
        #expect(Self.parseError(["data", "listops", "--output", "/tmp/x"]) == nil)
    }

    @Test(arguments: [
        (["train", "--kernel", "nope"], "--kernel"),
        (["train", "--preset", "huge"], "--preset"),
        (["train", "--task", "imagenet"], "--task"),
        (["train", "--steps", "0"], "--steps"),
        (["train", "--steps", "many"], "steps"),
        (["train", "--lr", "-1"], "--lr"),
        (["train", "--schedule", "linear"], "--schedule"),
        (["train", "--clip", "0"], "--clip"),
        (["eval", "--checkpoint", "x", "--split", "dev"], "--split"),
        (["eval"], "checkpoint"),
    ])
    func badArgumentsAreNamed(arguments: [String], option: String) throws {
        let message = try #require(Self.parseError(arguments))
        #expect(message.contains(option), "message '\(message)' does not name \(option)")
    }

    @Test func kernelAliasesAreAccepted() {
        #expect(Self.parseError(["train", "--kernel", "mix-gauss-positive"]) == nil)
        #expect(Self.parseError(["train", "--kernel", "FastFood-RKS"]) == nil)
    }
}
