import KLTensor

/// Deterministic, seeded random partitions of a data set's examples, for the data sets that ship
/// without the splits a model needs (a validation set held out of a training file, or train,
/// validation and test cut from a single file).
///
/// The partition is a pure function of `(count, fractions, seed, purpose)`: a Philox permutation
/// whose key mixes the seed with a per-purpose constant (so, for one seed, different data sets and
/// the batch shuffles draw unrelated streams). Each part lists its indices in ascending order, so
/// examples keep their file order inside a split; the trainer's batcher shuffles them anyway.
enum SeededSplit {
    /// Splits `0 ..< count` at random: part `k + 1` has `round(fractions[k] · count)` indices
    /// (capped so the parts fit) and part 0, the remainder, the rest; so `[0.1, 0.1]` gives
    /// train, validation and test in the 80/10/10 proportions.
    static func partition(count: Int, fractions: [Double], seed: UInt64, purpose: UInt64) -> [[Int]] {
        var random = RandomGenerator(state: .init(key: key(seed: seed, purpose: purpose)))
        let order = random.permutation(count)
        var parts: [[Int]] = []
        var taken = 0
        for fraction in fractions {
            let size = Swift.min(Int((Double(count) * fraction).rounded()), count - taken)
            parts.append(order[taken..<(taken + size)].sorted())
            taken += size
        }
        return [order[taken...].sorted()] + parts
    }

    /// A Philox key from `seed` and a per-purpose constant: SplitMix64's finaliser of their mix.
    static func key(seed: UInt64, purpose: UInt64) -> UInt64 {
        var z = seed ^ purpose
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
