import KLExperiments
import KLTraining
import KLTransformer

extension FuzzTarget {
    /// Sweep file text → a validated sweep plan (`SweepFile.parse`): TOML through TOMLKit's toml++,
    /// then every field's checks and the line finder of the messages. Inputs that are not UTF-8 are
    /// skipped, as `SweepFile.load` refuses them before parsing.
    static let sweep = FuzzTarget(
        name: "sweep", summary: "sweep file TOML → sweep plan (SweepFile, TOMLKit)", maximumLength: 4096,
        fixtures: [],
        seeds: {
            let full = """
                # a sweep
                kernels = ["GMM-PRF", "performer", "softmax"]
                tasks = ["listops"]
                seeds = [1, 2]
                features = [16, 32]
                max-lengths = [64]
                presets = ["cpu"]

                [train]
                steps = 20
                lr = 0.001
                frozen-eval = true
                pair-features = "concatenation"
                """
            let single = "task = 'pathfinder'\nkernels = [\"FAVOR+\"]\nseeds = [0]\n[train]\nfrozen-eval = false\nbatch-size = 8\n"
            let inline = "kernels = [ \"elu+1\" , ]\ntasks = [\"text\"]\nseeds = [3, 4]\ntrain = { steps = 1 }\n"
            return [full, single, inline].map { Array($0.utf8) }
        },
        read: { bytes in
            guard let text = String(validating: bytes, as: UTF8.self) else { return }
            _ = try SweepFile.parse(text, path: "fuzz.toml")
        },
        detectsLeaks: false,  // TOMLKit leaks on every parse
        dictionary: sweepDictionary)

    /// TOML syntax, the sweep file's keys, the options a sweep reserves, and every kernel, task and preset name.
    private static var sweepDictionary: [String] {
        let syntax = ["[", "[[", "]]", "[train]", " = ", "\"\"\"", "'''", "#", "\\", "\\u00e9", "{ a = 1 }", "true", "false",
                      "inf", "-inf", "nan", "0x7f", "0o17", "0b1", "1_000", "1979-05-27T07:32:00Z", "07:32:00", "1979-05-27",
                      "a.b", "\"k\"", "\r\n", "\u{FEFF}"]
        let keys = ["kernels", "tasks", "task", "seeds", "features", "max-lengths", "presets", "train", "command", "init-from-sweep",
                    "init-from-task", "\"pretrain\"", "\"shakespeare\""]
        let reserved: [String] = SweepCommand.allCases.flatMap { SweepRun.reservedOptions(for: $0) }.map { String($0.dropFirst(2)) }
        let kernels: [String] = Kernel.allCases.map { "\"\($0.rawValue)\"" }
        let tasks: [String] = TrainingTask.allCases.map { "\"\($0.rawValue)\"" }
        let presets: [String] = EncoderConfiguration.Preset.allCases.map { "\"\($0.rawValue)\"" }
        return syntax + keys + reserved + kernels + tasks + presets + LibFuzzerDictionary.edgeNumbers
    }
}
