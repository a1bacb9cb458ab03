// The built-in single-precision GEMM: row-major C = alpha·op(A)·op(B) + beta·C on one thread,
// with run-time dispatch between AVX-512, AVX2+FMA and portable C (see kl_kernels.h).
//
// Goto/BLIS structure. For each block of nc columns and kc depth, op(B) is packed into panels of
// NR columns (zero-padded), p-major; for each block of mc rows, op(A) is packed into panels of MR
// rows (zero-padded), p-major. A micro-kernel multiplies one MR×kc panel of A by one kc×NR panel
// of B into an MR×NR register tile, read as NV vectors per row, and writes alpha·tile + beta·C.
// Packing A as well as B gives every micro-kernel call two unit-stride streams whatever the
// transposes, and lets partial tiles at the edges run at full speed on zero padding. Where n fits
// one panel (the per-head products of attention), each A panel would serve once, so the kernels
// read op(A) in place instead, A or Aᵀ, at the cost of strided scalar loads.
//
// Two tile shapes per instruction set: a wide one (NV = 2 vectors per row) and a narrow one
// (NV = 1) with twice the rows, chosen when n fits one vector, since the per-head products of
// attention have n = head width (16, 32): a wide tile would waste half its lanes there.
//   AVX-512: 12×32 and 24×16 (24 accumulators of 32 registers; B read once per k-step,
//            A broadcast from memory into the FMA)
//   AVX2:    6×16 and 12×8 (12 accumulators of 16 registers)
//   portable: 4×16 and 8×8 of plain floats (the compiler vectorises with the baseline ISA)
// The vector code is written once with the compiler's vector extensions and instantiated per
// instruction set by including this file again with KL_GEMM_TEMPLATE defined, each copy compiled
// with __attribute__((target(...))), so the package needs no build flags.
//
// Sums run over k in increasing order within a kc block, blocks in order, one multiply-add per
// term, so a result depends only on the instruction set (fused or separate multiply-add), never
// on the thread count or where the caller cut the product.

#ifndef KL_GEMM_TEMPLATE
#include "kl_kernels.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#define KL_GEMM_X86 1
#else
#define KL_GEMM_X86 0
#endif

// Blocking, sized for the measured machine (48 KiB L1d, 2 MiB L2 per core): a kc×NR panel of B
// (384·32·4 = 48 KiB at most) streams through L1 while an MR×kc panel of A (18 KiB) stays there;
// the mc×kc block of A (720 KiB) sits in L2; the kc×nc block of B (4.5 MiB) in L3.
enum { KL_GEMM_KC = 384, KL_GEMM_MC = 480, KL_GEMM_NC = 3072 };
// op(A) is read in place rather than packed when the product has at most this many column panels
// or at most this depth (the token×width and per-head products of training; measured with
// klt-bench gemm --shapes).
enum { KL_GEMM_IN_PLACE_PANELS = 4, KL_GEMM_IN_PLACE_DEPTH = 64 };
// Aᵀ·B this deep or deeper is run as (Bᵀ·A)ᵀ when only that reads both operands in place.
enum { KL_GEMM_SWAP_DEPTH = 2 * KL_GEMM_KC };

// A micro-kernel: tile = A panel (MR×kc, p-major) × B panel (kc×NR, k-step p at b + p·b_stride:
// b_stride = NR for a packed panel, ldb for B read in place); then the first `rows` × `cols` of the
// tile are written to C as alpha·tile + beta·C (C not read when beta == 0).
typedef void (*kl_gemm_kernel)(long kc, const float *a, const float *b, long b_stride, float *c, long ldc,
                               float alpha, float beta, int rows, int cols);

// A micro-kernel reading op(A) unpacked, in place: op(A)[i][p] = a[i·row_stride + p·depth_stride]
// (A itself: row_stride = lda, depth_stride = 1; Aᵀ: row_stride = 1, depth_stride = lda).
typedef void (*kl_gemm_strided_kernel)(long kc, const float *a, long row_stride, long depth_stride, const float *b,
                                       long b_stride, float *c, long ldc, float alpha, float beta, int rows, int cols);

typedef struct {
    int mr, nr;
    kl_gemm_kernel kernel;
    kl_gemm_strided_kernel strided_kernel;
    kl_gemm_strided_kernel half_strided_kernel;  // mr/2 rows, for a last row panel that short
} kl_gemm_shape;

// Packs `count` vectors × depth [p0, p0+depth) of a row-major matrix m (leading dimension ld) into
// panels of r vectors, p-major, zero-padding the last panel's missing vectors. Vector v, element p
// is m[v][p] (`depth_contiguous`) or m[p][v]. op(A)'s rows are A's rows (or, transposed, its
// columns); op(B)'s columns are B's columns (or, transposed, its rows).
static void kl_gemm_pack(int depth_contiguous, const float *m, long ld, long v0, long count, long p0, long depth,
                         int r, float *out) {
    for (long vp = 0; vp < count; vp += r) {
        long height = count - vp < r ? count - vp : r;
        float *panel = out + vp * depth;
        if (depth_contiguous) {
            for (long v = 0; v < height; v++) {
                const float *src = m + (v0 + vp + v) * ld + p0;
                for (long p = 0; p < depth; p++) panel[p * r + v] = src[p];
            }
            for (long v = height; v < r; v++)
                for (long p = 0; p < depth; p++) panel[p * r + v] = 0;
        } else {
            // Each k-step's r values are contiguous.
            for (long p = 0; p < depth; p++) {
                const float *src = m + (p0 + p) * ld + v0 + vp;
                float *dst = panel + p * r;
                memcpy(dst, src, (size_t)height * sizeof(float));
                for (long v = height; v < r; v++) dst[v] = 0;
            }
        }
    }
}

// The calling thread's buffer `which` (0: packing, 1: a transposed C), grown to at least `floats`
// floats and kept for the next product (packing: at most (mc + nc)·kc floats, 6.4 MB): products run
// millions of times per training run, and a fresh buffer each time would cost page faults and
// zero-filling (large blocks are mmapped).
static float *kl_gemm_buffer(int which, size_t floats) {
    static _Thread_local float *buffers[2] = {0, 0};
    static _Thread_local size_t capacities[2] = {0, 0};
    if (floats > capacities[which]) {
        free(buffers[which]);
        size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;
        buffers[which] = aligned_alloc(64, bytes);
        if (!buffers[which]) abort();
        capacities[which] = bytes / sizeof(float);
    }
    return buffers[which];
}

// Writes the first rows × cols of an mr×nr tile (row-major, stride nr) to C.
static inline void kl_gemm_store_partial(const float *tile, int nr, float *c, long ldc,
                                         float alpha, float beta, int rows, int cols) {
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            c[i * ldc + j] = beta == 0 ? alpha * tile[i * nr + j]
                                       : alpha * tile[i * nr + j] + beta * c[i * ldc + j];
}

// The instantiations: kl_gemm_kernel_<isa>_<wide|narrow>.
#define KL_GEMM_TEMPLATE 1

#define KL_ISA portable
#define KL_TGT
#define KL_VLEN 8
#define KL_WIDE_MR 4
#define KL_NARROW_MR 8
#include "kl_gemm.c"
#undef KL_ISA
#undef KL_TGT
#undef KL_VLEN
#undef KL_WIDE_MR
#undef KL_NARROW_MR

#if KL_GEMM_X86
#define KL_ISA avx2
#define KL_TGT __attribute__((target("avx2,fma")))
#define KL_VLEN 8
#define KL_WIDE_MR 6
#define KL_NARROW_MR 12
#include "kl_gemm.c"
#undef KL_ISA
#undef KL_TGT
#undef KL_VLEN
#undef KL_WIDE_MR
#undef KL_NARROW_MR

#define KL_ISA avx512
#define KL_TGT __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,fma")))
#define KL_VLEN 16
#define KL_WIDE_MR 12
#define KL_NARROW_MR 24
#include "kl_gemm.c"
#undef KL_ISA
#undef KL_TGT
#undef KL_VLEN
#undef KL_WIDE_MR
#undef KL_NARROW_MR
#endif

#undef KL_GEMM_TEMPLATE

// Indexed by level (kl_vmath_max_level): wide and narrow shapes.
#if KL_GEMM_X86
static const kl_gemm_shape kl_gemm_shapes[3][2] = {
    {{4, 16, kl_gemm_kernel_portable_wide, kl_gemm_kernel_portable_wide_strided, kl_gemm_kernel_portable_wide_half_strided}, {8, 8, kl_gemm_kernel_portable_narrow, kl_gemm_kernel_portable_narrow_strided, kl_gemm_kernel_portable_narrow_half_strided}},
    {{6, 16, kl_gemm_kernel_avx2_wide, kl_gemm_kernel_avx2_wide_strided, kl_gemm_kernel_avx2_wide_half_strided}, {12, 8, kl_gemm_kernel_avx2_narrow, kl_gemm_kernel_avx2_narrow_strided, kl_gemm_kernel_avx2_narrow_half_strided}},
    {{12, 32, kl_gemm_kernel_avx512_wide, kl_gemm_kernel_avx512_wide_strided, kl_gemm_kernel_avx512_wide_half_strided}, {24, 16, kl_gemm_kernel_avx512_narrow, kl_gemm_kernel_avx512_narrow_strided, kl_gemm_kernel_avx512_narrow_half_strided}},
};
#else
static const kl_gemm_shape kl_gemm_shapes[3][2] = {
    {{4, 16, kl_gemm_kernel_portable_wide, kl_gemm_kernel_portable_wide_strided, kl_gemm_kernel_portable_wide_half_strided}, {8, 8, kl_gemm_kernel_portable_narrow, kl_gemm_kernel_portable_narrow_strided, kl_gemm_kernel_portable_narrow_half_strided}},
    {{4, 16, kl_gemm_kernel_portable_wide, kl_gemm_kernel_portable_wide_strided, kl_gemm_kernel_portable_wide_half_strided}, {8, 8, kl_gemm_kernel_portable_narrow, kl_gemm_kernel_portable_narrow_strided, kl_gemm_kernel_portable_narrow_half_strided}},
    {{4, 16, kl_gemm_kernel_portable_wide, kl_gemm_kernel_portable_wide_strided, kl_gemm_kernel_portable_wide_half_strided}, {8, 8, kl_gemm_kernel_portable_narrow, kl_gemm_kernel_portable_narrow_strided, kl_gemm_kernel_portable_narrow_half_strided}},
};
#endif

static void kl_gemm_scale(long m, long n, float beta, float *c, long ldc) {
    for (long i = 0; i < m; i++) {
        float *row = c + i * ldc;
        if (beta == 0) {
            memset(row, 0, (size_t)n * sizeof(float));
        } else if (beta != 1) {
            for (long j = 0; j < n; j++) row[j] *= beta;
        }
    }
}

const char *kl_sgemm_shape(int level, long n) {
    static const char *const names[3][2] = {
        {"portable 4×16", "portable 8×8"}, {"AVX2 6×16", "AVX2 12×8"}, {"AVX-512 12×32", "AVX-512 24×16"}};
    int capped = level < 0 ? 0 : (level > kl_vmath_max_level() ? kl_vmath_max_level() : level);
    return names[capped][n <= kl_gemm_shapes[capped][1].nr ? 1 : 0];
}

// Weight gradients Aᵀ·B (m and n layer widths, k the tokens) with B's rows too long to read in
// place: each call would pack all of B (k × n) to serve only m rows. Cᵀ = Bᵀ·A reads both in place
// instead (A is then the B side, its rows short enough), into a transposed copy of C. Each element
// is the same sum in the same order; only which tile it falls in changes. Measured (1 thread):
// 128×384×16000 Aᵀ·B 70 GFLOP/s packing B, 98–101 so.
static int kl_gemm_runs_transposed(int capped, int trans_a, int trans_b, long m, long n, long k, long lda, long ldb) {
    const int nr = kl_gemm_shapes[capped][n <= kl_gemm_shapes[capped][1].nr ? 1 : 0].nr;
    const int swapped_nr = kl_gemm_shapes[capped][m <= kl_gemm_shapes[capped][1].nr ? 1 : 0].nr;
    return trans_a && !trans_b && k >= KL_GEMM_SWAP_DEPTH && ldb > KL_GEMM_IN_PLACE_PANELS * nr
        && m <= KL_GEMM_IN_PLACE_PANELS * swapped_nr && lda <= KL_GEMM_IN_PLACE_PANELS * swapped_nr;
}

int kl_sgemm_runs_transposed(int level, int trans_a, int trans_b, long m, long n, long k, long lda, long ldb) {
    int capped = level < 0 ? 0 : (level > kl_vmath_max_level() ? kl_vmath_max_level() : level);
    return m > 0 && n > 0 && k > 0 && kl_gemm_runs_transposed(capped, trans_a, trans_b, m, n, k, lda, ldb);
}

int kl_sgemm_at_level(int level, int trans_a, int trans_b, long m, long n, long k, float alpha,
                      const float *a, long lda, const float *b, long ldb, float beta, float *c,
                      long ldc) {
    int capped = level < 0 ? 0 : (level > kl_vmath_max_level() ? kl_vmath_max_level() : level);
    if (m <= 0 || n <= 0) return capped;
    if (k <= 0 || alpha == 0) {
        kl_gemm_scale(m, n, beta, c, ldc);
        return capped;
    }
    const kl_gemm_shape shape = kl_gemm_shapes[capped][n <= kl_gemm_shapes[capped][1].nr ? 1 : 0];
    const int mr = shape.mr, nr = shape.nr;
    if (kl_gemm_runs_transposed(capped, trans_a, trans_b, m, n, k, lda, ldb)) {
        float *t = kl_gemm_buffer(1, (size_t)(m * n));
        if (beta != 0)
            for (long i = 0; i < m; i++)
                for (long j = 0; j < n; j++) t[j * m + i] = c[i * ldc + j];
        kl_sgemm_at_level(level, 1, 0, n, m, k, alpha, b, ldb, a, lda, beta, t, m);
        for (long i = 0; i < m; i++)
            for (long j = 0; j < n; j++) c[i * ldc + j] = t[j * m + i];
        return capped;
    }
    long kc_max = k < KL_GEMM_KC ? k : KL_GEMM_KC;
    long mc_max = m < KL_GEMM_MC ? (m + mr - 1) / mr * mr : KL_GEMM_MC / mr * mr;
    long nc_max = n < KL_GEMM_NC ? (n + nr - 1) / nr * nr : KL_GEMM_NC;
    // Both packed blocks in the thread's buffer, 64-byte aligned (the B panels start on a multiple
    // of 16 floats).
    size_t a_floats = (size_t)(mc_max * kc_max + 15) / 16 * 16;
    float *packed = kl_gemm_buffer(0, a_floats + (size_t)(kc_max * nc_max));
    float *a_pack = packed, *b_pack = packed + a_floats;

    // B is read in place, not packed, when it is B itself with rows at most KL_GEMM_IN_PLACE_PANELS
    // panels apart (n ≤ ldb ≤ 4·nr, 512 bytes on AVX-512): its kc×n block then spans no more than
    // kc·512 bytes, as compact as a packed one, and the weight-gradient products (B = an activation
    // gradient, tokens × width) skip a copy of all of it, also when cut by columns (32 of 64 columns:
    // 64×64×16384 Aᵀ·B on 2 threads 182–189 → 208–216 GFLOP/s). Wider rows put the k-steps of a
    // panel a kilobyte or more apart, where they collide in L1's sets (measured: 0.81-0.89× at
    // n = 256 and 1024). Only a last partial column panel is packed (zero-padded).
    // (Such a B always has few enough panels that A is read in place too; packed A is always met
    // by packed B.)
    const int b_in_place = !trans_b && ldb <= KL_GEMM_IN_PLACE_PANELS * nr;
    const long full_panels_end = n / nr * nr;
    for (long jc = 0; jc < n; jc += KL_GEMM_NC) {
        long ncb = n - jc < KL_GEMM_NC ? n - jc : KL_GEMM_NC;
        for (long pc = 0; pc < k; pc += KL_GEMM_KC) {
            long kcb = k - pc < KL_GEMM_KC ? k - pc : KL_GEMM_KC;
            if (!b_in_place)
                kl_gemm_pack(trans_b, b, ldb, jc, ncb, pc, kcb, nr, b_pack);
            else if (full_panels_end < n)
                kl_gemm_pack(0, b, ldb, full_panels_end, n - full_panels_end, pc, kcb, nr, b_pack);
            // The first depth block applies the caller's beta; later ones add to C.
            float block_beta = pc == 0 ? beta : 1;
            if (ncb <= KL_GEMM_IN_PLACE_PANELS * nr || kcb <= KL_GEMM_IN_PLACE_DEPTH) {
                // Few column panels, or a shallow depth: packing a row panel of A would cost about
                // as much as the products it serves, so the kernels read it in place, row panel
                // by row panel, while it stays in L1 across the column panels.
                long row_stride = trans_a ? 1 : lda, depth_stride = trans_a ? lda : 1;
                for (long ir = 0; ir < m; ir += mr) {
                    int rows = m - ir < mr ? (int)(m - ir) : mr;
                    kl_gemm_strided_kernel kernel = rows <= mr / 2 ? shape.half_strided_kernel : shape.strided_kernel;
                    for (long jr = 0; jr < ncb; jr += nr) {
                        int cols = ncb - jr < nr ? (int)(ncb - jr) : nr;
                        // Column panel jr's k-steps: in place (stride ldb) or packed (stride nr).
                        int in_place = b_in_place && jr < full_panels_end;
                        const float *b_panel = in_place ? b + pc * ldb + jc + jr : b_in_place ? b_pack : b_pack + jr * kcb;
                        kernel(kcb, a + ir * row_stride + pc * depth_stride, row_stride, depth_stride,
                               b_panel, in_place ? ldb : nr, c + ir * ldc + jc + jr, ldc, alpha, block_beta, rows, cols);
                    }
                }
                continue;
            }
            for (long ic = 0; ic < m; ic += mc_max) {
                long mcb = m - ic < mc_max ? m - ic : mc_max;
                kl_gemm_pack(!trans_a, a, lda, ic, mcb, pc, kcb, mr, a_pack);
                for (long jr = 0; jr < ncb; jr += nr) {
                    int cols = ncb - jr < nr ? (int)(ncb - jr) : nr;
                    for (long ir = 0; ir < mcb; ir += mr) {
                        int rows = mcb - ir < mr ? (int)(mcb - ir) : mr;
                        shape.kernel(kcb, a_pack + ir * kcb, b_pack + jr * kcb, nr, c + (ic + ir) * ldc + jc + jr, ldc,
                                     alpha, block_beta, rows, cols);
                    }
                }
            }
        }
    }
    return capped;
}

void kl_sgemm(int trans_a, int trans_b, long m, long n, long k, float alpha, const float *a, long lda,
              const float *b, long ldb, float beta, float *c, long ldc) {
    kl_sgemm_at_level(kl_vmath_max_level(), trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

#else
// =============================================================================================
// One instruction set's micro-kernels (KL_ISA, KL_TGT, KL_VLEN, KL_WIDE_MR, KL_NARROW_MR).
// =============================================================================================
#define KL_CAT_(a, b, c) a##b##c
#define KL_CAT(a, b, c) KL_CAT_(a, b, c)
#define KL_VEC KL_CAT(kl_gemm_vec_, KL_ISA, )
#define KL_UVEC KL_CAT(kl_gemm_uvec_, KL_ISA, )
#define KL_PACKED_A(i, p) a[(p) * KL_WIDE_MR + (i)]
#define KL_PACKED_NARROW_A(i, p) a[(p) * KL_NARROW_MR + (i)]
#define KL_STRIDED_A(i, p) a[offset[i] + (p) * depth_stride]

typedef float KL_VEC __attribute__((vector_size(KL_VLEN * 4)));
// The same vector at float alignment, for loads and stores of C rows.
typedef float KL_UVEC __attribute__((vector_size(KL_VLEN * 4), aligned(4)));

// The body of one micro-kernel with MR rows and NV vectors per row.
#define KL_GEMM_KERNEL_BODY(MR, NV, A_AT)                                                               \
    KL_VEC acc[MR][NV];                                                                             \
    _Pragma("clang loop unroll(full)") for (int i = 0; i < MR; i++)                                 \
        _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) acc[i][v] = (KL_VEC){0};    \
    for (long p = 0; p < kc; p++) {                                                                 \
        KL_VEC bv[NV];                                                                              \
        _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++)                             \
            bv[v] = *(const KL_UVEC *)(b + p * b_stride + v * KL_VLEN);                             \
        _Pragma("clang loop unroll(full)") for (int i = 0; i < MR; i++) {                           \
            const float ai = A_AT(i, p);                                                            \
            _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) acc[i][v] += ai * bv[v]; \
        }                                                                                           \
    }                                                                                               \
    if (rows == MR && cols == NV * KL_VLEN) {                                                       \
        _Pragma("clang loop unroll(full)") for (int i = 0; i < MR; i++)                             \
            _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) {                       \
                KL_UVEC *out = (KL_UVEC *)(c + i * ldc + v * KL_VLEN);                              \
                *out = beta == 0 ? alpha * acc[i][v] : alpha * acc[i][v] + beta * *out;             \
            }                                                                                       \
    } else {                                                                                        \
        float tile[MR * NV * KL_VLEN];                                                              \
        _Pragma("clang loop unroll(full)") for (int i = 0; i < MR; i++)                             \
            _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++)                         \
                *(KL_UVEC *)(tile + i * NV * KL_VLEN + v * KL_VLEN) = acc[i][v];                    \
        kl_gemm_store_partial(tile, NV * KL_VLEN, c, ldc, alpha, beta, rows, cols);                 \
    }

static KL_TGT void KL_CAT(kl_gemm_kernel_, KL_ISA, _wide)(long kc, const float *restrict a,
                                                          const float *restrict b, long b_stride, float *restrict c,
                                                          long ldc, float alpha, float beta, int rows,
                                                          int cols) {
    KL_GEMM_KERNEL_BODY(KL_WIDE_MR, 2, KL_PACKED_A)
}

static KL_TGT void KL_CAT(kl_gemm_kernel_, KL_ISA, _narrow)(long kc, const float *restrict a,
                                                            const float *restrict b, long b_stride, float *restrict c,
                                                            long ldc, float alpha, float beta, int rows,
                                                            int cols) {
    KL_GEMM_KERNEL_BODY(KL_NARROW_MR, 1, KL_PACKED_NARROW_A)
}

// The kernels reading op(A) in place (kl_gemm_strided_kernel), with MR rows and with MR/2 for a
// last row panel that short (m = 32 on 24-row tiles: 24 + 12 rows computed rather than 24 + 24):
// for products with few column panels or little depth, where packing A would cost about as much as
// the products it serves.
// Rows past `rows` re-read the last row (their results are never stored), so no read leaves op(A).
#define KL_GEMM_STRIDED_KERNEL(NAME, MR, NV)                                                            \
    static KL_TGT void KL_CAT(kl_gemm_kernel_, KL_ISA, NAME)(long kc, const float *restrict a, long row_stride, \
                                                             long depth_stride, const float *restrict b,  \
                                                             long b_stride, float *restrict c, long ldc, float alpha, \
                                                             float beta, int rows, int cols) {            \
        long offset[MR];                                                                                \
        _Pragma("clang loop unroll(full)") for (int i = 0; i < MR; i++)                                 \
            offset[i] = (i < rows ? i : rows - 1) * row_stride;                                         \
        KL_GEMM_KERNEL_BODY(MR, NV, KL_STRIDED_A)                                                       \
    }
KL_GEMM_STRIDED_KERNEL(_wide_strided, KL_WIDE_MR, 2)
KL_GEMM_STRIDED_KERNEL(_narrow_strided, KL_NARROW_MR, 1)
KL_GEMM_STRIDED_KERNEL(_wide_half_strided, KL_WIDE_MR / 2, 2)
KL_GEMM_STRIDED_KERNEL(_narrow_half_strided, KL_NARROW_MR / 2, 1)
#undef KL_GEMM_STRIDED_KERNEL

#undef KL_GEMM_KERNEL_BODY
#undef KL_VEC
#undef KL_UVEC
#undef KL_PACKED_A
#undef KL_PACKED_NARROW_A
#undef KL_STRIDED_A
#undef KL_CAT
#undef KL_CAT_
#endif
