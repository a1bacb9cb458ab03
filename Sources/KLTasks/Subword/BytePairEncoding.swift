/// A subword vocabulary learned by byte-level byte-pair encoding: the 256 bytes, then one token
/// per learned merge of two earlier tokens, applied within the chunks `ByteChunks` cuts.
///
/// Ids: 0 is padding (`paddingID`), byte `b` is `b + 1` (1…256, as `ByteTokenizer` and LRA),
/// 257 is the mask token of masked-language-model objectives (`maskID`), and merge `k` (0-based,
/// in the order training learned them) makes token `258 + k`. So `vocabularySize` is
/// `258 + merges.count`, and a vocabulary with no merges is byte-level tokenisation with a mask.
///
/// Since every byte is a token, any UTF-8 text, in any script, encodes and decodes back to itself,
/// whatever the training text was: there is no unknown token. Encoding a chunk merges, again and
/// again, the adjacent pair whose merge was learned first, which gives the segmentation training
/// gave that chunk. Learn one with `train(on:vocabularySize:)`, keep it with `write(to:)` and
/// `init(contentsOf:)`.
public struct BytePairEncoding: TextTokenizer, Equatable {
    /// One learned merge: the two tokens whose adjacent occurrences become one new token.
    public struct Merge: Hashable, Sendable {
        /// The id of the left token.
        public var left: Int
        /// The id of the right token.
        public var right: Int

        /// A merge of `left` followed by `right`.
        public init(_ left: Int, _ right: Int) {
            self.left = left
            self.right = right
        }
    }

    /// The padding id, which no text encodes to.
    public static let paddingID = 0
    /// The mask id, which no text encodes to (for masked-language-model objectives).
    public static let maskID = 257
    /// The id of the first merged token; below it lie padding, the 256 bytes and the mask.
    public static let firstMergeID = 258

    /// The learned merges, in the order they were learned; merge `k` makes id `firstMergeID + k`.
    public let merges: [Merge]
    /// The id each merged pair (packed by `key`) makes; a lower id was learned earlier.
    private let mergedID: [UInt64: Int32]
    /// The bytes each id stands for (none for padding and the mask).
    private let expansions: [[UInt8]]

    /// A vocabulary from its merges. Each merge must join two byte or earlier-merge ids, and no
    /// pair may be merged twice; `init(contentsOf:)` checks this for files, here it is a
    /// precondition (merges come from training or a checked file).
    public init(merges: [Merge]) {
        precondition(Self.problem(in: merges) == nil, Self.problem(in: merges) ?? "")
        self.merges = merges
        var mergedID: [UInt64: Int32] = [:]
        var expansions: [[UInt8]] = [[]] + (0...255).map { [UInt8($0)] } + [[]]
        for (rank, merge) in merges.enumerated() {
            mergedID[Self.key(merge.left, merge.right)] = Int32(Self.firstMergeID + rank)
            expansions.append(expansions[merge.left] + expansions[merge.right])
        }
        self.mergedID = mergedID
        self.expansions = expansions
    }

    /// Why `merges` is not a valid merge list (the first fault found), or nil when it is.
    static func problem(in merges: [Merge]) -> String? {
        var seen = Set<Merge>()
        for (rank, merge) in merges.enumerated() {
            let newID = firstMergeID + rank
            for id in [merge.left, merge.right] where !(1...256).contains(id) && !(firstMergeID..<newID).contains(id) {
                return "merge \(rank) (token \(newID)) joins id \(id), which is not a byte (1…256) or an earlier merge (258…\(newID - 1))"
            }
            guard seen.insert(merge).inserted else {
                return "merge \(rank) (token \(newID)) repeats the pair (\(merge.left), \(merge.right))"
            }
        }
        return nil
    }

    /// Two equal vocabularies have the same merges in the same order.
    public static func == (lhs: BytePairEncoding, rhs: BytePairEncoding) -> Bool { lhs.merges == rhs.merges }

    /// The number of ids: padding, 256 bytes, the mask and one per merge.
    public var vocabularySize: Int { Self.firstMergeID + merges.count }

    /// The bytes token `id` stands for: empty for padding, the mask and ids outside the vocabulary.
    public func bytes(of id: Int) -> [UInt8] {
        expansions.indices.contains(id) ? expansions[id] : []
    }

    /// The ids of `text`'s UTF-8 bytes.
    public func encode(_ text: String) -> [Int] {
        encode(bytes: text.utf8)
    }

    /// The ids of `bytes`: each chunk (`ByteChunks`) is merged on its own, and a chunk met again
    /// reuses its first encoding.
    public func encode(bytes: some Sequence<UInt8>) -> [Int] {
        let input = Array(bytes)
        var ids: [Int] = []
        ids.reserveCapacity(input.count / 2)
        var known: [ArraySlice<UInt8>: [Int32]] = [:]
        input.withUnsafeBufferPointer { buffer in
            ByteChunks.forEach(in: buffer) { range in
                let chunk = input[range]
                if let cached = known[chunk] {
                    ids.append(contentsOf: cached.lazy.map(Int.init))
                    return
                }
                var symbols = chunk.map { Int32(ByteTokenizer.id(of: $0)) }
                mergeAll(&symbols)
                known[chunk] = symbols
                ids.append(contentsOf: symbols.lazy.map(Int.init))
            }
        }
        return ids
    }

    /// Merges `symbols` in place until no adjacent pair is a learned merge, taking the
    /// earliest-learned pair first and all its occurrences left to right.
    private func mergeAll(_ symbols: inout [Int32]) {
        while symbols.count > 1 {
            var best = Int32.max
            for index in 0..<(symbols.count - 1) {
                if let id = mergedID[Self.key(symbols[index], symbols[index + 1])], id < best { best = id }
            }
            guard best != .max else { return }
            let merge = merges[Int(best) - Self.firstMergeID]
            Self.replace(Int32(merge.left), Int32(merge.right), with: best, in: &symbols)
        }
    }

    /// Replaces each occurrence of `left` followed by `right` in `symbols` by `merged`, scanning
    /// left to right (so `a a a` merged on `a a` gives `aa a`).
    static func replace(_ left: Int32, _ right: Int32, with merged: Int32, in symbols: inout [Int32]) {
        var read = 0, write = 0
        while read < symbols.count {
            if read + 1 < symbols.count, symbols[read] == left, symbols[read + 1] == right {
                symbols[write] = merged
                read += 2
            } else {
                symbols[write] = symbols[read]
                read += 1
            }
            write += 1
        }
        symbols.removeLast(symbols.count - write)
    }

    /// The bytes of `ids`; padding, the mask and ids outside the vocabulary give none.
    public func decodeBytes(_ ids: some Sequence<Int>) -> [UInt8] {
        ids.flatMap(bytes(of:))
    }

    /// The text of `ids` (reserved ids skipped); bytes that are not valid UTF-8 (a sequence cut
    /// between two tokens) become U+FFFD.
    public func decode(_ ids: some Sequence<Int>) -> String {
        String(decoding: decodeBytes(ids), as: UTF8.self)
    }

    /// The pair `(left, right)` packed into one dictionary key.
    @inline(__always)
    static func key<T: BinaryInteger>(_ left: T, _ right: T) -> UInt64 {
        UInt64(left) << 32 | UInt64(right)
    }
}
