// Row kernels for the online softmax of fused attention (see kl_kernels.h). SSE is part of the
// x86-64 baseline, so no run-time dispatch is needed: the reductions use four 4-lane accumulators,
// combined in a fixed order (elsewhere the same order in plain C); the elementwise kernel is plain C
// with restrict pointers, which the compiler vectorises.
#include "kl_kernels.h"

#include <math.h>

#if defined(__SSE__)
#include <xmmintrin.h>

float kl_row_max(const float *x, size_t n) {
    __m128 a = _mm_set1_ps(-INFINITY), b = a, c = a, d = a;
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        // maxps returns its second operand when either is NaN: keeping the accumulator second skips NaNs.
        a = _mm_max_ps(_mm_loadu_ps(x + i), a);
        b = _mm_max_ps(_mm_loadu_ps(x + i + 4), b);
        c = _mm_max_ps(_mm_loadu_ps(x + i + 8), c);
        d = _mm_max_ps(_mm_loadu_ps(x + i + 12), d);
    }
    float lanes[4];
    _mm_storeu_ps(lanes, _mm_max_ps(_mm_max_ps(a, b), _mm_max_ps(c, d)));
    float result = fmaxf(fmaxf(lanes[0], lanes[1]), fmaxf(lanes[2], lanes[3]));
    for (; i < n; i++) result = fmaxf(result, x[i]);
    return result;
}

float kl_row_sum(const float *x, size_t n) {
    __m128 a = _mm_setzero_ps(), b = a, c = a, d = a;
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        a = _mm_add_ps(a, _mm_loadu_ps(x + i));
        b = _mm_add_ps(b, _mm_loadu_ps(x + i + 4));
        c = _mm_add_ps(c, _mm_loadu_ps(x + i + 8));
        d = _mm_add_ps(d, _mm_loadu_ps(x + i + 12));
    }
    float lanes[4];
    _mm_storeu_ps(lanes, _mm_add_ps(_mm_add_ps(a, b), _mm_add_ps(c, d)));
    float result = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    for (; i < n; i++) result += x[i];
    return result;
}

float kl_row_dot(const float *x, const float *y, size_t n) {
    __m128 a = _mm_setzero_ps(), b = a, c = a, d = a;
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        a = _mm_add_ps(a, _mm_mul_ps(_mm_loadu_ps(x + i), _mm_loadu_ps(y + i)));
        b = _mm_add_ps(b, _mm_mul_ps(_mm_loadu_ps(x + i + 4), _mm_loadu_ps(y + i + 4)));
        c = _mm_add_ps(c, _mm_mul_ps(_mm_loadu_ps(x + i + 8), _mm_loadu_ps(y + i + 8)));
        d = _mm_add_ps(d, _mm_mul_ps(_mm_loadu_ps(x + i + 12), _mm_loadu_ps(y + i + 12)));
    }
    float lanes[4];
    _mm_storeu_ps(lanes, _mm_add_ps(_mm_add_ps(a, b), _mm_add_ps(c, d)));
    float result = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    for (; i < n; i++) result += x[i] * y[i];
    return result;
}

#else

float kl_row_max(const float *x, size_t n) {
    float result = -INFINITY;
    for (size_t i = 0; i < n; i++) result = fmaxf(result, x[i]);
    return result;
}

float kl_row_sum(const float *x, size_t n) {
    float lanes[16] = {0};
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        for (int l = 0; l < 16; l++) lanes[l] += x[i + l];
    float result = 0;
    for (int l = 0; l < 16; l++) result += lanes[l];
    for (; i < n; i++) result += x[i];
    return result;
}

float kl_row_dot(const float *x, const float *y, size_t n) {
    float lanes[16] = {0};
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        for (int l = 0; l < 16; l++) lanes[l] += x[i + l] * y[i + l];
    float result = 0;
    for (int l = 0; l < 16; l++) result += lanes[l];
    for (; i < n; i++) result += x[i] * y[i];
    return result;
}

#endif

void kl_softmax_row_gradient(const float *restrict p, const float *restrict m, float *restrict g, float dot, size_t n) {
    if (m) {
        for (size_t i = 0; i < n; i++) g[i] = p[i] * (g[i] * m[i] - dot);
    } else {
        for (size_t i = 0; i < n; i++) g[i] = p[i] * (g[i] - dot);
    }
}

// The loop is written once and compiled twice: for AVX2 (8 lanes of 32-bit multiplies) and for the
// baseline; the integer results are identical, so the choice only changes the speed.
#define KL_DROPOUT_LOOP                                                             \
    uint32_t key = (uint32_t)row_key ^ (uint32_t)(row_key >> 32);                    \
    for (size_t c = 0; c < n; c++) {                                                \
        uint32_t h = key ^ ((first_key + (uint32_t)c) * 0x9E3779B9u);               \
        h ^= h >> 16; h *= 0x85EBCA6Bu; h ^= h >> 13; h *= 0xC2B2AE35u; h ^= h >> 16; \
        out[c] = (h >> 16) >= threshold ? scale : 0.0f;                             \
    }

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
__attribute__((target("avx2")))
static void kl_dropout_multipliers_avx2(uint64_t row_key, uint32_t first_key, size_t n, uint32_t threshold, float scale,
                                        float *restrict out) {
    KL_DROPOUT_LOOP
}
#endif

static void kl_dropout_multipliers_portable(uint64_t row_key, uint32_t first_key, size_t n, uint32_t threshold, float scale,
                                            float *restrict out) {
    KL_DROPOUT_LOOP
}

void kl_dropout_multipliers(uint64_t row_key, uint32_t first_key, size_t n, uint32_t threshold, float scale, float *out) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (__builtin_cpu_supports("avx2")) { kl_dropout_multipliers_avx2(row_key, first_key, n, threshold, scale, out); return; }
#endif
    kl_dropout_multipliers_portable(row_key, first_key, n, threshold, scale, out);
}
