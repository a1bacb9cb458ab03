import Foundation

// klt-fuzz TARGET [libFuzzer flags] [corpus folders]   fuzz one reader (see `klt-fuzz --list`)
// klt-fuzz --list                                      the targets and their -max_len
// klt-fuzz --write-seeds DIR [TARGET...]               seed corpora into DIR/<target>/
//
// libFuzzer runs itself again for -merge, -fork, -jobs and -minimize_crash, with the command line
// it was given; the target is therefore also passed down in KLT_FUZZ_TARGET, which names it when
// the first argument does not.

let arguments = CommandLine.arguments
let environmentKey = "KLT_FUZZ_TARGET"

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("klt-fuzz: \(message)\n".utf8))
    exit(2)
}

func targets(_ names: some Collection<String>) -> [FuzzTarget] {
    names.isEmpty ? FuzzTarget.all : names.map { name in
        guard let target = FuzzTarget.named(name) else { fail("unknown target '\(name)'; `klt-fuzz --list` lists them") }
        return target
    }
}

switch arguments.dropFirst().first {
case "--list":
    for target in FuzzTarget.all {
        print(target.name.padding(toLength: 12, withPad: " ", startingAt: 0), "-max_len=\(target.maximumLength)".padding(toLength: 16, withPad: " ", startingAt: 0), target.summary)
    }
case "--write-seeds":
    guard arguments.count >= 3 else { fail("--write-seeds needs a folder") }
    do {
        for (name, count, refused) in try SeedWriter.write(targets(arguments.dropFirst(3)), to: URL(fileURLWithPath: arguments[2])) {
            print("\(name): \(count) seeds\(refused.isEmpty ? "" : ", refused by the reader:")")
            for line in refused { print("    " + line) }
        }
    } catch {
        fail("cannot write the seeds: \(error)")
    }
default:
    var rest = Array(arguments.dropFirst())
    let target: FuzzTarget
    if let first = rest.first, let named = FuzzTarget.named(first) {
        target = named
        rest.removeFirst()
    } else if let name = ProcessInfo.processInfo.environment[environmentKey], let named = FuzzTarget.named(name) {
        target = named
    } else {
        fail("usage: klt-fuzz TARGET [libFuzzer flags] [corpus folders], klt-fuzz --list, or klt-fuzz --write-seeds DIR [TARGET...]")
    }
    setenv(environmentKey, target.name, 1)
    // The target's flags come first, so those given on the command line win.
    var defaults = ["-max_len=\(target.maximumLength)"] + (target.detectsLeaks ? [] : ["-detect_leaks=0"])
    if !target.dictionary.isEmpty {
        do {
            let url = try ScratchFile.write(Array(LibFuzzerDictionary.text(target.dictionary).utf8), to: "\(target.name).dict")
            defaults.append("-dict=\(url.path)")
        } catch {
            fail("cannot write the dictionary: \(error)")
        }
    }
    exit(LibFuzzer.run(target, arguments: [arguments[0]] + defaults + rest))
}
