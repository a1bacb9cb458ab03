import Foundation

/// libFuzzer's own driver. SwiftPM renames an executable's `main`, so libFuzzer's `main` never runs;
/// `klt-fuzz` calls the driver itself, with the command line libFuzzer parses (flags such as
/// `-max_len=N`, then corpus folders) and the function it calls with each input.
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// Runs libFuzzer on one target.
enum LibFuzzer {
    /// The target the callback feeds; set once, before the driver starts.
    nonisolated(unsafe) private static var target: FuzzTarget?

    /// Fuzzes `target` with libFuzzer's command line `arguments` (the program's path first) and
    /// returns libFuzzer's exit status (it exits by itself on a crash, a timeout or a leak).
    static func run(_ target: FuzzTarget, arguments: [String]) -> Int32 {
        self.target = target
        var argc = Int32(arguments.count)
        // libFuzzer keeps pointers into argv for the whole run, so these strings are never freed.
        let argv = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: arguments.count + 1)
        for (index, argument) in arguments.enumerated() { argv[index] = strdup(argument) }
        argv[arguments.count] = nil
        var argvPointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
        return LLVMFuzzerRunDriver(&argc, &argvPointer) { data, size in
            LibFuzzer.target?.refusal(of: Array(UnsafeBufferPointer(start: data, count: size)))
            return 0
        }
    }
}
