import Foundation

/// ListOps examples ready for a model: token ids from `ListOpsTokenizer` (parentheses dropped,
/// operators and `]` kept), truncated to a maximum length, with the 10-way label.
///
/// Loads LRA-format TSV files (ours or LRA's released ones), or converts generated examples
/// directly, so training can run with or without files on disk.
public struct ListOpsDataset: Hashable, Sendable {
    /// The number of classes: the values 0–9.
    public static let classCount = 10
    /// LRA's input length for ListOps (sequences are truncated to it).
    public static let defaultMaximumLength = 2000

    /// The examples in file (or input) order.
    public var examples: [ClassificationExample]

    /// A data set of already-tokenised examples.
    public init(examples: [ClassificationExample]) {
        self.examples = examples
    }

    /// Tokenises `examples`, keeping at most `maximumLength` tokens of each (nil: no limit).
    public init(_ examples: [ListOpsExample], maximumLength: Int? = defaultMaximumLength) {
        let tokenizer = ListOpsTokenizer()
        self.init(examples: examples.map { Self.example(source: $0.source, label: $0.label, tokenizer: tokenizer, maximumLength: maximumLength) })
    }

    /// Reads and tokenises one TSV file (header `Source\tTarget` required, labels 0–9), keeping at
    /// most `maximumLength` tokens of each example (nil: no limit). Throws `DataError` naming the
    /// file and line of the first bad row.
    public init(contentsOf url: URL, maximumLength: Int? = defaultMaximumLength) throws {
        precondition(maximumLength.map { $0 > 0 } ?? true, "maximumLength must be positive")
        let tokenizer = ListOpsTokenizer()
        let rows = try TSVDataset(contentsOf: url, classCount: Self.classCount).rows
        self.init(examples: rows.map { Self.example(source: $0.source, label: $0.label, tokenizer: tokenizer, maximumLength: maximumLength) })
    }

    /// Loads the train, validation and test files found in `directory` by `ListOpsFiles.locate(in:)`;
    /// a training or validation file without examples is `DataError.noRows` naming it.
    public static func splits(
        in directory: URL, maximumLength: Int? = defaultMaximumLength
    ) throws -> (train: ListOpsDataset, validation: ListOpsDataset, test: ListOpsDataset) {
        let files = try ListOpsFiles.locate(in: directory)
        let train = try ListOpsDataset(contentsOf: files.train, maximumLength: maximumLength)
        let validation = try ListOpsDataset(contentsOf: files.validation, maximumLength: maximumLength)
        // Training and model selection need examples: a header-only file is named here, not reported
        // later as an empty split.
        for (dataset, url) in [(train, files.train), (validation, files.validation)] where dataset.examples.isEmpty {
            throw DataError.noRows(path: url.path)
        }
        return (train, validation, try ListOpsDataset(contentsOf: files.test, maximumLength: maximumLength))
    }

    /// The number of examples.
    public var count: Int { examples.count }

    /// One tokenised, truncated example.
    private static func example(
        source: String, label: Int, tokenizer: ListOpsTokenizer, maximumLength: Int?
    ) -> ClassificationExample {
        let limit = maximumLength ?? Int.max
        if let (tokens, originalLength) = fastEncode(source, limit: limit) {
            return ClassificationExample(tokens: tokens, label: label, originalLength: originalLength)
        }
        let tokens = tokenizer.encode(source)
        guard tokens.count > limit else { return ClassificationExample(tokens: tokens, label: label) }
        return ClassificationExample(tokens: Array(tokens[..<limit]), label: label, originalLength: tokens.count)
    }

    /// The ids `ListOpsTokenizer.encode` gives, keyed by the token's packed bytes (see `pack`).
    private static let packedIDs: [UInt64: Int]? = {
        var ids: [UInt64: Int] = [:]
        for (index, token) in ListOpsTokenizer.vocabulary.enumerated() {
            guard let key = pack(token.utf8) else { return nil }
            ids[key] = index + 1
        }
        return ids
    }()

    /// Up to 7 bytes packed into one integer, the count in the top byte; nil for longer tokens
    /// (which are never in the vocabulary).
    @inline(__always)
    private static func pack(_ bytes: some Sequence<UInt8>) -> UInt64? {
        var key: UInt64 = 0
        var count: UInt64 = 0
        for byte in bytes {
            if count == 7 { return nil }
            key |= UInt64(byte) << (8 * count)
            count += 1
        }
        return key | count << 56
    }

    /// `ListOpsTokenizer().encode(source)` computed on the UTF-8 bytes without a `Substring` per
    /// token (about 30× faster, which matters for LRA's 96,000 × 7 KB training file), keeping the
    /// first `limit` ids and counting all of them. Returns nil, so the caller uses the tokeniser
    /// itself, for non-ASCII text (where splitting bytes and splitting `Character`s could differ).
    private static func fastEncode(_ source: String, limit: Int) -> (tokens: [Int], count: Int)? {
        guard let packedIDs else { return nil }
        var source = source
        return source.withUTF8 { bytes -> (tokens: [Int], count: Int)? in
            var tokens: [Int] = []
            tokens.reserveCapacity(Swift.min(limit, bytes.count / 2 + 1))
            var count = 0
            var start = 0
            let end = bytes.count
            while start < end {
                let byte = bytes[start]
                if byte >= 0x80 { return nil }
                if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") {
                    start += 1
                    continue
                }
                var stop = start + 1
                while stop < end {
                    let next = bytes[stop]
                    if next == UInt8(ascii: " ") || next == UInt8(ascii: "\t") || next == UInt8(ascii: "\n") { break }
                    if next >= 0x80 { return nil }
                    stop += 1
                }
                defer { start = stop }
                if stop - start == 1 && (byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")")) { continue }
                count += 1
                if tokens.count < limit {
                    let id = pack(UnsafeBufferPointer(rebasing: bytes[start..<stop])).flatMap { packedIDs[$0] }
                    tokens.append(id ?? ListOpsTokenizer.unknownID)
                }
            }
            return (tokens, count)
        }
    }
}
