import KLTensor
import Testing
@testable import KLTasks

/// An evaluator and serialiser written independently of `ListOpsTree`, working on the tokens of a
/// serialised source, so the generator's labels and strings are checked against a second reading
/// of LRA's `to_value` and `to_string`.
private enum Reference {
    /// A parsed expression: a digit or an operator token with its arguments.
    indirect enum Node {
        case digit(Int)
        case operation(String, [Node])
    }

    /// The value of `source` by a stack machine over its tokens (parentheses ignored).
    static func evaluate(_ source: String) -> Int? {
        var stack: [(op: String, args: [Int])] = []
        var result: Int?
        for token in source.split(separator: " ") {
            switch token {
            case "(", ")":
                continue
            case "]":
                guard let frame = stack.popLast() else { return nil }
                let value = apply(frame.op, frame.args)
                if stack.isEmpty { result = value } else { stack[stack.count - 1].args.append(value) }
            case "[MIN", "[MAX", "[MED", "[SM":
                stack.append((String(token), []))
            default:
                guard let digit = Int(token), (0...9).contains(digit) else { return nil }
                if stack.isEmpty { result = digit } else { stack[stack.count - 1].args.append(digit) }
            }
        }
        return stack.isEmpty ? result : nil
    }

    /// LRA's operators, with the median computed as numpy does (a Double) and then truncated.
    static func apply(_ op: String, _ args: [Int]) -> Int {
        switch op {
        case "[MIN": return args.min()!
        case "[MAX": return args.max()!
        case "[SM": return args.reduce(0, +) % 10
        default:
            let sorted = args.sorted().map(Double.init)
            let n = sorted.count
            let median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
            return Int(median)
        }
    }

    /// The tree of `source`'s tokens with parentheses removed (prefix order, `]` closes).
    static func parse(_ source: String) -> Node {
        let tokens = source.split(separator: " ").filter { $0 != "(" && $0 != ")" }.map(String.init)
        var position = 0
        func node() -> Node {
            let token = tokens[position]
            position += 1
            if let digit = Int(token) { return .digit(digit) }
            var args: [Node] = []
            while tokens[position] != "]" { args.append(node()) }
            position += 1
            return .operation(token, args)
        }
        let root = node()
        precondition(position == tokens.count)
        return root
    }

    /// LRA's tuple form `((((op, c0), c1), …), ']')` and its `to_string`, written recursively.
    indirect enum Tuple {
        case text(String)
        case pair(Tuple, Tuple)
    }

    static func tuple(_ node: Node) -> Tuple {
        switch node {
        case .digit(let d):
            return .text(String(d))
        case .operation(let op, let args):
            var t = Tuple.pair(.text(op), tuple(args[0]))
            for arg in args.dropFirst() { t = .pair(t, tuple(arg)) }
            return .pair(t, .text("]"))
        }
    }

    static func toString(_ t: Tuple) -> String {
        switch t {
        case .text(let s): return s
        case .pair(let a, let b): return "( " + toString(a) + " " + toString(b) + " )"
        }
    }
}

@Suite struct ListOpsGeneratorTests {
    @Test func handCheckedTrees() {
        let max = ListOpsTree.operation(.maximum, [.leaf(2), .leaf(9)])
        #expect(max.source == "( ( ( [MAX 2 ) 9 ) ] )")
        #expect(max.value == 9)
        #expect(max.length == 4)
        #expect(max.rootOperator == .maximum)

        #expect(ListOpsTree.operation(.median, [.leaf(3), .leaf(4)]).value == 3)
        #expect(ListOpsTree.operation(.median, [.leaf(9), .leaf(0), .leaf(4)]).value == 4)
        #expect(ListOpsTree.operation(.median, [.leaf(1), .leaf(8), .leaf(2), .leaf(9)]).value == 5)
        #expect(ListOpsTree.operation(.sumModulo10, [.leaf(7), .leaf(8), .leaf(9)]).value == 4)
        #expect(ListOpsTree.operation(.minimum, [.leaf(7), .leaf(1), .leaf(9)]).value == 1)

        let nested = ListOpsTree.operation(.minimum, [max, .leaf(3)])
        #expect(nested.source == "( ( ( [MIN ( ( ( [MAX 2 ) 9 ) ] ) ) 3 ) ] )")
        #expect(nested.value == 3)
        #expect(nested.length == 7)
        #expect(nested.tokens == [.operation(.minimum), .operation(.maximum), .digit(2), .digit(9), .close, .digit(3), .close])
        #expect(ListOpsTree.leaf(5).source == "5")
        #expect(ListOpsTree.leaf(5).value == 5)
    }

    @Test func operatorTokensRoundTrip() {
        for op in ListOpsOperator.allCases { #expect(ListOpsOperator(token: op.token) == op) }
        #expect(ListOpsOperator(token: "[FIRST") == nil)
        #expect(ListOpsOperator.allCases.map(\.token) == ["[MIN", "[MAX", "[MED", "[SM"])
    }

    @Test func smallWindowStatistics() throws {
        let configuration = ListOpsGenerator.Configuration(
            minLength: 20, maxLength: 100, trainCount: 200, validationCount: 50, testCount: 50, seed: 7)
        let splits = try ListOpsGenerator(configuration: configuration).generate()
        #expect(splits.train.count == 200)
        #expect(splits.validation.count == 50)
        #expect(splits.test.count == 50)
        let all = splits.train + splits.validation + splits.test
        #expect(Set(all.map(\.source)).count == all.count)
        var rootOperators = Set<String>()
        var labels = Set<Int>()
        for example in all {
            #expect(example.length > 20 && example.length < 100)
            let tokens = example.source.split(separator: " ")
            #expect(example.length == tokens.filter { $0 != "(" && $0 != ")" }.count)
            #expect(Reference.evaluate(example.source) == example.label)
            #expect(Reference.toString(Reference.tuple(Reference.parse(example.source))) == example.source)
            rootOperators.insert(String(tokens.first { $0.hasPrefix("[") }!))
            labels.insert(example.label)
        }
        #expect(rootOperators == ["[MIN", "[MAX", "[MED", "[SM"])
        #expect(labels.count == 10)
    }

    @Test func sameSeedSameDataOtherSeedOtherData() throws {
        let configuration = ListOpsGenerator.Configuration(
            minLength: 10, maxLength: 60, trainCount: 40, validationCount: 10, testCount: 10, seed: 3)
        let first = try ListOpsGenerator(configuration: configuration).generate()
        let second = try ListOpsGenerator(configuration: configuration).generate()
        #expect(first == second)
        var other = configuration
        other.seed = 4
        #expect(try ListOpsGenerator(configuration: other).generate() != first)
    }

    @Test func defaultWindowMatchesLRAStatistics() throws {
        let generator = ListOpsGenerator(configuration: .init(seed: 11))
        var random = RandomGenerator(seed: 11)
        let (examples, draws) = try generator.generateExamples(count: 60, using: &random)
        #expect(examples.count == 60)
        for example in examples {
            #expect(example.length > 500 && example.length < 2000)
            #expect(Reference.evaluate(example.source) == example.label)
        }
        // LRA keeps about 8.2% of draws (data spec §2.7).
        let acceptance = Double(examples.count) / Double(draws)
        #expect(acceptance > 0.04 && acceptance < 0.14, "acceptance \(acceptance)")
    }

    @Test func sampledTreesFollowTheDepthAndArgumentLimits() {
        let generator = ListOpsGenerator(configuration: .init(maxDepth: 3, maxArguments: 4))
        var random = RandomGenerator(seed: 5)
        var sawOperation = false
        for _ in 0..<500 {
            let tree = generator.sampleTree(using: &random)
            var depth = 0
            var deepest = 0
            var counts: [Int] = []
            for token in tree.tokens {
                switch token {
                case .operation:
                    if !counts.isEmpty { counts[counts.count - 1] += 1 }
                    depth += 1
                    deepest = max(deepest, depth)
                    counts.append(0)
                    sawOperation = true
                case .close:
                    let arguments = counts.removeLast()
                    #expect(arguments >= 2 && arguments <= 4)
                    depth -= 1
                case .digit:
                    if !counts.isEmpty { counts[counts.count - 1] += 1 }
                }
            }
            // Operations can sit at depths 1 and 2 only: depth 3 is always a leaf.
            #expect(deepest <= 2)
        }
        #expect(sawOperation)
    }

    @Test func impossibleWindowsAreRejected() {
        #expect(throws: DataError.self) {
            try ListOpsGenerator(configuration: .init(minLength: 10, maxLength: 11)).generate()
        }
        #expect(throws: DataError.self) {
            try ListOpsGenerator(configuration: .init(maxArguments: 1)).generate()
        }
    }
}

@Suite struct ListOpsGeneratorExhaustionTests {
    /// Depth 2, two arguments, length exactly 4: the 4 × 10 × 10 = 400 trees `[OP a b ]`.
    let tiny = ListOpsGenerator(configuration: .init(maxDepth: 2, maxArguments: 2, minLength: 3, maxLength: 5))

    @Test func collectsEveryDistinctTree() throws {
        var random = RandomGenerator(seed: 1)
        let (examples, _) = try tiny.generateExamples(count: 400, using: &random, stallLimit: 50_000)
        #expect(Set(examples.map(\.source)).count == 400)
    }

    @Test func stallsWhenAskedForMoreThanExist() {
        var random = RandomGenerator(seed: 1)
        #expect(throws: DataError.self) {
            try tiny.generateExamples(count: 401, using: &random, stallLimit: 20_000)
        }
    }
}
