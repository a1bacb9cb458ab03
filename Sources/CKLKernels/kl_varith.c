// Elementwise float arithmetic (see kl_kernels.h): c = a op b on arrays, or with one operand a
// scalar, y = x·scale + shift and y = y + a·x, with run-time dispatch to AVX-512, AVX2 or portable code (the
// portable loops are what Swift's own loops compile to on baseline x86-64: 4 lanes of SSE).
//
// Every result is the IEEE single-precision result of the one operation (or, for the affine map, of
// the multiply rounded and then the add rounded: no fused multiply-add), so every level gives the
// bits of the plain scalar expression; only the speed differs. The vector code is written once with
// the compiler's vector extensions and instantiated per instruction set by including this file again
// with KL_VARITH_TEMPLATE defined, each copy compiled with __attribute__((target(...))).

#ifndef KL_VARITH_TEMPLATE
#include "kl_kernels.h"

// Never contract x·scale + shift into a fused multiply-add: Swift computes it in two roundings.
#pragma STDC FP_CONTRACT OFF

typedef void (*kl_varith_fn)(int op, const float *a, const float *b, float *c, size_t n);
typedef void (*kl_varith_scalar_fn)(int op, const float *a, float b, int scalar_first, float *c, size_t n);
typedef void (*kl_vaffine_fn)(const float *x, float scale, float shift, float *y, size_t n);
typedef void (*kl_vaxpy_fn)(float a, const float *x, float *y, size_t n);

// One element of `op`.
static inline float kl_arith_scalar(int op, float a, float b) {
    switch (op) {
    case KL_ARITH_ADD: return a + b;
    case KL_ARITH_SUB: return a - b;
    case KL_ARITH_MUL: return a * b;
    default: return a / b;
    }
}

#define KL_VARITH_TEMPLATE 1
#include "kl_varith.c"
#undef KL_VARITH_TEMPLATE

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define KL_VARITH_TEMPLATE 8
#include "kl_varith.c"
#undef KL_VARITH_TEMPLATE
#define KL_VARITH_TEMPLATE 16
#include "kl_varith.c"
#undef KL_VARITH_TEMPLATE
#define KL_VARITH_IMPLS(name) {name##_portable, name##_avx2, name##_avx512}
#else
#define KL_VARITH_IMPLS(name) {name##_portable, name##_portable, name##_portable}
#endif

static const kl_varith_fn kl_varith_impls[3] = KL_VARITH_IMPLS(kl_varith);
static const kl_varith_scalar_fn kl_varith_scalar_impls[3] = KL_VARITH_IMPLS(kl_varith_scalar);
static const kl_vaffine_fn kl_vaffine_impls[3] = KL_VARITH_IMPLS(kl_vaffine);
static const kl_vaxpy_fn kl_vaxpy_impls[3] = KL_VARITH_IMPLS(kl_vaxpy);

static int kl_varith_level(int level) {
    int max = kl_vmath_max_level();
    return level < 0 ? 0 : (level > max ? max : level);
}

void kl_varith(int op, const float *a, const float *b, float *c, size_t n) {
    kl_varith_impls[kl_vmath_max_level()](op, a, b, c, n);
}

void kl_varith_scalar_right(int op, const float *a, float b, float *c, size_t n) {
    kl_varith_scalar_impls[kl_vmath_max_level()](op, a, b, 0, c, n);
}

void kl_varith_scalar_left(int op, float a, const float *b, float *c, size_t n) {
    kl_varith_scalar_impls[kl_vmath_max_level()](op, b, a, 1, c, n);
}

void kl_vaffine(const float *x, float scale, float shift, float *y, size_t n) {
    kl_vaffine_impls[kl_vmath_max_level()](x, scale, shift, y, n);
}

void kl_vaxpy(float a, const float *x, float *y, size_t n) { kl_vaxpy_impls[kl_vmath_max_level()](a, x, y, n); }

int kl_vaxpy_at_level(int level, float a, const float *x, float *y, size_t n) {
    level = kl_varith_level(level);
    kl_vaxpy_impls[level](a, x, y, n);
    return level;
}

int kl_varith_at_level(int level, int op, const float *a, const float *b, float *c, size_t n) {
    level = kl_varith_level(level);
    kl_varith_impls[level](op, a, b, c, n);
    return level;
}

int kl_varith_scalar_at_level(int level, int op, const float *a, float b, int scalar_first, float *c, size_t n) {
    level = kl_varith_level(level);
    kl_varith_scalar_impls[level](op, a, b, scalar_first, c, n);
    return level;
}

int kl_vaffine_at_level(int level, const float *x, float scale, float shift, float *y, size_t n) {
    level = kl_varith_level(level);
    kl_vaffine_impls[level](x, scale, shift, y, n);
    return level;
}

#else
// =============================================================================================
// One instruction set's loops: KL_VARITH_TEMPLATE = lanes (1 = portable scalar code).
// =============================================================================================
#if KL_VARITH_TEMPLATE == 1
#define KL_SUFFIX(name) name##_portable
#define KL_TGT
#elif KL_VARITH_TEMPLATE == 8
#define KL_SUFFIX(name) name##_avx2
#define KL_TGT __attribute__((target("avx2")))
#else
#define KL_SUFFIX(name) name##_avx512
#define KL_TGT __attribute__((target("avx512f")))
#endif

#if KL_VARITH_TEMPLATE > 1
typedef float KL_SUFFIX(kl_vec) __attribute__((vector_size(KL_VARITH_TEMPLATE * 4), aligned(4)));
#define KL_V KL_SUFFIX(kl_vec)
#define KL_W KL_VARITH_TEMPLATE
// The vector part of a loop over i < n (the scalar tail follows each use).
#define KL_VECTOR_PART(STATEMENT) \
    for (; i + KL_W <= n; i += KL_W) { STATEMENT; }
#else
#define KL_VECTOR_PART(STATEMENT)
#endif

// c = a op b for the op known at compile time (`OP` an infix operator).
#define KL_ARITH_LOOP(OP)                                                                            \
    KL_VECTOR_PART(*(KL_V *)(c + i) = *(const KL_V *)(a + i) OP *(const KL_V *)(b + i))             \
    for (; i < n; i++) c[i] = a[i] OP b[i];

static KL_TGT void KL_SUFFIX(kl_varith)(int op, const float *a, const float *b, float *c, size_t n) {
    size_t i = 0;
    switch (op) {
    case KL_ARITH_ADD: KL_ARITH_LOOP(+) break;
    case KL_ARITH_SUB: KL_ARITH_LOOP(-) break;
    case KL_ARITH_MUL: KL_ARITH_LOOP(*) break;
    default: KL_ARITH_LOOP(/) break;
    }
}
#undef KL_ARITH_LOOP

// c = a op s (or s op a when `scalar_first`).
#define KL_ARITH_SCALAR_LOOP(OP)                                                                     \
    if (scalar_first) {                                                                              \
        KL_VECTOR_PART(*(KL_V *)(c + i) = s OP *(const KL_V *)(a + i))                               \
        for (; i < n; i++) c[i] = scalar OP a[i];                                                    \
    } else {                                                                                         \
        KL_VECTOR_PART(*(KL_V *)(c + i) = *(const KL_V *)(a + i) OP s)                               \
        for (; i < n; i++) c[i] = a[i] OP scalar;                                                    \
    }

static KL_TGT void KL_SUFFIX(kl_varith_scalar)(int op, const float *a, float scalar, int scalar_first, float *c,
                                               size_t n) {
#if KL_VARITH_TEMPLATE > 1
    const KL_V s = (KL_V){0} + scalar;
#endif
    size_t i = 0;
    switch (op) {
    case KL_ARITH_ADD: KL_ARITH_SCALAR_LOOP(+) break;
    case KL_ARITH_SUB: KL_ARITH_SCALAR_LOOP(-) break;
    case KL_ARITH_MUL: KL_ARITH_SCALAR_LOOP(*) break;
    default: KL_ARITH_SCALAR_LOOP(/) break;
    }
}
#undef KL_ARITH_SCALAR_LOOP

static KL_TGT void KL_SUFFIX(kl_vaffine)(const float *x, float scale, float shift, float *y, size_t n) {
#if KL_VARITH_TEMPLATE > 1
    const KL_V vs = (KL_V){0} + scale, vt = (KL_V){0} + shift;
#endif
    size_t i = 0;
    KL_VECTOR_PART(*(KL_V *)(y + i) = *(const KL_V *)(x + i) * vs + vt)
    for (; i < n; i++) y[i] = x[i] * scale + shift;
}

static KL_TGT void KL_SUFFIX(kl_vaxpy)(float a, const float *x, float *y, size_t n) {
#if KL_VARITH_TEMPLATE > 1
    const KL_V va = (KL_V){0} + a;
#endif
    size_t i = 0;
    KL_VECTOR_PART(*(KL_V *)(y + i) = *(KL_V *)(y + i) + va * *(const KL_V *)(x + i))
    for (; i < n; i++) y[i] = y[i] + a * x[i];
}

#undef KL_VECTOR_PART
#undef KL_V
#undef KL_W
#undef KL_SUFFIX
#undef KL_TGT
#endif
