// Vectorised elementwise math: exp, log, sin, cos, tanh, erf over float arrays, with run-time
// dispatch between AVX-512, AVX2+FMA and portable C (see kl_kernels.h for the contract).
//
// The package is built without -march flags, so the SIMD code is compiled per function with
// __attribute__((target(...))) and chosen at run time from CPUID. To keep the three
// implementations from drifting apart, each algorithm is written once against a tiny set of
// vector primitives (v_add, v_fma, v_sel, ...) and this file includes itself three times, once
// per instruction set, with those primitives defined as AVX-512 intrinsics (16 lanes), AVX2+FMA
// intrinsics (8 lanes) or plain scalar C (1 lane; the compiler may auto-vectorise those loops
// with whatever the baseline ISA offers, e.g. SSE2 or NEON). The same constants and operation
// order are used everywhere, so the levels agree to within the rounding of fused vs. separate
// multiply-add.
//
// Algorithms (constants after Cephes' single-precision library, S. L. Moshier):
//   exp   x = n ln2 + r, |r| <= ln2/2 (Cody-Waite, 2-term ln2); e^r by a degree-7 polynomial;
//         2^n applied with one rounding (vscalefps on AVX-512, two exponent-bit scalings
//         elsewhere) so results down into the denormals and up to FLT_MAX come out right.
//         x > 89 -> +inf, x < -104 -> 0, NaN -> NaN.
//   log   x = 2^e m, m in [sqrt(1/2), sqrt(2)); log(m) by a degree-9 polynomial in m-1.
//         Denormal inputs are pre-scaled by 2^23. log(0) = -inf, log(<0) = NaN, log(inf) = inf.
//   sin/cos  |x| = n pi/2 + r with a 3-term Cody-Waite pi/2 and FMA (a 2-term split in double
//         on the portable level), accurate to a relative 1e-7 even next to the zeros of
//         sin/cos for |x| <= 1e4; minimax polynomials for sin and cos on |r| <= pi/4, selected
//         and negated by the bits of n.
//         Lanes with |x| > 1e4, inf or NaN are recomputed with libm sinf/cosf.
//   tanh  |x| < 0.625: odd polynomial (no cancellation near 0); else 1 - 2/(e^{2|x|} + 1);
//         sign restored from x. Saturates to +-1; NaN -> NaN.
//   erf   |x| < 0.5: Taylor series to x^11 (error < 2e-8); else 1 - erfc(|x|) with the
//         Chebyshev fit erfc(z) = t exp(-z^2 + P(t)), t = 1/(1 + z/2) (Numerical Recipes'
//         erfcc, relative error < 1.2e-7); sign restored from x.
// Odd functions are evaluated on |x| and the sign bit of x is copied back, so -0 maps to -0.

#ifndef KL_VMATH_TEMPLATE
// =============================================================================================
// Part 1: shared definitions, the three instantiations, and the dispatcher.
// =============================================================================================
#include "kl_kernels.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define KL_VMATH_X86 1
#include <immintrin.h>
#else
#define KL_VMATH_X86 0
#endif

#define KL_CAT_(a, b) a##b
#define KL_CAT(a, b) KL_CAT_(a, b)

// Argument range where sin/cos use the vector reduction; beyond it libm takes over.
#define KL_TRIG_MAX 1.0e4f

// exp
#define KL_EXP_LO (-104.0f)                // below: result underflows to 0
#define KL_EXP_HI 89.0f                    // above: result overflows to +inf
#define KL_LOG2E 1.44269504088896341f
#define KL_LN2_HI 0.693359375f             // 9 significant bits: n * KL_LN2_HI is exact
#define KL_LN2_LO (-2.12194440e-4f)
#define KL_EXP_P0 1.9875691500e-4f
#define KL_EXP_P1 1.3981999507e-3f
#define KL_EXP_P2 8.3334519073e-3f
#define KL_EXP_P3 4.1665795894e-2f
#define KL_EXP_P4 1.6666665459e-1f
#define KL_EXP_P5 5.0000001201e-1f
// Rounding to nearest integer: adding 1.5 * 2^23 leaves round(v) in the low mantissa bits.
#define KL_ROUND_MAGIC 12582912.0f
#define KL_ROUND_MAGIC_BITS 0x4B400000

// log
#define KL_SQRTHF 0.707106781186547524f
#define KL_FLT_MIN 1.17549435e-38f         // smallest normal; smaller inputs are pre-scaled
#define KL_TWO23 8388608.0f
#define KL_LOG_P0 7.0376836292e-2f
#define KL_LOG_P1 (-1.1514610310e-1f)
#define KL_LOG_P2 1.1676998740e-1f
#define KL_LOG_P3 (-1.2420140846e-1f)
#define KL_LOG_P4 1.4249322787e-1f
#define KL_LOG_P5 (-1.6668057665e-1f)
#define KL_LOG_P6 2.0000714765e-1f
#define KL_LOG_P7 (-2.4999993993e-1f)
#define KL_LOG_P8 3.3333331174e-1f

// sin / cos. pi/2 is split in parts so that n * pi/2 can be subtracted from |x| without
// cancellation error, for n < 2^13 (|x| <= 1e4):
// - FMA levels: three floats (C1 = float(pi/2), C2, C3); fma(-n, C1, x) is exact.
// - portable level (no FMA on baseline x86-64): in double, with a 33-bit first part so that
//   n * C1 is exact; residual error ~1e-22.
#define KL_2_OVER_PI 0.636619772367581343f
#define KL_PIO2_F1 1.57079637050628662109375f        // 0x1.921fb6p+0
#define KL_PIO2_F2 (-4.37113882867379300e-8f)        // -0x1.777a5cp-25
#define KL_PIO2_F3 (-1.71512451000588189e-15f)       // -0x1.ee59dap-50
#define KL_PIO2_D1 1.5707963267341256141662597656250 // 0x1.921fb544p+0, 33 bits
#define KL_PIO2_D2 6.0771005065061922e-11            // 0x1.0b4611a626331p-34
#define KL_SIN_P0 (-1.9515295891e-4f)
#define KL_SIN_P1 8.3321608736e-3f
#define KL_SIN_P2 (-1.6666654611e-1f)
#define KL_COS_P0 2.443315711809948e-5f
#define KL_COS_P1 (-1.388731625493765e-3f)
#define KL_COS_P2 4.166664568298827e-2f

// tanh
#define KL_TANH_SMALL 0.625f
#define KL_TANH_P0 (-5.70498872745e-3f)
#define KL_TANH_P1 2.06390887954e-2f
#define KL_TANH_P2 (-5.37397155531e-2f)
#define KL_TANH_P3 1.33314422036e-1f
#define KL_TANH_P4 (-3.33332819422e-1f)

// erf. Small branch: 2/sqrt(pi) * sum (-1)^k x^(2k+1) / (k! (2k+1)), k = 0..5.
#define KL_ERF_SMALL 0.5f
#define KL_ERF_ONE 4.0f                    // erf(x) rounds to 1 for x >= 4
#define KL_ERF_T0 1.12837916709551257f
#define KL_ERF_T1 (-0.376126389031837525f)
#define KL_ERF_T2 0.112837916709551257f
#define KL_ERF_T3 (-0.0268661706451312518f)
#define KL_ERF_T4 0.00522397762544218782f
#define KL_ERF_T5 (-0.000854832702345085284f)
// Large branch: Numerical Recipes erfcc coefficients, highest degree first.
#define KL_ERFC_Q9 0.17087277f
#define KL_ERFC_Q8 (-0.82215223f)
#define KL_ERFC_Q7 1.48851587f
#define KL_ERFC_Q6 (-1.13520398f)
#define KL_ERFC_Q5 0.27886807f
#define KL_ERFC_Q4 (-0.18628806f)
#define KL_ERFC_Q3 0.09678418f
#define KL_ERFC_Q2 0.37409196f
#define KL_ERFC_Q1 1.00002368f
#define KL_ERFC_Q0 (-1.26551223f)

// 1/√2 and 1/√(2π), as Swift's Float(0.5.squareRoot()) and Float(1 / (2π).squareRoot()) round them.
#define KL_GELU_HALF_ROOT ((float)0.70710678118654752)
#define KL_GELU_INVERSE_ROOT_TWO_PI ((float)0.39894228040143268)

typedef void (*kl_vfn)(const float *x, float *y, size_t n);
typedef void (*kl_vfn2)(const float *x, const float *g, float *dx, size_t n);

// ---- portable (1 lane) ---------------------------------------------------------------------
#define KL_VMATH_TEMPLATE 1
#include "kl_vmath.c"
#undef KL_VMATH_TEMPLATE

#if KL_VMATH_X86
// ---- AVX2 + FMA (8 lanes) ------------------------------------------------------------------
#define KL_VMATH_TEMPLATE 8
#include "kl_vmath.c"
#undef KL_VMATH_TEMPLATE
// ---- AVX-512 (16 lanes) --------------------------------------------------------------------
#define KL_VMATH_TEMPLATE 16
#include "kl_vmath.c"
#undef KL_VMATH_TEMPLATE
#define KL_IMPLS(op) {KL_CAT(op, _portable), KL_CAT(op, _avx2), KL_CAT(op, _avx512)}
#else
#define KL_IMPLS(op) {KL_CAT(op, _portable), KL_CAT(op, _portable), KL_CAT(op, _portable)}
#endif

// ---- dispatch --------------------------------------------------------------------------------
// Level 0 = portable, 1 = AVX2+FMA, 2 = AVX-512 (F, DQ, BW, VL). The CPU's maximum is found once
// (pthread_once) and is what the public kernels use. Each op has a table of function pointers
// indexed by level; tests reach the lower levels through kl_vmath_apply_at_level, which takes
// the level as an argument, so no process-wide setting ever changes while other threads compute.

static pthread_once_t kl_vmath_once = PTHREAD_ONCE_INIT;
static int kl_vmath_detected_level = 0;

static void kl_vmath_detect(void) {
    int level = 0;
#if KL_VMATH_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        level = 1;
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
            __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl"))
            level = 2;
    }
#endif
    kl_vmath_detected_level = level;
}

// The detected level once known (-1 before): the row kernels dispatch on every row, where even
// pthread_once's check showed in profiles.
static _Atomic int kl_vmath_known_level = -1;

int kl_vmath_max_level(void) {
    int known = atomic_load_explicit(&kl_vmath_known_level, memory_order_relaxed);
    if (known >= 0) return known;
    pthread_once(&kl_vmath_once, kl_vmath_detect);
    atomic_store_explicit(&kl_vmath_known_level, kl_vmath_detected_level, memory_order_relaxed);
    return kl_vmath_detected_level;
}

const char *kl_vmath_isa(void) {
    static const char *const names[3] = {"portable", "avx2", "avx512"};
    return names[kl_vmath_max_level()];
}

static const kl_vfn kl_exp_impls[3] = KL_IMPLS(kl_vexp);
static const kl_vfn kl_log_impls[3] = KL_IMPLS(kl_vlog);
static const kl_vfn kl_sin_impls[3] = KL_IMPLS(kl_vsin);
static const kl_vfn kl_cos_impls[3] = KL_IMPLS(kl_vcos);
static const kl_vfn kl_tanh_impls[3] = KL_IMPLS(kl_vtanh);
static const kl_vfn kl_erf_impls[3] = KL_IMPLS(kl_verf);
static const kl_vfn kl_gelu_impls[3] = KL_IMPLS(kl_vgelu);
static const kl_vfn2 kl_gelu_backward_impls[3] = KL_IMPLS(kl_vgelu_backward);

// Indexed by kl_vmath_function.
static const kl_vfn *const kl_vmath_tables[7] = {kl_exp_impls, kl_log_impls, kl_sin_impls, kl_cos_impls,
                                                 kl_tanh_impls, kl_erf_impls, kl_gelu_impls};

static int kl_vmath_capped_level(int level) {
    int max = kl_vmath_max_level();
    return level < 0 ? 0 : (level > max ? max : level);
}

int kl_vmath_apply_at_level(int function, int level, const float *x, float *y, size_t n) {
    if (function < 0 || function > 6) return -1;
    level = kl_vmath_capped_level(level);
    kl_vmath_tables[function][level](x, y, n);
    return level;
}

int kl_vgelu_backward_at_level(int level, const float *x, const float *g, float *dx, size_t n) {
    level = kl_vmath_capped_level(level);
    kl_gelu_backward_impls[level](x, g, dx, n);
    return level;
}

typedef void (*kl_norm_offset_exp_fn)(const float *u, const float *x, size_t rows, size_t m, size_t d, float norm_weight, float constant,
                                      int hyperbolic, const float *shift_table, size_t l, size_t h, size_t first_row,
                                      float *phi);
typedef void (*kl_norm_offset_exp_backward_fn)(const float *g, const float *phi, const float *x, size_t rows, size_t m,
                                               size_t d, float norm_weight, int hyperbolic, float *scratch, float *du, float *dx);
static const kl_norm_offset_exp_fn kl_norm_offset_exp_impls[3] = KL_IMPLS(kl_norm_offset_exp_rows);
static const kl_norm_offset_exp_backward_fn kl_norm_offset_exp_backward_impls[3] = KL_IMPLS(kl_norm_offset_exp_backward_rows);

int kl_norm_offset_exp_rows_at_level(int level, const float *u, const float *x, size_t rows, size_t m, size_t d,
                                     float norm_weight, float constant, int hyperbolic, const float *shift_table, size_t l, size_t h,
                                     size_t first_row, float *phi) {
    level = kl_vmath_capped_level(level);
    kl_norm_offset_exp_impls[level](u, x, rows, m, d, norm_weight, constant, hyperbolic, shift_table, l, h, first_row, phi);
    return level;
}

int kl_norm_offset_exp_backward_rows_at_level(int level, const float *g, const float *phi, const float *x, size_t rows,
                                              size_t m, size_t d, float norm_weight, int hyperbolic, float *scratch, float *du, float *dx) {
    level = kl_vmath_capped_level(level);
    kl_norm_offset_exp_backward_impls[level](g, phi, x, rows, m, d, norm_weight, hyperbolic, scratch, du, dx);
    return level;
}

void kl_norm_offset_exp_rows(const float *u, const float *x, size_t rows, size_t m, size_t d, float norm_weight, float constant,
                             int hyperbolic, const float *shift_table, size_t l, size_t h, size_t first_row, float *phi) {
    kl_norm_offset_exp_impls[kl_vmath_max_level()](u, x, rows, m, d, norm_weight, constant, hyperbolic, shift_table, l, h, first_row, phi);
}

void kl_norm_offset_exp_backward_rows(const float *g, const float *phi, const float *x, size_t rows, size_t m, size_t d,
                                      float norm_weight, int hyperbolic, float *scratch, float *du, float *dx) {
    kl_norm_offset_exp_backward_impls[kl_vmath_max_level()](g, phi, x, rows, m, d, norm_weight, hyperbolic, scratch, du, dx);
}

typedef float (*kl_exp_shifted_sum_fn)(float *x, size_t n, float shift);
static const kl_exp_shifted_sum_fn kl_exp_shifted_sum_impls[3] = KL_IMPLS(kl_exp_shifted_sum);

float kl_exp_shifted_sum(float *x, size_t n, float shift) { return kl_exp_shifted_sum_impls[kl_vmath_max_level()](x, n, shift); }

int kl_exp_shifted_sum_at_level(int level, float *x, size_t n, float shift, float *sum) {
    level = kl_vmath_capped_level(level);
    *sum = kl_exp_shifted_sum_impls[level](x, n, shift);
    return level;
}

void kl_vexp(const float *x, float *y, size_t n) { kl_exp_impls[kl_vmath_max_level()](x, y, n); }
void kl_vlog(const float *x, float *y, size_t n) { kl_log_impls[kl_vmath_max_level()](x, y, n); }
void kl_vsin(const float *x, float *y, size_t n) { kl_sin_impls[kl_vmath_max_level()](x, y, n); }
void kl_vcos(const float *x, float *y, size_t n) { kl_cos_impls[kl_vmath_max_level()](x, y, n); }
void kl_vtanh(const float *x, float *y, size_t n) { kl_tanh_impls[kl_vmath_max_level()](x, y, n); }
void kl_verf(const float *x, float *y, size_t n) { kl_erf_impls[kl_vmath_max_level()](x, y, n); }
void kl_vgelu(const float *x, float *y, size_t n) { kl_gelu_impls[kl_vmath_max_level()](x, y, n); }
void kl_vgelu_backward(const float *x, const float *g, float *dx, size_t n) {
    kl_gelu_backward_impls[kl_vmath_max_level()](x, g, dx, n);
}

#else  // KL_VMATH_TEMPLATE
// =============================================================================================
// Part 2: the algorithms, instantiated once per KL_VMATH_TEMPLATE = lane count (1, 8, 16).
// =============================================================================================

// Every name below gets the instantiation's suffix (v_add -> v_add_avx2, ...) so the three
// copies can live in one translation unit.
#define KL_FN(name) KL_CAT(name, KL_SUFFIX)
#define v_set KL_FN(v_set)
#define v_load KL_FN(v_load)
#define v_store KL_FN(v_store)
#define v_add KL_FN(v_add)
#define v_sub KL_FN(v_sub)
#define v_mul KL_FN(v_mul)
#define v_div KL_FN(v_div)
#define v_fma KL_FN(v_fma)
#define v_asi KL_FN(v_asi)
#define i_asf KL_FN(i_asf)
#define i_set KL_FN(i_set)
#define i_add KL_FN(i_add)
#define i_sub KL_FN(i_sub)
#define i_and KL_FN(i_and)
#define i_or KL_FN(i_or)
#define i_xor KL_FN(i_xor)
#define i_cvtf KL_FN(i_cvtf)
#define i_test KL_FN(i_test)
#define v_lt KL_FN(v_lt)
#define v_eq KL_FN(v_eq)
#define v_nle KL_FN(v_nle)
#define v_nge KL_FN(v_nge)
#define v_sel KL_FN(v_sel)
#define m_any KL_FN(m_any)
#define v_clamp KL_FN(v_clamp)
#define v_ldexp KL_FN(v_ldexp)
#define v_abs KL_FN(v_abs)
#define v_signbit KL_FN(v_signbit)
#define v_xorsign KL_FN(v_xorsign)
#define exp_v KL_FN(exp_v)
#define log_v KL_FN(log_v)
#define sincos_v KL_FN(sincos_v)
#define sin_v KL_FN(sin_v)
#define cos_v KL_FN(cos_v)
#define trig_big KL_FN(trig_big)
#define tanh_v KL_FN(tanh_v)
#define erf_v KL_FN(erf_v)
#define gelu_cdf_v KL_FN(gelu_cdf_v)
#define gelu_v KL_FN(gelu_v)
#define gelu_slope_v KL_FN(gelu_slope_v)

// ---- primitives ------------------------------------------------------------------------------
// V: float vector, VI: int32 vector, M: lane mask. v_sel(m, a, b) = m ? a : b per lane.
// Comparisons are ordered (false on NaN) except v_nle (true on NaN).

#if KL_VMATH_TEMPLATE == 1

#define KL_SUFFIX _portable
#define KL_TGT
#define W 1
#define V float
#define VI uint32_t
#define M int
#define KL_INLINE static inline __attribute__((always_inline))
KL_INLINE V v_set(float a) { return a; }
KL_INLINE V v_load(const float *p) { return *p; }
KL_INLINE void v_store(float *p, V a) { *p = a; }
KL_INLINE V v_add(V a, V b) { return a + b; }
KL_INLINE V v_sub(V a, V b) { return a - b; }
KL_INLINE V v_mul(V a, V b) { return a * b; }
KL_INLINE V v_div(V a, V b) { return a / b; }
// Contracted into an FMA where the target has one (e.g. arm64); a mul + add on baseline x86-64.
KL_INLINE V v_fma(V a, V b, V c) { return a * b + c; }
KL_INLINE VI v_asi(V a) { VI r; __builtin_memcpy(&r, &a, 4); return r; }
KL_INLINE V i_asf(VI a) { V r; __builtin_memcpy(&r, &a, 4); return r; }
KL_INLINE VI i_set(int32_t a) { return (VI)a; }
KL_INLINE VI i_add(VI a, VI b) { return a + b; }
KL_INLINE VI i_sub(VI a, VI b) { return a - b; }
KL_INLINE VI i_and(VI a, VI b) { return a & b; }
KL_INLINE VI i_or(VI a, VI b) { return a | b; }
KL_INLINE VI i_xor(VI a, VI b) { return a ^ b; }
#define i_sll(a, k) ((VI)((a) << (k)))
#define i_srl(a, k) ((VI)((a) >> (k)))
#define i_sra(a, k) ((VI)((int32_t)(a) >> (k)))
KL_INLINE V i_cvtf(VI a) { return (float)(int32_t)a; }
KL_INLINE M i_test(VI a, int32_t bits) { return (a & (VI)bits) != 0; }
KL_INLINE M v_lt(V a, V b) { return a < b; }
KL_INLINE M v_eq(V a, V b) { return a == b; }
KL_INLINE M v_nle(V a, V b) { return !(a <= b); }
KL_INLINE M v_nge(V a, V b) { return !(a >= b); }
KL_INLINE V v_sel(M m, V a, V b) { return m ? a : b; }
KL_INLINE int m_any(M m) { return m; }
// Clamp to [lo, hi]; NaN passes through.
KL_INLINE V v_clamp(V a, float lo, float hi) { return a < lo ? lo : (a > hi ? hi : a); }

#elif KL_VMATH_TEMPLATE == 8

#define KL_SUFFIX _avx2
#define KL_TGT __attribute__((target("avx2,fma")))
#define W 8
#define V __m256
#define VI __m256i
#define M __m256
#define KL_INLINE static inline __attribute__((always_inline)) KL_TGT
KL_INLINE V v_set(float a) { return _mm256_set1_ps(a); }
KL_INLINE V v_load(const float *p) { return _mm256_loadu_ps(p); }
KL_INLINE void v_store(float *p, V a) { _mm256_storeu_ps(p, a); }
KL_INLINE V v_add(V a, V b) { return _mm256_add_ps(a, b); }
KL_INLINE V v_sub(V a, V b) { return _mm256_sub_ps(a, b); }
KL_INLINE V v_mul(V a, V b) { return _mm256_mul_ps(a, b); }
KL_INLINE V v_div(V a, V b) { return _mm256_div_ps(a, b); }
KL_INLINE V v_fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
KL_INLINE VI v_asi(V a) { return _mm256_castps_si256(a); }
KL_INLINE V i_asf(VI a) { return _mm256_castsi256_ps(a); }
KL_INLINE VI i_set(int32_t a) { return _mm256_set1_epi32(a); }
KL_INLINE VI i_add(VI a, VI b) { return _mm256_add_epi32(a, b); }
KL_INLINE VI i_sub(VI a, VI b) { return _mm256_sub_epi32(a, b); }
KL_INLINE VI i_and(VI a, VI b) { return _mm256_and_si256(a, b); }
KL_INLINE VI i_or(VI a, VI b) { return _mm256_or_si256(a, b); }
KL_INLINE VI i_xor(VI a, VI b) { return _mm256_xor_si256(a, b); }
#define i_sll(a, k) _mm256_slli_epi32((a), (k))
#define i_srl(a, k) _mm256_srli_epi32((a), (k))
#define i_sra(a, k) _mm256_srai_epi32((a), (k))
KL_INLINE V i_cvtf(VI a) { return _mm256_cvtepi32_ps(a); }
KL_INLINE M i_test(VI a, int32_t bits) {
    VI b = _mm256_set1_epi32(bits);
    return _mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_and_si256(a, b), b));
}
KL_INLINE M v_lt(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
KL_INLINE M v_eq(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
KL_INLINE M v_nle(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_NLE_UQ); }
KL_INLINE M v_nge(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_NGE_UQ); }
KL_INLINE V v_sel(M m, V a, V b) { return _mm256_blendv_ps(b, a, m); }
KL_INLINE int m_any(M m) { return _mm256_movemask_ps(m) != 0; }
// max/min return their second operand when either is NaN, so NaN passes through.
KL_INLINE V v_clamp(V a, float lo, float hi) {
    return _mm256_min_ps(_mm256_set1_ps(hi), _mm256_max_ps(_mm256_set1_ps(lo), a));
}

#elif KL_VMATH_TEMPLATE == 16

#define KL_SUFFIX _avx512
#define KL_TGT __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,fma")))
#define W 16
#define V __m512
#define VI __m512i
#define M __mmask16
#define KL_INLINE static inline __attribute__((always_inline)) KL_TGT
KL_INLINE V v_set(float a) { return _mm512_set1_ps(a); }
KL_INLINE V v_load(const float *p) { return _mm512_loadu_ps(p); }
KL_INLINE void v_store(float *p, V a) { _mm512_storeu_ps(p, a); }
KL_INLINE V v_add(V a, V b) { return _mm512_add_ps(a, b); }
KL_INLINE V v_sub(V a, V b) { return _mm512_sub_ps(a, b); }
KL_INLINE V v_mul(V a, V b) { return _mm512_mul_ps(a, b); }
KL_INLINE V v_div(V a, V b) { return _mm512_div_ps(a, b); }
KL_INLINE V v_fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
KL_INLINE VI v_asi(V a) { return _mm512_castps_si512(a); }
KL_INLINE V i_asf(VI a) { return _mm512_castsi512_ps(a); }
KL_INLINE VI i_set(int32_t a) { return _mm512_set1_epi32(a); }
KL_INLINE VI i_add(VI a, VI b) { return _mm512_add_epi32(a, b); }
KL_INLINE VI i_sub(VI a, VI b) { return _mm512_sub_epi32(a, b); }
KL_INLINE VI i_and(VI a, VI b) { return _mm512_and_si512(a, b); }
KL_INLINE VI i_or(VI a, VI b) { return _mm512_or_si512(a, b); }
KL_INLINE VI i_xor(VI a, VI b) { return _mm512_xor_si512(a, b); }
#define i_sll(a, k) _mm512_slli_epi32((a), (k))
#define i_srl(a, k) _mm512_srli_epi32((a), (k))
#define i_sra(a, k) _mm512_srai_epi32((a), (k))
KL_INLINE V i_cvtf(VI a) { return _mm512_cvtepi32_ps(a); }
KL_INLINE M i_test(VI a, int32_t bits) { return _mm512_test_epi32_mask(a, _mm512_set1_epi32(bits)); }
KL_INLINE M v_lt(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
KL_INLINE M v_eq(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
KL_INLINE M v_nle(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_NLE_UQ); }
KL_INLINE M v_nge(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_NGE_UQ); }
KL_INLINE V v_sel(M m, V a, V b) { return _mm512_mask_blend_ps(m, b, a); }
KL_INLINE int m_any(M m) { return m != 0; }
KL_INLINE V v_clamp(V a, float lo, float hi) {
    return _mm512_min_ps(_mm512_set1_ps(hi), _mm512_max_ps(_mm512_set1_ps(lo), a));
}
// p * 2^n with one rounding (vscalefps handles the denormal range and overflow itself).
KL_INLINE V v_ldexp(V p, V n, VI ni) {
    (void)ni;
    return _mm512_scalef_ps(p, n);
}

#else
#error "KL_VMATH_TEMPLATE must be 1, 8 or 16"
#endif

// Helpers shared by the kernels.
#if W != 16
// p * 2^n for integral n in [-151, 128] (n as float and as int32): 2^n = 2^n1 * 2^n2 with
// n1 = floor(n/2), both factors normal, so the product rounds once, correctly, into the
// denormal range or to +inf. (AVX-512 has an instruction for it, above.)
KL_INLINE V v_ldexp(V p, V n, VI ni) {
    (void)n;
    VI n1 = i_sra(ni, 1);
    VI n2 = i_sub(ni, n1);
    V s1 = i_asf(i_sll(i_add(n1, i_set(127)), 23));
    V s2 = i_asf(i_sll(i_add(n2, i_set(127)), 23));
    return v_mul(v_mul(p, s1), s2);
}
#endif
KL_INLINE V v_abs(V a) { return i_asf(i_and(v_asi(a), i_set(0x7fffffff))); }
KL_INLINE VI v_signbit(V a) { return i_and(v_asi(a), i_set((int32_t)0x80000000u)); }
KL_INLINE V v_xorsign(V a, VI sign) { return i_asf(i_xor(v_asi(a), sign)); }

// ---- exp ---------------------------------------------------------------------------------------
KL_INLINE V exp_v(V x) {
    x = v_clamp(x, KL_EXP_LO, KL_EXP_HI);
    V t = v_fma(x, v_set(KL_LOG2E), v_set(KL_ROUND_MAGIC));
    V n = v_sub(t, v_set(KL_ROUND_MAGIC));
    VI ni = i_sub(v_asi(t), i_set(KL_ROUND_MAGIC_BITS));  // n as int32, |n| <= 151
    V r = v_fma(n, v_set(-KL_LN2_HI), x);                // exact: n*LN2_HI has <= 17 bits
    r = v_fma(n, v_set(-KL_LN2_LO), r);
    V p = v_set(KL_EXP_P0);
    p = v_fma(p, r, v_set(KL_EXP_P1));
    p = v_fma(p, r, v_set(KL_EXP_P2));
    p = v_fma(p, r, v_set(KL_EXP_P3));
    p = v_fma(p, r, v_set(KL_EXP_P4));
    p = v_fma(p, r, v_set(KL_EXP_P5));
    V r2 = v_mul(r, r);
    p = v_fma(p, r2, v_add(r, v_set(1.0f)));
    return v_ldexp(p, n, ni);
}

// ---- log ---------------------------------------------------------------------------------------
KL_INLINE V log_v(V x0) {
    // Denormals (and everything < FLT_MIN; non-positive lanes are overwritten below).
    M tiny = v_lt(x0, v_set(KL_FLT_MIN));
    V x = v_sel(tiny, v_mul(x0, v_set(KL_TWO23)), x0);
    V eadj = v_sel(tiny, v_set(23.0f), v_set(0.0f));
    VI bits = v_asi(x);
    // frexp: x = m * 2^e with m in [0.5, 1).
    VI ei = i_sub(i_and(i_srl(bits, 23), i_set(0xff)), i_set(126));
    V m = i_asf(i_or(i_and(bits, i_set(0x007fffff)), i_set(0x3f000000)));
    V e = v_sub(i_cvtf(ei), eadj);
    // Move m into [sqrt(1/2), sqrt(2)): m < sqrt(1/2) -> 2m, e - 1. f = m - 1.
    M lo = v_lt(m, v_set(KL_SQRTHF));
    e = v_sub(e, v_sel(lo, v_set(1.0f), v_set(0.0f)));
    V f = v_sub(v_add(m, v_sel(lo, m, v_set(0.0f))), v_set(1.0f));
    V z = v_mul(f, f);
    V p = v_set(KL_LOG_P0);
    p = v_fma(p, f, v_set(KL_LOG_P1));
    p = v_fma(p, f, v_set(KL_LOG_P2));
    p = v_fma(p, f, v_set(KL_LOG_P3));
    p = v_fma(p, f, v_set(KL_LOG_P4));
    p = v_fma(p, f, v_set(KL_LOG_P5));
    p = v_fma(p, f, v_set(KL_LOG_P6));
    p = v_fma(p, f, v_set(KL_LOG_P7));
    p = v_fma(p, f, v_set(KL_LOG_P8));
    V y = v_mul(v_mul(p, f), z);
    y = v_fma(e, v_set(KL_LN2_LO), y);
    y = v_fma(z, v_set(-0.5f), y);
    V r = v_add(f, y);
    r = v_fma(e, v_set(KL_LN2_HI), r);
    // Special values.
    r = v_sel(v_eq(x0, v_set(INFINITY)), v_set(INFINITY), r);
    r = v_sel(v_eq(x0, v_set(0.0f)), v_set(-INFINITY), r);
    r = v_sel(v_nge(x0, v_set(0.0f)), v_set(NAN), r);  // x < 0 or NaN
    return r;
}

// ---- sin / cos ---------------------------------------------------------------------------------
// sin(|x|) when is_cos == 0 (caller restores the sign), cos(x) when is_cos == 1. Valid for
// |x| <= KL_TRIG_MAX; other lanes are garbage and must be replaced by the caller.
KL_INLINE V sincos_v(V ax, int is_cos) {
    V t = v_fma(ax, v_set(KL_2_OVER_PI), v_set(KL_ROUND_MAGIC));
    V n = v_sub(t, v_set(KL_ROUND_MAGIC));
    VI q = i_sub(v_asi(t), i_set(KL_ROUND_MAGIC_BITS));
#if W == 1
    V r = (float)(((double)ax - (double)n * KL_PIO2_D1) - (double)n * KL_PIO2_D2);
#else
    V r = v_fma(n, v_set(-KL_PIO2_F1), ax);  // exact
    r = v_fma(n, v_set(-KL_PIO2_F2), r);
    r = v_fma(n, v_set(-KL_PIO2_F3), r);
#endif
    V z = v_mul(r, r);
    V ps = v_set(KL_SIN_P0);
    ps = v_fma(ps, z, v_set(KL_SIN_P1));
    ps = v_fma(ps, z, v_set(KL_SIN_P2));
    V s = v_fma(v_mul(ps, z), r, r);
    V pc = v_set(KL_COS_P0);
    pc = v_fma(pc, z, v_set(KL_COS_P1));
    pc = v_fma(pc, z, v_set(KL_COS_P2));
    V c = v_fma(v_mul(pc, z), z, v_fma(z, v_set(-0.5f), v_set(1.0f)));
    // x = n pi/2 + r: sin x = sin r, cos r, -sin r, -cos r for n mod 4 = 0..3; cos x = sin(x + pi/2).
    if (is_cos) q = i_add(q, i_set(1));
    V res = v_sel(i_test(q, 1), c, s);
    VI sign = i_sll(i_and(q, i_set(2)), 30);
    return v_xorsign(res, sign);
}

KL_INLINE V sin_v(V x) {
    return v_xorsign(sincos_v(v_abs(x), 0), v_signbit(x));
}

KL_INLINE V cos_v(V x) { return sincos_v(v_abs(x), 1); }

// Lanes the vector reduction can't handle: |x| > KL_TRIG_MAX, inf, NaN.
KL_INLINE M trig_big(V x) { return v_nle(v_abs(x), v_set(KL_TRIG_MAX)); }

// ---- tanh --------------------------------------------------------------------------------------
KL_INLINE V tanh_v(V x) {
    V ax = v_abs(x);
    V z = v_mul(ax, ax);
    V p = v_set(KL_TANH_P0);
    p = v_fma(p, z, v_set(KL_TANH_P1));
    p = v_fma(p, z, v_set(KL_TANH_P2));
    p = v_fma(p, z, v_set(KL_TANH_P3));
    p = v_fma(p, z, v_set(KL_TANH_P4));
    V small = v_fma(v_mul(p, z), ax, ax);
    V e = exp_v(v_add(ax, ax));  // +inf for large |x| -> 1 - 0 = 1
    V large = v_sub(v_set(1.0f), v_div(v_set(2.0f), v_add(e, v_set(1.0f))));
    V r = v_sel(v_lt(ax, v_set(KL_TANH_SMALL)), small, large);
    return v_xorsign(r, v_signbit(x));
}

// ---- erf ---------------------------------------------------------------------------------------
KL_INLINE V erf_v(V x) {
    V ax = v_abs(x);
    V z = v_mul(ax, ax);
    V ps = v_set(KL_ERF_T5);
    ps = v_fma(ps, z, v_set(KL_ERF_T4));
    ps = v_fma(ps, z, v_set(KL_ERF_T3));
    ps = v_fma(ps, z, v_set(KL_ERF_T2));
    ps = v_fma(ps, z, v_set(KL_ERF_T1));
    ps = v_fma(ps, z, v_set(KL_ERF_T0));
    V small = v_mul(ps, ax);
    // erfc(4) < 2^-25, so erf rounds to 1 beyond 4; clamping there keeps exp(-z^2) out of the
    // denormals, whose slow path cost erf a third of its throughput on inputs in [-10, 10].
    V az = v_clamp(ax, 0.0f, KL_ERF_ONE);
    V zz = v_mul(az, az);
    V t = v_div(v_set(1.0f), v_fma(az, v_set(0.5f), v_set(1.0f)));
    V q = v_set(KL_ERFC_Q9);
    q = v_fma(q, t, v_set(KL_ERFC_Q8));
    q = v_fma(q, t, v_set(KL_ERFC_Q7));
    q = v_fma(q, t, v_set(KL_ERFC_Q6));
    q = v_fma(q, t, v_set(KL_ERFC_Q5));
    q = v_fma(q, t, v_set(KL_ERFC_Q4));
    q = v_fma(q, t, v_set(KL_ERFC_Q3));
    q = v_fma(q, t, v_set(KL_ERFC_Q2));
    q = v_fma(q, t, v_set(KL_ERFC_Q1));
    q = v_fma(q, t, v_set(KL_ERFC_Q0));
    V erfc = v_mul(t, exp_v(v_sub(q, zz)));
    V large = v_sub(v_set(1.0f), erfc);
    V r = v_sel(v_lt(ax, v_set(KL_ERF_SMALL)), small, large);
    return v_xorsign(r, v_signbit(x));
}

// ---- array drivers -----------------------------------------------------------------------------
// Full vectors straight from memory; the last partial vector goes through a zero-padded stack
// buffer. Reading a whole vector before writing it makes x == y (in place) safe.
#define KL_DRIVER(kernel)                                                       \
    size_t i = 0;                                                               \
    for (; i + W <= n; i += W) v_store(y + i, kernel(v_load(x + i)));           \
    if (i < n) {                                                                \
        float buf[W] = {0};                                                     \
        memcpy(buf, x + i, (n - i) * sizeof(float));                            \
        v_store(buf, kernel(v_load(buf)));                                      \
        memcpy(y + i, buf, (n - i) * sizeof(float));                            \
    }

#if W == 1
// Portable: blocks of 64. A block without huge/non-finite arguments runs a branch-free loop
// the compiler can vectorise; otherwise those elements go to libm one by one.
#define KL_TRIG_DRIVER(kernel, libm)                                            \
    for (size_t b = 0; b < n; b += 64) {                                        \
        size_t e = n - b < 64 ? n - b : 64;                                     \
        int big = 0;                                                            \
        for (size_t j = 0; j < e; j++) big |= trig_big(x[b + j]);               \
        if (!big) {                                                             \
            for (size_t j = 0; j < e; j++) y[b + j] = kernel(x[b + j]);         \
        } else {                                                                \
            for (size_t j = 0; j < e; j++) {                                    \
                float v = x[b + j];                                             \
                y[b + j] = trig_big(v) ? libm(v) : kernel(v);                   \
            }                                                                   \
        }                                                                       \
    }
#else
// SIMD: one mask test per vector; lanes out of range are patched from a copy of the input
// (the copy matters when x == y).
#define KL_TRIG_PATCH(kernel, libm, src, dst)                                   \
    {                                                                           \
        V v = v_load(src);                                                      \
        M big = trig_big(v);                                                    \
        V r = kernel(v);                                                        \
        if (m_any(big)) {                                                       \
            float in[W], out[W];                                                \
            v_store(in, v);                                                     \
            v_store(out, r);                                                    \
            for (int j = 0; j < W; j++)                                         \
                if (!(fabsf(in[j]) <= KL_TRIG_MAX)) out[j] = libm(in[j]);       \
            r = v_load(out);                                                    \
        }                                                                       \
        v_store(dst, r);                                                        \
    }
#define KL_TRIG_DRIVER(kernel, libm)                                            \
    size_t i = 0;                                                               \
    for (; i + W <= n; i += W) KL_TRIG_PATCH(kernel, libm, x + i, y + i)        \
    if (i < n) {                                                                \
        float buf[W] = {0};                                                     \
        memcpy(buf, x + i, (n - i) * sizeof(float));                            \
        KL_TRIG_PATCH(kernel, libm, buf, buf)                                   \
        memcpy(y + i, buf, (n - i) * sizeof(float));                            \
    }
#endif

static KL_TGT void KL_FN(kl_vexp)(const float *x, float *y, size_t n) { KL_DRIVER(exp_v) }
static KL_TGT void KL_FN(kl_vlog)(const float *x, float *y, size_t n) { KL_DRIVER(log_v) }
static KL_TGT void KL_FN(kl_vsin)(const float *x, float *y, size_t n) { KL_TRIG_DRIVER(sin_v, sinf) }
static KL_TGT void KL_FN(kl_vcos)(const float *x, float *y, size_t n) { KL_TRIG_DRIVER(cos_v, cosf) }
static KL_TGT void KL_FN(kl_vtanh)(const float *x, float *y, size_t n) { KL_DRIVER(tanh_v) }
static KL_TGT void KL_FN(kl_verf)(const float *x, float *y, size_t n) { KL_DRIVER(erf_v) }

// x ← exp(x − shift) in place and the sum of the results: the online softmax's row pass in one
// sweep. The sum goes lane by lane, then over the lanes in order, the tail last.
static KL_TGT float KL_FN(kl_exp_shifted_sum)(float *x, size_t n, float shift) {
    const V vs = v_set(shift);
    V sum = v_set(0.0f);
    size_t i = 0;
    for (; i + W <= n; i += W) {
        const V e = exp_v(v_sub(v_load(x + i), vs));
        v_store(x + i, e);
        sum = v_add(sum, e);
    }
    float lanes[W];
    v_store(lanes, sum);
    float total = 0.0f;
    for (int l = 0; l < W; l++) total += lanes[l];
    if (i < n) {
        float buf[W] = {0};
        for (size_t t = 0; t < n - i; t++) buf[t] = x[i + t] - shift;
        v_store(buf, exp_v(v_load(buf)));
        for (size_t t = 0; t < n - i; t++) {
            x[i + t] = buf[t];
            total += buf[t];
        }
    }
    return total;
}

// GELU x·Φ(x), Φ(x) = ½(1 + erf(x/√2)), and its gradient g·(Φ(x) + x·φ(x)), φ(x) = e^{−x²/2}/√(2π),
// each in one pass. Multiplies and adds are kept separate (no FMA) in the order of the unfused
// Swift ops, so every level gives the bits they gave.
KL_INLINE V gelu_cdf_v(V x) {
    return v_add(v_mul(erf_v(v_mul(x, v_set(KL_GELU_HALF_ROOT))), v_set(0.5f)), v_set(0.5f));
}
KL_INLINE V gelu_v(V x) { return v_mul(x, gelu_cdf_v(x)); }
KL_INLINE V gelu_slope_v(V x) {
    V density = exp_v(v_mul(v_mul(v_set(-0.5f), x), x));
    return v_add(v_mul(v_mul(x, density), v_set(KL_GELU_INVERSE_ROOT_TWO_PI)), gelu_cdf_v(x));
}
static KL_TGT void KL_FN(kl_vgelu)(const float *x, float *y, size_t n) { KL_DRIVER(gelu_v) }
static KL_TGT void KL_FN(kl_vgelu_backward)(const float *x, const float *g, float *dx, size_t n) {
    size_t i = 0;
    for (; i + W <= n; i += W) v_store(dx + i, v_mul(v_load(g + i), gelu_slope_v(v_load(x + i))));
    if (i < n) {
        float bx[W] = {0}, bg[W] = {0};
        memcpy(bx, x + i, (n - i) * sizeof(float));
        memcpy(bg, g + i, (n - i) * sizeof(float));
        v_store(bx, v_mul(v_load(bg), gelu_slope_v(v_load(bx))));
        memcpy(dx + i, bx, (n - i) * sizeof(float));
    }
}

// Rows of PosRF features from projections u and inputs x (kl_kernels.h): the operations of
// Swift's NormOffsetRows and StabilizedExponential, one rounding each, in their order.
static KL_TGT void KL_FN(kl_norm_offset_exp_rows)(const float *u, const float *x, size_t rows, size_t m, size_t d,
                                                 float norm_weight, float constant, int hyperbolic, const float *shift_table, size_t l,
                                                 size_t h, size_t first_row, float *phi) {
    const size_t width = hyperbolic ? 2 * m : m;
    for (size_t r = 0; r < rows; r++) {
        const float *ur = u + r * m, *xr = x + r * d;
        float *out = phi + r * width;
        const float norm = -norm_weight * kl_row_dot(xr, xr, d);
        const float offset = norm + constant;
        const V vo = v_set(offset);
        size_t j = 0;
        for (; j + W <= m; j += W) v_store(out + j, v_add(v_load(ur + j), vo));
        for (; j < m; j++) out[j] = ur[j] + offset;
        if (hyperbolic) {
            for (j = 0; j + W <= m; j += W) v_store(out + m + j, v_sub(vo, v_load(ur + j)));
            for (; j < m; j++) out[m + j] = offset - ur[j];
        }
        const size_t row = first_row + r;
        const float c = shift_table ? shift_table[(row / (l * h)) * h + row % h] : kl_row_max(out, width);
        const V vc = v_set(c);
        for (j = 0; j + W <= width; j += W) v_store(out + j, exp_v(v_sub(v_load(out + j), vc)));
        if (j < width) {
            float buf[W] = {0};
            for (size_t t = 0; t < width - j; t++) buf[t] = out[j + t] - c;
            v_store(buf, exp_v(v_load(buf)));
            memcpy(out + j, buf, (width - j) * sizeof(float));
        }
    }
}

static KL_TGT void KL_FN(kl_norm_offset_exp_backward_rows)(const float *g, const float *phi, const float *x, size_t rows,
                                                          size_t m, size_t d, float norm_weight, int hyperbolic, float *scratch, float *du,
                                                          float *dx) {
    const size_t width = hyperbolic ? 2 * m : m;
    for (size_t r = 0; r < rows; r++) {
        const float *gr = g + r * width, *pr = phi + r * width, *xr = x + r * d;
        float *dur = du + r * m, *dxr = dx + r * d;
        float *gamma = hyperbolic ? scratch : dur;
        size_t j = 0;
        for (; j + W <= width; j += W) v_store(gamma + j, v_mul(v_load(gr + j), v_load(pr + j)));
        for (; j < width; j++) gamma[j] = gr[j] * pr[j];
        const float scale = -(2 * norm_weight) * kl_row_sum(gamma, width);
        if (hyperbolic) {
            for (j = 0; j + W <= m; j += W) v_store(dur + j, v_sub(v_load(gamma + j), v_load(gamma + m + j)));
            for (; j < m; j++) dur[j] = gamma[j] - gamma[m + j];
        }
        const V vs = v_set(scale);
        for (j = 0; j + W <= d; j += W) v_store(dxr + j, v_mul(v_load(xr + j), vs));
        for (; j < d; j++) dxr[j] = xr[j] * scale;
    }
}

#undef KL_DRIVER
#undef KL_TRIG_DRIVER
#undef KL_TRIG_PATCH
#undef KL_FN
#undef V
#undef VI
#undef M
#undef v_set
#undef v_load
#undef v_store
#undef v_add
#undef v_sub
#undef v_mul
#undef v_div
#undef v_fma
#undef v_asi
#undef i_asf
#undef i_set
#undef i_add
#undef i_sub
#undef i_and
#undef i_or
#undef i_xor
#undef i_cvtf
#undef i_test
#undef v_lt
#undef v_eq
#undef v_nle
#undef v_nge
#undef v_sel
#undef m_any
#undef v_clamp
#undef v_ldexp
#undef v_abs
#undef v_signbit
#undef v_xorsign
#undef exp_v
#undef log_v
#undef sincos_v
#undef sin_v
#undef cos_v
#undef trig_big
#undef tanh_v
#undef erf_v
#undef gelu_cdf_v
#undef gelu_v
#undef gelu_slope_v
#undef KL_INLINE
#undef KL_SUFFIX
#undef KL_TGT
#undef W
#undef i_sll
#undef i_srl
#undef i_sra

#endif  // KL_VMATH_TEMPLATE
