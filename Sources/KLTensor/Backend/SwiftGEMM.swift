import Dispatch

/// The built-in pure-Swift single-precision GEMM: the fallback when OpenBLAS is absent, and a
/// reference for tests and benchmarks.
///
/// Row-major `C = alpha·op(A)·op(B) + beta·C`, single-threaded (`GEMM` splits work across threads).
///
/// Design (Goto/BLIS-style, measured on the project's machines):
/// - `B` is packed into column panels of `nr = 16` floats per k-step (zero-padded at the right edge),
///   `kc` k-steps deep, so the micro-kernel reads it as one contiguous stream of `SIMD16<Float>`.
/// - `A` is *not* packed: the micro-kernel broadcasts `op(A)[i][p]` straight from the caller's
///   memory through a row stride and a column stride (which also covers a transposed `A`). Packing
///   `A` cost more than it saved: with it, skinny products such as 2048×16×64 ran at ~37 GFLOP/s,
///   without it at ~105 (Zen 4, native build).
/// - An 8×16 register tile (8 `SIMD16<Float>` accumulators). Wider 6×32 / 4×32 tiles waste half
///   their lanes when `n` = 16 (the model's per-head products) and were no faster for square sizes.
/// - Two micro-kernels differing only in the multiply-add: `acc.addProduct(a, b)` (one FMA
///   instruction when the module is built with `-Xswiftc -target-cpu -Xswiftc native`, but one
///   `fmaf` *library call per lane* in SwiftPM's default baseline-x86-64 build: 0.8 GFLOP/s) and
///   `a * b + acc` (two instructions, fine in both builds). `usesFusedMultiplyAdd` picks the
///   fused one only when a short probe shows it compiled to hardware FMA.
///
/// Concrete `Float`, no generics: cross-module generic SIMD code runs unspecialised (thousands of
/// times slower), see machine.md §2.3.
enum SwiftGEMM {
    /// Rows of the register tile (rows of `op(A)` / `C` per micro-kernel call).
    static let mr = 8
    /// Columns of the register tile: one `SIMD16<Float>`.
    static let nr = 16
    /// Rows of `op(A)` swept per packed `B` block before moving on (keeps those rows of `A` in L2).
    static let mc = 96
    /// Depth of a packed `B` block (k-steps per micro-kernel call); the 16-column micro-panel
    /// (`kc`·64 B = 24 KiB) stays in L1.
    static let kc = 384
    /// Columns of a packed `B` block (`kc`·`nc`·4 B = 768 KiB, sized for a 1–2 MiB L2).
    static let nc = 512

    /// Row-major `C = alpha·op(A)·op(B) + beta·C` on the calling thread.
    ///
    /// `op(A)` is m×k (`A` is k×m when `transposeA`), `op(B)` is k×n (`B` is n×k when `transposeB`),
    /// `C` is m×n; `lda`, `ldb`, `ldc` are the row strides (≥ the row widths). With `beta == 0`
    /// the old contents of `C` are never read (NaNs there do not propagate), as in BLAS.
    /// `fused` picks the micro-kernel (tests run both; callers keep the default).
    static func multiply(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int, fused: Bool = usesFusedMultiplyAdd
    ) {
        guard m > 0, n > 0 else { return }
        if k == 0 || alpha == 0 {
            scale(m: m, n: n, beta: beta, c: c, ldc: ldc)
            return
        }
        let kcMax = min(kc, k)
        let ncMax = min(nc, roundUp(n, nr))
        let packed = UnsafeMutableRawPointer.allocate(byteCount: kcMax * ncMax * 4, alignment: 64)
        defer { packed.deallocate() }
        let bPack = packed.bindMemory(to: Float.self, capacity: kcMax * ncMax)
        // op(A)[i][p] lives at a + i*rowStride + p*colStride.
        let rowStride = transposeA ? 1 : lda
        let colStride = transposeA ? lda : 1

        var jc = 0
        while jc < n {
            let ncb = min(nc, n - jc)
            var pc = 0
            while pc < k {
                let kcb = min(kc, k - pc)
                packB(transposeB: transposeB, b: b, ldb: ldb, row: pc, column: jc, depth: kcb, width: ncb, into: bPack)
                // The first k-block applies the caller's beta; later ones accumulate into C.
                let blockBeta: Float = pc == 0 ? beta : 1
                var ic = 0
                while ic < m {
                    let mcb = min(mc, m - ic)
                    var jr = 0
                    while jr < ncb {
                        let nrb = min(nr, ncb - jr)
                        let panel = UnsafePointer(bPack + jr * kcb)
                        var ir = 0
                        while ir < mcb {
                            let row = ic + ir
                            let aTile = a + row * rowStride + pc * colStride
                            let cTile = c + row * ldc + jc + jr
                            let mrb = min(mr, mcb - ir)
                            if fused {
                                kernelFused(depth: kcb, a: aTile, rowStride: rowStride, colStride: colStride, b: panel,
                                            c: cTile, ldc: ldc, rows: mrb, columns: nrb, alpha: alpha, beta: blockBeta)
                            } else {
                                kernelSeparate(depth: kcb, a: aTile, rowStride: rowStride, colStride: colStride, b: panel,
                                               c: cTile, ldc: ldc, rows: mrb, columns: nrb, alpha: alpha, beta: blockBeta)
                            }
                            ir += mr
                        }
                        jr += nr
                    }
                    ic += mc
                }
                pc += kc
            }
            jc += nc
        }
    }

    /// `C = beta·C` over the m×n region (the whole product when `k == 0` or `alpha == 0`);
    /// `beta == 0` writes zeros without reading `C`.
    static func scale(m: Int, n: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard beta != 1 else { return }
        for i in 0..<m {
            let row = c + i * ldc
            if beta == 0 {
                row.update(repeating: 0, count: n)
            } else {
                for j in 0..<n { row[j] *= beta }
            }
        }
    }

    @inline(__always)
    static func roundUp(_ value: Int, _ multiple: Int) -> Int { (value + multiple - 1) / multiple * multiple }

    /// Packs `op(B)[row ..< row+depth][column ..< column+width]` into panels of `nr` columns:
    /// panel `q` holds `depth` consecutive rows of 16 floats at `into + q*16*depth`, zero-padded
    /// past `width`.
    static func packB(
        transposeB: Bool, b: UnsafePointer<Float>, ldb: Int, row: Int, column: Int, depth: Int, width: Int,
        into destination: UnsafeMutablePointer<Float>
    ) {
        var jr = 0
        while jr < width {
            let columns = min(nr, width - jr)
            let panel = destination + jr * depth
            if !transposeB {
                // op(B)[p][j] = B[p*ldb + j]: copy 16 contiguous floats per k-step.
                let source = b + row * ldb + column + jr
                if columns == nr {
                    for p in 0..<depth {
                        let vector = UnsafeRawPointer(source + p * ldb).loadUnaligned(as: SIMD16<Float>.self)
                        UnsafeMutableRawPointer(panel + p * nr).storeBytes(of: vector, as: SIMD16<Float>.self)
                    }
                } else {
                    for p in 0..<depth {
                        let from = source + p * ldb, to = panel + p * nr
                        for j in 0..<columns { to[j] = from[j] }
                        for j in columns..<nr { to[j] = 0 }
                    }
                }
            } else {
                // op(B)[p][j] = B[j*ldb + p]: each column of the panel is a contiguous row of B.
                for j in 0..<columns {
                    let from = b + (column + jr + j) * ldb + row
                    for p in 0..<depth { panel[p * nr + j] = from[p] }
                }
                if columns < nr {
                    for p in 0..<depth {
                        for j in columns..<nr { panel[p * nr + j] = 0 }
                    }
                }
            }
            jr += nr
        }
    }

    // MARK: - Micro-kernels

    /// 8×16 tile of `C` from `depth` k-steps, with `acc.addProduct(a, b)` (hardware FMA only in a
    /// build with a target CPU; see `usesFusedMultiplyAdd`).
    ///
    /// Rows past `rows` re-read the last valid row of `A` (no out-of-bounds reads) and are
    /// discarded; columns past `columns` read the zero padding of the packed panel.
    @inline(__always)
    static func kernelFused(
        depth: Int, a: UnsafePointer<Float>, rowStride: Int, colStride: Int, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, columns: Int, alpha: Float, beta: Float
    ) {
        var c0 = SIMD16<Float>(), c1 = SIMD16<Float>(), c2 = SIMD16<Float>(), c3 = SIMD16<Float>()
        var c4 = SIMD16<Float>(), c5 = SIMD16<Float>(), c6 = SIMD16<Float>(), c7 = SIMD16<Float>()
        let rowBytes = rowStride &* 4, last = rows &- 1
        let o0 = 0, o1 = min(1, last) &* rowBytes, o2 = min(2, last) &* rowBytes, o3 = min(3, last) &* rowBytes
        let o4 = min(4, last) &* rowBytes, o5 = min(5, last) &* rowBytes
        let o6 = min(6, last) &* rowBytes, o7 = min(7, last) &* rowBytes
        let step = colStride &* 4
        var pa = UnsafeRawPointer(a)
        var pb = UnsafeRawPointer(b)
        for _ in 0..<depth {
            let bv = pb.loadUnaligned(as: SIMD16<Float>.self)
            c0.addProduct(SIMD16(repeating: pa.load(fromByteOffset: o0, as: Float.self)), bv)
            c1.addProduct(SIMD16(repeating: pa.load(fromByteOffset: o1, as: Float.self)), bv)
            c2.addProduct(SIMD16(repeating: pa.load(fromByteOffset: o2, as: Float.self)), bv)
            c3.addProduct(SIMD16(repeating: pa.load(fromByteOffset: o3, as: Float.self)), bv)
            c4.addProduct(SIMD16(repeating: pa.load(fromByteOffset: o4, as: Float.self)), bv)
            c5.addProduct(SIMD16(repeating: pa.load(fromByteOffset: o5, as: Float.self)), bv)
            c6.addProduct(SIMD16(repeating: pa.load(fromByteOffset: o6, as: Float.self)), bv)
            c7.addProduct(SIMD16(repeating: pa.load(fromByteOffset: o7, as: Float.self)), bv)
            pa += step
            pb += 64
        }
        storeTile(c0, c1, c2, c3, c4, c5, c6, c7, c: c, ldc: ldc, rows: rows, columns: columns, alpha: alpha, beta: beta)
    }

    /// The same tile as `kernelFused` with `a * b + acc` (separate multiply and add): fast in
    /// every build, and as fast as FMA on CPUs with separate add pipes (Zen 4), but at most half
    /// the FMA peak on Intel cores.
    @inline(__always)
    static func kernelSeparate(
        depth: Int, a: UnsafePointer<Float>, rowStride: Int, colStride: Int, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, columns: Int, alpha: Float, beta: Float
    ) {
        var c0 = SIMD16<Float>(), c1 = SIMD16<Float>(), c2 = SIMD16<Float>(), c3 = SIMD16<Float>()
        var c4 = SIMD16<Float>(), c5 = SIMD16<Float>(), c6 = SIMD16<Float>(), c7 = SIMD16<Float>()
        let rowBytes = rowStride &* 4, last = rows &- 1
        let o0 = 0, o1 = min(1, last) &* rowBytes, o2 = min(2, last) &* rowBytes, o3 = min(3, last) &* rowBytes
        let o4 = min(4, last) &* rowBytes, o5 = min(5, last) &* rowBytes
        let o6 = min(6, last) &* rowBytes, o7 = min(7, last) &* rowBytes
        let step = colStride &* 4
        var pa = UnsafeRawPointer(a)
        var pb = UnsafeRawPointer(b)
        for _ in 0..<depth {
            let bv = pb.loadUnaligned(as: SIMD16<Float>.self)
            c0 = SIMD16(repeating: pa.load(fromByteOffset: o0, as: Float.self)) * bv + c0
            c1 = SIMD16(repeating: pa.load(fromByteOffset: o1, as: Float.self)) * bv + c1
            c2 = SIMD16(repeating: pa.load(fromByteOffset: o2, as: Float.self)) * bv + c2
            c3 = SIMD16(repeating: pa.load(fromByteOffset: o3, as: Float.self)) * bv + c3
            c4 = SIMD16(repeating: pa.load(fromByteOffset: o4, as: Float.self)) * bv + c4
            c5 = SIMD16(repeating: pa.load(fromByteOffset: o5, as: Float.self)) * bv + c5
            c6 = SIMD16(repeating: pa.load(fromByteOffset: o6, as: Float.self)) * bv + c6
            c7 = SIMD16(repeating: pa.load(fromByteOffset: o7, as: Float.self)) * bv + c7
            pa += step
            pb += 64
        }
        storeTile(c0, c1, c2, c3, c4, c5, c6, c7, c: c, ldc: ldc, rows: rows, columns: columns, alpha: alpha, beta: beta)
    }

    /// Writes `alpha·acc + beta·C` for the valid `rows`×`columns` part of an 8×16 tile.
    @inline(__always)
    static func storeTile(
        _ c0: SIMD16<Float>, _ c1: SIMD16<Float>, _ c2: SIMD16<Float>, _ c3: SIMD16<Float>,
        _ c4: SIMD16<Float>, _ c5: SIMD16<Float>, _ c6: SIMD16<Float>, _ c7: SIMD16<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, columns: Int, alpha: Float, beta: Float
    ) {
        if rows == 8 && columns == 16 {
            storeRow(c0, to: c, alpha: alpha, beta: beta)
            storeRow(c1, to: c + ldc, alpha: alpha, beta: beta)
            storeRow(c2, to: c + 2 &* ldc, alpha: alpha, beta: beta)
            storeRow(c3, to: c + 3 &* ldc, alpha: alpha, beta: beta)
            storeRow(c4, to: c + 4 &* ldc, alpha: alpha, beta: beta)
            storeRow(c5, to: c + 5 &* ldc, alpha: alpha, beta: beta)
            storeRow(c6, to: c + 6 &* ldc, alpha: alpha, beta: beta)
            storeRow(c7, to: c + 7 &* ldc, alpha: alpha, beta: beta)
            return
        }
        withUnsafeTemporaryAllocation(of: SIMD16<Float>.self, capacity: 8) { tile in
            tile[0] = c0; tile[1] = c1; tile[2] = c2; tile[3] = c3
            tile[4] = c4; tile[5] = c5; tile[6] = c6; tile[7] = c7
            for r in 0..<rows {
                let accumulator = tile[r]
                let row = c + r * ldc
                for j in 0..<columns {
                    let value = alpha * accumulator[j]
                    row[j] = beta == 0 ? value : value + beta * row[j]
                }
            }
        }
    }

    @inline(__always)
    static func storeRow(_ accumulator: SIMD16<Float>, to row: UnsafeMutablePointer<Float>, alpha: Float, beta: Float) {
        let pointer = UnsafeMutableRawPointer(row)
        var value = accumulator
        if alpha != 1 { value = value * SIMD16(repeating: alpha) }
        if beta == 1 {
            value = value + pointer.loadUnaligned(as: SIMD16<Float>.self)
        } else if beta != 0 {
            value = value + SIMD16(repeating: beta) * pointer.loadUnaligned(as: SIMD16<Float>.self)
        }
        pointer.storeBytes(of: value, as: SIMD16<Float>.self)
    }

    // MARK: - Choosing the multiply-add form

    /// Whether `SIMD16<Float>.addProduct` compiled to hardware FMA in this build, decided once
    /// by timing it against `a * b + c` (~0.1 ms at first use).
    ///
    /// Why a probe: Swift offers no compile-time test for the target CPU. Without
    /// `-target-cpu`, `addProduct` lowers to 16 `fmaf` calls per vector (20–100× slower than a
    /// multiply and an add); with it, it is one instruction. The gap is so large that the choice
    /// never flips between runs of the same binary, so results stay reproducible.
    static let usesFusedMultiplyAdd: Bool = {
        var fusedBest = UInt64.max, separateBest = UInt64.max
        for _ in 0..<3 {
            // Inputs derived from the clock and results stored to a global, so the optimiser can
            // neither fold the probes nor move them out of the timed window.
            var start = DispatchTime.now().uptimeNanoseconds
            probeFused(Float(1 + start % 2) * 0.25, count: 256)
            fusedBest = min(fusedBest, DispatchTime.now().uptimeNanoseconds &- start)
            start = DispatchTime.now().uptimeNanoseconds
            probeSeparate(Float(1 + start % 2) * 0.25, count: 256)
            separateBest = min(separateBest, DispatchTime.now().uptimeNanoseconds &- start)
        }
        return fusedBest <= 3 &* max(separateBest, 1)
    }()

    /// Where the probes leave their results (a side effect that keeps them from being optimised away).
    nonisolated(unsafe) static var probeSink: UInt32 = 0

    /// 4 × `count` dependent `addProduct`s on `SIMD16<Float>`.
    @inline(never)
    static func probeFused(_ seed: Float, count: Int) {
        let x = SIMD16<Float>(repeating: seed), y = SIMD16<Float>(repeating: 1 - seed)
        var a0 = x, a1 = y, a2 = x + y, a3 = x - y
        for _ in 0..<count {
            a0.addProduct(a0, y); a1.addProduct(a1, x); a2.addProduct(a2, y); a3.addProduct(a3, x)
        }
        probeSink &+= ((a0 + a1) + (a2 + a3))[0].bitPattern
    }

    /// The same as `probeFused` with `a * b + c`.
    @inline(never)
    static func probeSeparate(_ seed: Float, count: Int) {
        let x = SIMD16<Float>(repeating: seed), y = SIMD16<Float>(repeating: 1 - seed)
        var a0 = x, a1 = y, a2 = x + y, a3 = x - y
        for _ in 0..<count {
            a0 = a0 * y + a0; a1 = a1 * x + a1; a2 = a2 * y + a2; a3 = a3 * x + a3
        }
        probeSink &+= ((a0 + a1) + (a2 + a3))[0].bitPattern
    }
}
