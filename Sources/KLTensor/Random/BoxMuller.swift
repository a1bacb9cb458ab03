/// The Box–Muller transform from two 32-bit random words to two independent standard normals,
/// in `Float`, with its own logarithm, sine and cosine.
///
/// The math is written out here (Cephes-style minimax polynomials, about 1 ulp in `Float`) rather
/// than called from the C library or the vectorised kernels for two reasons: the loops that use it
/// vectorise, so a normal costs a few nanoseconds; and the results are bit-identical on every
/// machine and instruction set (Swift does not contract `a * b + c` into FMAs), so a seed means the
/// same numbers everywhere.
///
/// Given words `a` and `b`:
/// - `u = (a >> 1 + 1/2) · 2^-31`, in `(0, 1]` (never 0, so the logarithm is finite; the largest
///   possible magnitude is sqrt(64 ln 2) ≈ 6.66, a tail of probability ≈ 3e-11),
/// - the angle is uniform on the circle: its quadrant is the top two bits of `b` and its offset
///   within the quadrant the next 22 bits,
/// - the outputs are `sqrt(-2 ln u) · (cos θ, sin θ)`.
enum BoxMuller {
    /// Returns two independent standard normal samples made from the words `a` and `b`.
    @inline(__always)
    static func pair(_ a: UInt32, _ b: UInt32) -> (Float, Float) {
        // Radius.
        let u = Float(Int32(bitPattern: a >> 1)) * 0x1p-31 + 0x1p-32
        // `magnitude` changes nothing (the logarithm is <= 0) but tells LLVM the square root cannot
        // set errno, so it becomes a vector instruction instead of a guarded call to `sqrtf`.
        let radius = (-2 * logUnitInterval(u)).magnitude.squareRoot()
        // Angle θ = q·π/2 + φ with φ uniform in [-π/4, π/4): a uniform angle shifted by a constant
        // is still uniform, and the small |φ| keeps the polynomials short.
        let quadrant = b >> 30
        let t = Float(Int32(bitPattern: (b >> 8) & 0x3F_FFFF)) * 0x1p-22  // [0, 1)
        let phi = (t - 0.5) * (Float.pi / 2)
        let phi2 = phi * phi
        let sine = phi + phi * phi2 * (-1.666_665_461_1e-1 + phi2 * (8.332_160_873_6e-3 + phi2 * -1.951_529_589_1e-4))
        let cosine = 1 - 0.5 * phi2
            + phi2 * phi2 * (4.166_664_568_298_827e-2 + phi2 * (-1.388_731_625_493_765e-3 + phi2 * 2.443_315_711_809_948e-5))
        // Rotate (cos φ, sin φ) by q quarter turns: swap for odd q, then fix the signs.
        let swap = quadrant & 1 != 0
        let x = swap ? sine : cosine
        let y = swap ? cosine : sine
        let signX = ((quadrant ^ (quadrant >> 1)) & 1) << 31  // negate x for q = 1, 2
        let signY = (quadrant >> 1) << 31  // negate y for q = 2, 3
        let rx = Float(bitPattern: x.bitPattern ^ signX)
        let ry = Float(bitPattern: y.bitPattern ^ signY)
        return (radius * rx, radius * ry)
    }

    /// Natural logarithm of `x` for normal (not subnormal) positive `x` not above 1, such as the
    /// uniforms above (Cephes `logf`: about 1 ulp).
    @inline(__always)
    static func logUnitInterval(_ x: Float) -> Float {
        let bits = x.bitPattern
        var exponent = Float(Int32(bitPattern: (bits >> 23) & 0xFF) - 126)
        var m = Float(bitPattern: (bits & 0x007F_FFFF) | 0x3F00_0000)  // [0.5, 1)
        // Bring m into [sqrt(1/2), sqrt(2)) so that m - 1 is small.
        let small = m < 0.707_106_781_186_547_524
        exponent = small ? exponent - 1 : exponent
        m = small ? m + m - 1 : m - 1
        let z = m * m
        var p: Float = 7.037_683_629_2e-2
        p = p * m - 1.151_461_031_0e-1
        p = p * m + 1.167_699_874_0e-1
        p = p * m - 1.242_014_084_6e-1
        p = p * m + 1.424_932_278_7e-1
        p = p * m - 1.666_805_766_5e-1
        p = p * m + 2.000_071_476_5e-1
        p = p * m - 2.499_999_399_3e-1
        p = p * m + 3.333_333_117_4e-1
        var y = m * z * p
        y += -2.121_944_400_546_905_827_68e-4 * exponent
        y += -0.5 * z
        return m + y + 0.693_359_375 * exponent
    }
}
