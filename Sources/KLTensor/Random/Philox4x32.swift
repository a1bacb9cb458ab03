import CKLKernels

/// The Philox4x32-10 block function of Salmon, Moraes, Dror and Shaw, "Parallel random numbers:
/// as easy as 1, 2, 3" (SC 2011), as specified by their Random123 library.
///
/// Philox is a keyed bijection of 128-bit counters: block `i` of a stream is `philox(counter: i,
/// key: k)`, so any block can be computed without computing the ones before it. That is what lets
/// `RandomGenerator` fill a buffer from several threads and still produce, for each element, the
/// value fixed by its index alone.
///
/// One round maps the counter words `(c0, c1, c2, c3)` and key words `(k0, k1)` to
/// `(hi(M1·c2) ^ c1 ^ k0, lo(M1·c2), hi(M0·c0) ^ c3 ^ k1, lo(M0·c0))`, with 32×32→64-bit products
/// split into high and low halves; between rounds the key is bumped by the Weyl constants
/// `(W0, W1)`. Ten rounds are applied.
enum Philox4x32 {
    /// Multiplier applied to counter word 0 in each round.
    static let multiplier0: UInt64 = 0xD251_1F53
    /// Multiplier applied to counter word 2 in each round.
    static let multiplier1: UInt64 = 0xCD9E_8D57
    /// Added to key word 0 between rounds (the golden ratio, 2^32 / φ).
    static let keyBump0: UInt32 = 0x9E37_79B9
    /// Added to key word 1 between rounds (sqrt(3) - 1, times 2^32).
    static let keyBump1: UInt32 = 0xBB67_AE85

    /// Encrypts one 128-bit counter, given as four 32-bit words (word 0 least significant), under
    /// the 64-bit key `(k0, k1)`; returns the four output words.
    @inline(__always)
    static func block(
        _ c0: UInt32, _ c1: UInt32, _ c2: UInt32, _ c3: UInt32, key k0: UInt32, _ k1: UInt32
    ) -> (UInt32, UInt32, UInt32, UInt32) {
        var x0 = c0, x1 = c1, x2 = c2, x3 = c3
        var key0 = k0, key1 = k1
        @inline(__always) func round() {
            let p0 = multiplier0 &* UInt64(x0)
            let p1 = multiplier1 &* UInt64(x2)
            let y0 = UInt32(truncatingIfNeeded: p1 >> 32) ^ x1 ^ key0
            let y1 = UInt32(truncatingIfNeeded: p1)
            let y2 = UInt32(truncatingIfNeeded: p0 >> 32) ^ x3 ^ key1
            let y3 = UInt32(truncatingIfNeeded: p0)
            x0 = y0; x1 = y1; x2 = y2; x3 = y3
        }
        round()
        for _ in 1..<10 {
            key0 &+= keyBump0
            key1 &+= keyBump1
            round()
        }
        return (x0, x1, x2, x3)
    }

    /// Encrypts the 128-bit counter `counter` (as `(low, high)` 64-bit halves) under the 64-bit
    /// `key`, whose low half is Random123's key word 0.
    @inline(__always)
    static func block(counter: PhiloxCounter, key: UInt64) -> (UInt32, UInt32, UInt32, UInt32) {
        block(
            UInt32(truncatingIfNeeded: counter.low), UInt32(truncatingIfNeeded: counter.low >> 32),
            UInt32(truncatingIfNeeded: counter.high), UInt32(truncatingIfNeeded: counter.high >> 32),
            key: UInt32(truncatingIfNeeded: key), UInt32(truncatingIfNeeded: key >> 32))
    }

    /// Computes `count` consecutive blocks, for counters `first, first + 1, ...` (wrapping modulo
    /// 2^128), storing output word `k` of block `j` at `lanes[k][j]`: four separate lanes, so the
    /// consumers' loops read contiguous memory and vectorise. Runs in C across vector lanes
    /// (`kl_philox_blocks`), each lane computing exactly `block`'s words.
    @inline(__always)
    static func blocks(
        first: PhiloxCounter, count: Int, key: UInt64,
        _ lane0: UnsafeMutablePointer<UInt32>, _ lane1: UnsafeMutablePointer<UInt32>,
        _ lane2: UnsafeMutablePointer<UInt32>, _ lane3: UnsafeMutablePointer<UInt32>
    ) {
        guard count > 0 else { return }
        kl_philox_blocks(first.low, first.high, key, count, lane0, lane1, lane2, lane3)
    }
}

/// A 128-bit Philox counter: the index of a block in a generator's stream.
struct PhiloxCounter: Equatable {
    /// The least significant 64 bits.
    var low: UInt64
    /// The most significant 64 bits.
    var high: UInt64

    /// The counter `offset` blocks further on, wrapping modulo 2^128.
    @inline(__always)
    func advanced(by offset: UInt64) -> PhiloxCounter {
        let (sum, carry) = low.addingReportingOverflow(offset)
        return PhiloxCounter(low: sum, high: carry ? high &+ 1 : high)
    }
}
