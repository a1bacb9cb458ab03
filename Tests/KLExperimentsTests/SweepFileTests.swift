import Foundation
import Testing
@testable import KLExperiments

/// Sweep files: a valid file gives the grid; every kind of mistake is refused before any run, naming
/// the line and the field.
@Suite struct SweepFileTests {
    static let valid = """
        # a sweep
        kernels = ["GMM-PRF", "performer", "softmax"]
        tasks = ["listops"]
        seeds = [1, 2]
        features = [16, 32]

        [train]
        steps = 20
        lr = 0.001
        frozen-eval = true
        pair-features = "concatenation"
        """

    @Test func validFileGivesTheGrid() throws {
        let plan = try SweepFile.parse(Self.valid, path: "s.toml")
        #expect(plan.kernels == ["GMM-PRF", "FAVOR+", "softmax"])
        #expect(plan.seeds == [1, 2])
        #expect(plan.features == [16, 32])
        #expect(plan.trainArguments == ["--steps", "20", "--lr", "0.001", "--frozen-eval", "--pair-features", "concatenation"])
        #expect(plan.runs.count == 3 * 2 * 2)
        // Seeds outermost: every kernel and feature count at seed 1 comes before seed 2.
        #expect(plan.runs.prefix(6).allSatisfy { $0.seed == 1 })
        #expect(Set(plan.runs.map(\.name)).count == plan.runs.count)
    }

    @Test(arguments: [
        ("kernels = [\"GMM-PRF\", \"nope\"]\ntasks = [\"listops\"]\nseeds = [1]\n", 1, "kernels", "unknown kernel 'nope'"),
        ("kernels = [\"GMM-PRF\"]\ntasks = [\"listops\"]\nseeds = [1]\ncolour = \"red\"\n", 4, "colour", "unknown field"),
        ("kernels = [\"GMM-PRF\"]\nseeds = [1]\nseeds = [2]\n", 3, nil, "redefine"),
        ("kernels = [\"GMM-PRF\"]\ntasks = [\"listops\"]\n\nseeds = [1, -2]\n", 4, "seeds", "must not be negative"),
        ("kernels = []\ntasks = [\"listops\"]\nseeds = [1]\n", 1, "kernels", "is empty"),
        ("kernels = [\"GMM-PRF\"]\ntasks = [\"listops\"]\nseeds = [1, 1]\n", 3, "seeds", "listed twice"),
        ("kernels = [\"GMM-PRF\", \"mix-gauss-positive\"]\ntasks = [\"listops\"]\nseeds = [1]\n", 1, "kernels", "listed twice"),
        ("kernels = [\"GMM-PRF\"]\ntasks = [\"imagenet\"]\nseeds = [1]\n", 2, "tasks", "unknown task"),
        ("kernels = [\"GMM-PRF\"]\ntasks = [\"listops\"]\nseeds = [1]\n[train]\nsteps = 5\nseed = 3\n", 6, "train.seed", "set by the sweep"),
        ("kernels = \"GMM-PRF\"\ntasks = [\"listops\"]\nseeds = [1]\n", 1, "kernels", "must be an array"),
        ("command = \"finetune\"\nkernels = [\"GMM-PRF\"]\ntasks = [\"listops\"]\nseeds = [1]\n", 1, "command", "unknown command 'finetune'"),
        ("command = \"pretrain\"\nkernels = [\"GMM-PRF\"]\ntasks = [\"listops\"]\nseeds = [1]\n", 3, "tasks", "unknown corpus 'listops'"),
        ("command = \"pretrain\"\nkernels = [\"GMM-PRF\"]\ntask = \"gcide\"\nseeds = [1]\n[train]\ncorpus = \"x\"\n", 6, "train.corpus", "set by the sweep"),
        ("kernels = [\"GMM-PRF\"]\ntasks = [\"trec\"]\nseeds = [1]\ninit-from-task = 3\n", 4, "init-from-task", "non-empty string"),
    ] as [(String, Int, String?, String)])
    func mistakesAreRefusedWithLineAndField(text: String, line: Int, field: String?, message: String) throws {
        do {
            _ = try SweepFile.parse(text, path: "sweep.toml")
            Issue.record("accepted: \(text)")
        } catch let error as SweepError {
            guard case .invalidFile(let path, let errorLine, let errorField, let errorMessage) = error else {
                Issue.record("unexpected \(error)"); return
            }
            #expect(path == "sweep.toml")
            #expect(errorLine == line, "\(error)")
            #expect(errorField == field, "\(error)")
            #expect(errorMessage.contains(message), "\(error)")
            #expect(error.description.hasPrefix("sweep.toml:\(line):"), "\(error)")
        }
    }

    @Test func pretrainingAndFineTuningSweepsAreFiles() throws {
        let pretraining = try SweepFile.parse("command = \"pretrain\"\nkernels = [\"softmax\"]\ntask = \"shakespeare\"\nseeds = [1]\n[train]\nvocabulary-size = 500\n",
                                              path: "pre.toml")
        #expect(pretraining.runCommand == .pretrain && pretraining.trainArguments == ["--vocabulary-size", "500"])
        let tuning = try SweepFile.parse("kernels = [\"softmax\"]\ntasks = [\"trec\"]\nseeds = [1]\ninit-from-sweep = \"pre\"\ninit-from-task = \"shakespeare\"\n",
                                         path: "tune.toml")
        #expect(tuning.runCommand == .train && tuning.initialisingSweep == "pre" && tuning.initialisingTask == "shakespeare")
        #expect(throws: SweepError.self) {
            try SweepFile.parse("kernels = [\"softmax\"]\ntasks = [\"trec\"]\nseeds = [1]\ninit-from-task = \"shakespeare\"\n", path: "t.toml")
        }
    }

    @Test func trainOptionsAreValidatedByTheGivenValidator() {
        let text = "kernels = [\"GMM-PRF\"]\ntask = \"listops\"\nseeds = [1]\n[train]\nsteps = -3\n"
        struct Refusal: Error, CustomStringConvertible { var description: String }
        #expect(throws: SweepError.invalidFile(path: "f", line: 5, field: "train.steps", message: "--steps must be positive")) {
            try SweepFile.parse(text, path: "f") { command, arguments in
                if command == .train && arguments == ["--steps", "-3"] { throw Refusal(description: "--steps must be positive") }
            }
        }
    }

    /// Table headers without a key, array elements that start with `}` or a Unicode line separator,
    /// and date-times whose `T` is not followed by a digit made toml++ 3.4.0 (inside TOMLKit) abort the
    /// process on a failed assertion (found by fuzzing `SweepFile.parse`, `scripts/fuzz.sh sweep`, the
    /// last one by CI's run); a NUL made it drop the rest of the file. All are refused before the
    /// parser sees them, with the line.
    @Test(arguments: [
        ("kernels = [\"GMM-PRF\"]\ntasks = [\"listops\"]\nseeds = [0]\n[}train]\nsteps = 3\n", 4, "found '}'"),
        ("[&", 1, "found '&'"),
        ("[[[a]]]\n", 1, "found '['"),
        ("[[=\n", 1, "found '='"),
        ("\u{FEFF}[\nkernels = [\"GMM-PRF\"]\n", 1, "found the end of the line"),
        ("s = \"\"\"\n[\n\"\"\"\nseeds = [\n  1,\n]\n  [\t#\n", 7, "found '#'"),
        ("kernels = [\"GMM-PRF\"]\nseeds = [1]\u{0}\nseeds = [2]\n", 2, "NUL character"),
        ("kernels = [\"GMM-PRF\"]\nseeds = [}!}}}}1, 2]\n", 2, "an array value is missing before '}'"),
        ("seeds = [\n  1, # one\n  }\n", 3, "an array value is missing before '}'"),
        ("seeds = [[1], [\u{2028}]]\n", 1, "a Unicode line separator (U+2028) where an array value should start"),
        ("kernels = [ [1979-05-27T-27T07:32:00Z\"text\"].skerneeds s = [", 1, "a date-time needs a time of digits after its 'T', found '-'"),
        ("a = 1\nwhen = 1979-05-27t", 2, "found the end of the file"),
    ] as [(String, Int, String)])
    func malformedTableHeadersAreRefusedBeforeTheParser(text: String, line: Int, message: String) {
        #expect {
            try SweepFile.parse(text, path: "sweep.toml")
        } throws: { error in
            guard case SweepError.invalidFile(let path, let errorLine, nil, let errorMessage) = error else { return false }
            return path == "sweep.toml" && errorLine == line && errorMessage.contains(message)
        }
    }

    /// Brackets, quotes and `#` inside strings, comments and multi-line arrays are not table headers,
    /// so the check before parsing refuses no valid TOML.
    @Test func theCheckBeforeParsingPassesValidTOML() {
        let text = #"""
            kernels = ["GMM-PRF"] # [&
            tasks = [
              "listops", # ]
            [
            ]]
            seeds = [[1, 2],
            [+3], [{a = 1}]]
            s = """
            [&
            a ""\"[}"""
            l = '''
            [{ ''''
            q = "\"[&"
            t = { a = [1, {b = 2}], c = [ ] }
            u = [{}, { x = "}" }, ]
            ["quoted key"]
            [ a . "b" ]
            [[arr]]
            [	-x ]
            """#
        #expect(TOMLPreflight.problem(in: text) == nil)
        #expect(TOMLPreflight.problem(in: Self.valid) == nil)
        // Dates and date-times that are valid TOML, and a bare key that looks like one, pass.
        #expect(TOMLPreflight.problem(in: "a = 1979-05-27\nb = 1979-05-27T07:32:00Z\nc = [1979-05-27t00:00:00]\n1979-05-27T-x = 1\n") == nil)
    }

    @Test func shardsSplitTheGridWithoutOverlap() throws {
        let plan = try SweepFile.parse(Self.valid, path: "s.toml")
        let slices = (0..<3).map { index in
            plan.runs.enumerated().filter { SweepShard(index: index, count: 3).contains(position: $0.offset) }.map(\.element.name)
        }
        #expect(slices.map(\.count).reduce(0, +) == plan.runs.count)
        #expect(Set(slices.flatMap { $0 }).count == plan.runs.count)
        #expect(SweepShard(parsing: "2/4") == SweepShard(index: 2, count: 4))
        #expect(SweepShard(parsing: "4/4") == nil)
        #expect(SweepShard(parsing: "-1/4") == nil)
        #expect(SweepShard(parsing: "1") == nil)
    }
}
