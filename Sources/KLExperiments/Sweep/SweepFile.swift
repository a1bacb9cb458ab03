import Foundation
import KLTraining
import KLTransformer
import TOMLKit

/// A sweep described in a TOML file. The axes are top-level arrays; `[train]` holds the `klt train`
/// options every run shares, under their long names without the dashes:
///
/// ```toml
/// kernels = ["GMM-PRF", "FAVOR+", "softmax"]   # required
/// tasks = ["listops"]                          # required ("task" for one)
/// seeds = [1, 2, 3]                            # required
/// features = [32, 64]                          # optional axes: features, max-lengths, presets
///
/// [train]
/// steps = 2000
/// lr = 1e-3
/// frozen-eval = true                           # a flag: true sets it, false leaves it out
/// ```
///
/// A stage of a curriculum adds `init-from-sweep = "stage-1"` at the top level: each run starts from
/// the best checkpoint of the run of the same name in that sweep folder (absolute, or relative to
/// the folder holding this sweep's folder; `SweepPlan.initialisingSweep`), or, with
/// `init-from-task = "shakespeare"`, of the run with the same axis values on that task
/// (`SweepPlan.initialisingTask`). `command = "pretrain"` makes every run a `klt pretrain` whose
/// tasks are corpora, its options under `[train]` too (`SweepPlan.command`; default `"train"`).
///
/// Everything is checked before any run starts, and a problem is reported with the file, the line
/// and the field: TOML syntax (and a key given twice) by the parser, unknown fields, wrong types,
/// unknown kernels, tasks and presets, negative seeds, repeated values, empty axes, and `[train]`
/// options that `klt train` (or `klt pretrain`) would refuse (through `validateArguments`).
public enum SweepFile {
    /// The top-level keys a sweep file may hold.
    static let axisKeys = ["kernels", "tasks", "task", "seeds", "features", "max-lengths", "presets"]
    /// The top-level key naming the sweep whose runs this one's start from.
    static let initialisingSweepKey = "init-from-sweep"
    /// The top-level key naming the task of the initialising sweep's runs.
    static let initialisingTaskKey = "init-from-task"
    /// The top-level key naming the subcommand of the runs.
    static let commandKey = "command"
    /// The top-level keys besides the axes and `[train]`.
    static let settingKeys = [initialisingSweepKey, initialisingTaskKey, commandKey]

    /// Parses and validates the sweep file at `url`. `validateArguments` receives each `[train]`
    /// option as arguments of the runs' subcommand and throws a message when it would refuse them.
    public static func load(_ url: URL, validateArguments: (SweepCommand, [String]) throws -> Void = { _, _ in }) throws -> SweepPlan {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SweepError.invalidFile(path: url.path, line: 0, field: nil, message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SweepError.invalidFile(path: url.path, line: 0, field: nil, message: "the file is not UTF-8 text")
        }
        return try parse(text, path: url.path, validateArguments: validateArguments)
    }

    /// Parses and validates sweep-file text; `path` names it in messages.
    public static func parse(_ text: String, path: String, validateArguments: (SweepCommand, [String]) throws -> Void = { _, _ in }) throws -> SweepPlan {
        if let (line, message) = TOMLPreflight.problem(in: text) {
            throw SweepError.invalidFile(path: path, line: line, field: nil, message: message)
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw SweepError.invalidFile(path: path, line: error.source.begin.line, field: nil, message: error.description)
        }
        let lines = TOMLKeyLines(text)
        func failure(_ key: String, section: String? = nil, _ message: String) -> SweepError {
            .invalidFile(path: path, line: lines.line(of: key, in: section), field: section.map { "\($0).\(key)" } ?? key, message: message)
        }
        for key in table.keys where !axisKeys.contains(key) && key != "train" && !settingKeys.contains(key) {
            throw failure(key, "unknown field; a sweep file holds \((axisKeys.filter { $0 != "task" } + settingKeys).joined(separator: ", ")) and a [train] table")
        }
        func setting(_ key: String, _ example: String) throws -> String? {
            guard let value = table[key] else { return nil }
            guard let string = value.string, !string.isEmpty else { throw failure(key, "must be a non-empty string, e.g. \(key) = \"\(example)\"") }
            return string
        }
        let command = try setting(commandKey, "pretrain").map { name in
            guard let command = SweepCommand(rawValue: name) else {
                throw failure(commandKey, "unknown command '\(name)'; available: \(SweepCommand.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return command
        } ?? .train
        if table.contains(key: "task") && table.contains(key: "tasks") {
            throw failure("task", "give either 'task' or 'tasks', not both")
        }

        func values(_ key: String, required: Bool) throws -> [TOMLValueConvertible]? {
            guard let value = table[key] else {
                if required { throw SweepError.invalidFile(path: path, line: 0, field: key, message: "missing; the grid needs at least one value on this axis") }
                return nil
            }
            guard let array = value.array else { throw failure(key, "must be an array, e.g. \(key) = [\(example(key))]") }
            let elements = Array(array)
            guard !elements.isEmpty else { throw failure(key, "is empty: the grid would have no runs") }
            return elements
        }
        func strings(_ key: String, required: Bool, check: (String) -> String?) throws -> [String]? {
            guard let elements = try values(key, required: required) else { return nil }
            let result = try elements.map { element -> String in
                guard let string = element.string else { throw failure(key, "every value must be a string, got \(element)") }
                if let problem = check(string) { throw failure(key, problem) }
                return string
            }
            return try distinct(result, key)
        }
        func integers(_ key: String, required: Bool, minimum: Int) throws -> [Int]? {
            guard let elements = try values(key, required: required) else { return nil }
            let result = try elements.map { element -> Int in
                guard let value = element.int else { throw failure(key, "every value must be an integer, got \(element)") }
                guard value >= minimum else {
                    throw failure(key, minimum == 0 ? "must not be negative, got \(value)" : "must be at least \(minimum), got \(value)")
                }
                return value
            }
            return try distinct(result, key)
        }
        func distinct<T: Hashable>(_ values: [T], _ key: String) throws -> [T] {
            var seen = Set<T>()
            for value in values where !seen.insert(value).inserted { throw failure(key, "the value \(value) is listed twice") }
            return values
        }

        let kernels = try strings("kernels", required: true) { name in
            AttentionKernel(named: name) == nil ? AttentionKernel.refusal(forName: name) : nil
        }!
        let paperNames = kernels.map { AttentionKernel(named: $0)!.name }
        if let repeated = Dictionary(grouping: paperNames, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw failure("kernels", "'\(repeated)' is listed twice (under two of its names)")
        }
        let checkTask = command.refusal(ofTask:)
        let tasks: [String]
        if let single = table["task"] {
            guard let name = single.string else { throw failure("task", "must be a string, e.g. task = \"listops\"") }
            if let problem = checkTask(name) { throw failure("task", problem) }
            tasks = [name]
        } else {
            tasks = try strings("tasks", required: true, check: checkTask)!
        }
        let seeds = try integers("seeds", required: true, minimum: 0)!.map(UInt64.init)
        let features = try integers("features", required: false, minimum: 1)
        let maxLengths = try integers("max-lengths", required: false, minimum: 1)
        let presets = try strings("presets", required: false) { name in
            EncoderConfiguration.Preset(rawValue: name) == nil
                ? "unknown preset '\(name)'; available: \(EncoderConfiguration.Preset.allCases.map(\.rawValue).joined(separator: ", "))" : nil
        }

        var trainArguments: [String] = []
        if let train = table["train"] {
            guard let options = train.table else { throw failure("train", "must be a table: [train] followed by option = value lines") }
            for key in options.keys.sorted(by: { lines.line(of: $0, in: "train") < lines.line(of: $1, in: "train") }) {
                let option = "--" + key
                if SweepRun.reservedOptions(for: command).contains(option) {
                    throw failure(key, section: "train", "is set by the sweep for each run; make it an axis or leave it out")
                }
                let value = options[key]!
                var arguments: [String]
                if value.bool != nil {
                    arguments = [option]
                } else if let int = value.int {
                    arguments = [option, String(int)]
                } else if let double = value.double {
                    arguments = [option, String(double)]
                } else if let string = value.string {
                    arguments = [option, string]
                } else {
                    throw failure(key, section: "train", "must be a number, a string or true/false")
                }
                do {
                    try validateArguments(command, arguments)
                } catch {
                    throw failure(key, section: "train", "\(error)")
                }
                if value.bool == false { arguments = [] }
                trainArguments += arguments
            }
        }
        let initialisingSweep = try setting(initialisingSweepKey, "stage-1")
        let initialisingTask = try setting(initialisingTaskKey, "shakespeare")
        let plan = SweepPlan(kernels: kernels, tasks: tasks, seeds: seeds, features: features, maxLengths: maxLengths,
                             presets: presets, trainArguments: trainArguments, initialisingSweep: initialisingSweep,
                             initialisingTask: initialisingTask, command: command)
        do {
            try plan.validate()
        } catch let error as SweepError {
            throw SweepError.invalidFile(path: path, line: 0, field: nil, message: error.description)
        }
        return plan
    }

    /// An example value for a message about `key`.
    private static func example(_ key: String) -> String {
        switch key {
        case "kernels": "\"GMM-PRF\", \"FAVOR+\""
        case "tasks": "\"listops\""
        case "seeds": "1, 2, 3"
        case "presets": "\"cpu\""
        default: "32, 64"
        }
    }
}

/// Where keys stand in TOML text: TOMLKit gives values but not their positions, so messages about a
/// field find its line by reading the `key = …` lines under each `[table]` header.
struct TOMLKeyLines {
    private var lines: [String: Int] = [:]

    /// Indexes `text`; the first line that assigns a key wins (the parser refuses a second one).
    init(_ text: String) {
        var section = ""
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                section = line.dropFirst().prefix { $0 != "]" }.trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let equals = line.firstIndex(of: "="), !line.hasPrefix("#") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            let qualified = section.isEmpty ? key : section + "." + key
            if lines[qualified] == nil { lines[qualified] = index + 1 }
        }
    }

    /// The line of `key` in `section` (nil: top level), or 0 when it is not found.
    func line(of key: String, in section: String? = nil) -> Int {
        lines[section.map { $0 + "." + key } ?? key] ?? (section.flatMap { lines[$0] } ?? 0)
    }
}
