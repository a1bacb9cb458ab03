/// A ListOps expression tree, stored compactly as its tokens in prefix order (the source without
/// parentheses): an operator, its arguments, then `]`.
///
/// Prefix order with a closing `]` determines the tree uniquely, and it is exactly the token
/// sequence whose count LRA calls the length, so one flat byte array serves for generation,
/// deduplication, serialisation (`source`, LRA's `to_string`) and evaluation (`value`, LRA's
/// `to_value`) without a node allocation per subtree.
public struct ListOpsTree: Hashable, Sendable {
    /// One token of a tree in prefix order.
    public enum Token: Hashable, Sendable {
        /// A leaf value 0–9.
        case digit(Int)
        /// The operator that opens a subtree.
        case operation(ListOpsOperator)
        /// The `]` that closes the innermost open subtree.
        case close
    }

    /// Token codes in prefix order: 0–9 digits, `operatorBase + rawValue` operators, `closeCode` `]`.
    var codes: [UInt8]

    /// Code of the first operator.
    static let operatorBase: UInt8 = 10
    /// Code of `]`.
    static let closeCode: UInt8 = 14

    /// A tree from its prefix codes (already well formed; used by the generator).
    init(codes: [UInt8]) {
        self.codes = codes
    }

    /// A single leaf holding `digit` (0–9).
    public static func leaf(_ digit: Int) -> ListOpsTree {
        precondition((0...9).contains(digit), "a ListOps leaf is a digit 0–9, got \(digit)")
        return ListOpsTree(codes: [UInt8(digit)])
    }

    /// The subtree applying `operation` to `arguments` (at least one; LRA's generator always uses
    /// two or more, but `to_string` and `to_value` accept one).
    public static func operation(_ operation: ListOpsOperator, _ arguments: [ListOpsTree]) -> ListOpsTree {
        precondition(!arguments.isEmpty, "a ListOps operation needs at least one argument")
        var codes = [operatorBase + UInt8(operation.rawValue)]
        codes.reserveCapacity(2 + arguments.reduce(0) { $0 + $1.codes.count })
        for argument in arguments { codes += argument.codes }
        codes.append(closeCode)
        return ListOpsTree(codes: codes)
    }

    /// The tokens in prefix order (the source without parentheses).
    public var tokens: [Token] {
        codes.map { code in
            if code < Self.operatorBase { return .digit(Int(code)) }
            if code == Self.closeCode { return .close }
            return .operation(ListOpsOperator(rawValue: Int(code - Self.operatorBase))!)
        }
    }

    /// LRA's length: the number of tokens once parentheses are removed (1 for a leaf, 2 plus the
    /// arguments' lengths for an operation).
    public var length: Int { codes.count }

    /// The operator at the root, or nil for a leaf.
    public var rootOperator: ListOpsOperator? {
        let first = codes[0]
        return first < Self.operatorBase ? nil : ListOpsOperator(rawValue: Int(first - Self.operatorBase))
    }

    /// The serialised source, byte for byte what LRA's `to_string` gives for the left-nested
    /// binary tuple `((((op, c0), c1), …), ']')`: an operation with `n` arguments is written as
    /// `"( "` repeated `n + 1` times, the operator, then `" " + argument + " )"` for each argument,
    /// then `" ] )"`. MAX over 2 and 9 is `( ( ( [MAX 2 ) 9 ) ] )`.
    public var source: String {
        // Pass 1: the number of arguments of each operator (indexed by its position).
        var argumentCounts = [Int32](repeating: 0, count: codes.count)
        var open: [Int] = []
        open.reserveCapacity(16)
        for (position, code) in codes.enumerated() {
            if code == Self.closeCode {
                open.removeLast()
                continue
            }
            if let parent = open.last { argumentCounts[parent] += 1 }
            if code >= Self.operatorBase { open.append(position) }
        }
        // Pass 2: emit. Every token except the root is an argument, so it is preceded by " "
        // and its subtree is followed by " )".
        var bytes: [UInt8] = []
        bytes.reserveCapacity(codes.count * 8)
        let space = UInt8(ascii: " ")
        let argumentEnd: [UInt8] = Array(" )".utf8)
        var depth = 0
        for (position, code) in codes.enumerated() {
            if code == Self.closeCode {
                bytes.append(contentsOf: " ] )".utf8)
                depth -= 1
                if depth > 0 { bytes.append(contentsOf: argumentEnd) }
                continue
            }
            if depth > 0 { bytes.append(space) }
            if code < Self.operatorBase {
                bytes.append(UInt8(ascii: "0") + code)
                if depth > 0 { bytes.append(contentsOf: argumentEnd) }
            } else {
                for _ in 0...Int(argumentCounts[position]) {
                    bytes.append(UInt8(ascii: "("))
                    bytes.append(space)
                }
                bytes.append(contentsOf: Self.operatorTokens[Int(code - Self.operatorBase)])
                depth += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The operator tokens as bytes, indexed by raw value.
    private static let operatorTokens: [[UInt8]] = ListOpsOperator.allCases.map { Array($0.token.utf8) }

    /// The expression's value (the label), as LRA's `to_value` computes it: each operator is
    /// applied to its arguments' values when its `]` is reached.
    public var value: Int {
        var values: [Int] = []
        var frames: [(operation: ListOpsOperator, start: Int)] = []
        values.reserveCapacity(64)
        for code in codes {
            if code < Self.operatorBase {
                values.append(Int(code))
            } else if code == Self.closeCode {
                let frame = frames.removeLast()
                let result = frame.operation.apply(to: values[frame.start...])
                values.removeSubrange(frame.start...)
                values.append(result)
            } else {
                frames.append((ListOpsOperator(rawValue: Int(code - Self.operatorBase))!, values.count))
            }
        }
        return values[0]
    }
}
