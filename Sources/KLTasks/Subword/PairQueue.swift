/// A max-priority queue of adjacent-pair counts for byte-pair training: the most frequent pair
/// comes out first, and of equally frequent pairs the one with the smallest ids (left, then
/// right), which makes training's choice deterministic.
///
/// Training never updates an entry in place: it pushes a pair again when its count changes, and
/// skips, when popped, an entry whose count is no longer the pair's (lazy deletion). A binary
/// heap on an array.
struct PairQueue {
    /// One entry: a pair (packed by `BytePairEncoding.key`) and its count when pushed.
    struct Entry {
        /// The pair's count when the entry was pushed.
        var count: Int
        /// The pair, `left << 32 | right`.
        var pair: UInt64

        /// Whether `self` comes out before `other`: a higher count, or the same and smaller ids.
        func precedes(_ other: Entry) -> Bool {
            count != other.count ? count > other.count : pair < other.pair
        }
    }

    /// The heap, `entries[0]` first.
    private var entries: [Entry]

    /// A queue of `entries` (heapified in linear time).
    init(_ entries: [Entry]) {
        self.entries = entries
        for index in stride(from: entries.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
    }

    /// Adds `entry`.
    mutating func push(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].precedes(entries[parent]) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the first entry, or nil when the queue is empty.
    mutating func pop() -> Entry? {
        guard let first = entries.first else { return nil }
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            siftDown(0)
        }
        return first
    }

    /// Moves the entry at `index` down until neither child precedes it.
    private mutating func siftDown(_ index: Int) {
        var parent = index
        while true {
            var first = parent
            for child in [2 * parent + 1, 2 * parent + 2] where child < entries.count && entries[child].precedes(entries[first]) {
                first = child
            }
            guard first != parent else { return }
            entries.swapAt(parent, first)
            parent = first
        }
    }
}
