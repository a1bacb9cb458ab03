extension BytePairEncoding {
    /// Learns merges from `texts` (UTF-8 bytes, one element per document) until the vocabulary
    /// has `vocabularySize` ids, reserved ones included (so at most `vocabularySize - 258`
    /// merges), or until no adjacent pair occurs twice: a pair seen once would only memorise.
    ///
    /// Each step merges the most frequent adjacent pair within the chunks of `ByteChunks`; of
    /// equally frequent pairs, the one with the smallest left id, then right id (so the result
    /// depends only on the texts and the size, not on hashing or thread timing). Training works on
    /// the distinct chunks weighted by their counts, and each merge updates the pair counts of only
    /// the chunks that hold the pair, so a merge costs what it changes rather than a recount of the
    /// corpus. A `vocabularySize` below 258 throws `DataError.invalidConfiguration`.
    public static func train(on texts: some Sequence<[UInt8]>, vocabularySize: Int) throws -> BytePairEncoding {
        guard vocabularySize >= firstMergeID else {
            throw DataError.invalidConfiguration(
                "a byte-pair vocabulary needs at least \(firstMergeID) ids (padding, 256 bytes, mask), got \(vocabularySize)")
        }
        var chunks = DistinctChunks()
        for text in texts { chunks.add(text) }
        return BytePairEncoding(merges: chunks.learnMerges(count: vocabularySize - firstMergeID))
    }
}

/// The distinct chunks of the training texts as token sequences, each with how often it occurs,
/// and the bookkeeping of byte-pair training over them.
private struct DistinctChunks {
    /// Each distinct chunk of two or more bytes (one byte has no pair), as its current tokens.
    var words: [[Int32]] = []
    /// How often each word occurs in the texts.
    var counts: [Int] = []
    /// The index of each chunk's word, by its bytes.
    var indexOfChunk: [ArraySlice<UInt8>: Int] = [:]

    /// Adds the chunks of `text`.
    mutating func add(_ text: [UInt8]) {
        text.withUnsafeBufferPointer { buffer in
            ByteChunks.forEach(in: buffer) { range in
                guard range.count > 1 else { return }
                let chunk = text[range]
                if let index = indexOfChunk[chunk] {
                    counts[index] += 1
                } else {
                    indexOfChunk[chunk] = words.count
                    words.append(chunk.map { Int32(ByteTokenizer.id(of: $0)) })
                    counts.append(1)
                }
            }
        }
    }

    /// Learns up to `count` merges (fewer when no pair occurs twice).
    mutating func learnMerges(count: Int) -> [BytePairEncoding.Merge] {
        // How often each adjacent pair occurs, and which words may hold it (possibly listed twice,
        // or no longer holding it: both are skipped when the pair is merged).
        var pairCounts: [UInt64: Int] = [:]
        var holders: [UInt64: [Int32]] = [:]
        for (word, symbols) in words.enumerated() {
            for index in 0..<(symbols.count - 1) {
                let pair = BytePairEncoding.key(symbols[index], symbols[index + 1])
                pairCounts[pair, default: 0] += counts[word]
                holders[pair, default: []].append(Int32(word))
            }
        }
        var queue = PairQueue(pairCounts.map { PairQueue.Entry(count: $0.value, pair: $0.key) })
        var merges: [BytePairEncoding.Merge] = []
        var lastVisit = [Int](repeating: -1, count: words.count)
        while merges.count < count, let best = queue.pop() {
            guard pairCounts[best.pair] == best.count else { continue }
            guard best.count >= 2 else { break }
            let rank = merges.count
            let left = Int32(best.pair >> 32), right = Int32(truncatingIfNeeded: best.pair)
            let merged = Int32(BytePairEncoding.firstMergeID + rank)
            merges.append(.init(Int(left), Int(right)))
            var changes: [UInt64: Int] = [:]
            for word in holders.removeValue(forKey: best.pair) ?? [] where lastVisit[Int(word)] != rank {
                lastVisit[Int(word)] = rank
                let old = words[Int(word)]
                var new = old
                BytePairEncoding.replace(left, right, with: merged, in: &new)
                guard new.count < old.count else { continue }
                let weight = counts[Int(word)]
                for index in 0..<(old.count - 1) {
                    changes[BytePairEncoding.key(old[index], old[index + 1]), default: 0] -= weight
                }
                for index in 0..<(new.count - 1) {
                    let pair = BytePairEncoding.key(new[index], new[index + 1])
                    changes[pair, default: 0] += weight
                    // Only pairs with the new token are new to this word; it is listed for the others.
                    if new[index] == merged || new[index + 1] == merged { holders[pair, default: []].append(word) }
                }
                words[Int(word)] = new
            }
            for (pair, change) in changes where change != 0 {
                let updated = pairCounts[pair, default: 0] + change
                if updated == 0 {
                    pairCounts[pair] = nil
                } else {
                    pairCounts[pair] = updated
                    queue.push(.init(count: updated, pair: pair))
                }
            }
        }
        return merges
    }
}
