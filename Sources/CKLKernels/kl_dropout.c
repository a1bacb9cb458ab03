// Dropout on tensors (see kl_kernels.h): the keep decisions straight from Philox words, multiplied
// in and recorded as bytes in one pass, and the backward from those bytes. AVX-512 (F, BW, VL) where
// the CPU has it, else portable C; both give the bits of x·m with m = scale or +0.
#include "kl_kernels.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#define KL_DROPOUT_X86 1
#else
#define KL_DROPOUT_X86 0
#endif

// Element e of the batch (counted from its first block) is word e % 4 of block e / 4.
static inline uint32_t kl_dropout_word(const uint32_t *const lanes[4], size_t e) { return lanes[e & 3][e >> 2]; }

static void kl_dropout_forward_portable(const uint32_t *const lanes[4], size_t offset, size_t n, uint32_t threshold,
                                        float scale, const float *x, const float *residual, float *y, uint8_t *keep) {
    for (size_t i = 0; i < n; i++) {
        const int kept = kl_dropout_word(lanes, offset + i) < threshold;
        const float dropped = x[i] * (kept ? scale : 0.0f);   // rounded before the residual joins it
        y[i] = residual ? residual[i] + dropped : dropped;
        keep[i] = (uint8_t)kept;
    }
}

static void kl_dropout_backward_portable(const uint8_t *keep, float scale, const float *g, float *dx, size_t n) {
    for (size_t i = 0; i < n; i++) dx[i] = g[i] * (keep[i] ? scale : 0.0f);
}

#if KL_DROPOUT_X86
#define KL_DROPOUT_TGT __attribute__((target("avx512f,avx512bw,avx512vl")))

// 16 elements from their 16 words: y = x·m (+ residual), keep = 1 where kept.
static KL_DROPOUT_TGT inline void kl_dropout_vector(__m512i words, __m512i threshold, __m512 scale, const float *x,
                                                    const float *residual, float *y, uint8_t *keep) {
    const __mmask16 kept = _mm512_cmplt_epu32_mask(words, threshold);
    const __m512 dropped = _mm512_mul_ps(_mm512_loadu_ps(x), _mm512_maskz_mov_ps(kept, scale));
    _mm512_storeu_ps(y, residual ? _mm512_add_ps(_mm512_loadu_ps(residual), dropped) : dropped);
    _mm_storeu_si128((__m128i *)keep, _mm_maskz_mov_epi8(kept, _mm_set1_epi8(1)));
}

static KL_DROPOUT_TGT void kl_dropout_forward_avx512(const uint32_t *const lanes[4], size_t offset, size_t n,
                                                     uint32_t threshold, float scale, const float *x,
                                                     const float *residual, float *y, uint8_t *keep) {
    // Up to the first block boundary element by element, then 16 blocks (64 elements) at a time:
    // the four lanes' words transposed into element order (block j's words are elements 4j…4j+3).
    size_t head = (4 - (offset & 3)) & 3;
    if (head > n) head = n;
    kl_dropout_forward_portable(lanes, offset, head, threshold, scale, x, residual, y, keep);
    size_t i = head, block = (offset + head) >> 2;
    const __m512i limit = _mm512_set1_epi32((int)threshold);
    const __m512 multiplier = _mm512_set1_ps(scale);
    for (; i + 64 <= n; i += 64, block += 16) {
        const __m512i w0 = _mm512_loadu_si512(lanes[0] + block), w1 = _mm512_loadu_si512(lanes[1] + block);
        const __m512i w2 = _mm512_loadu_si512(lanes[2] + block), w3 = _mm512_loadu_si512(lanes[3] + block);
        // Within each 128-bit lane L: u_b = the four words of block 4L + b.
        const __m512i t0 = _mm512_unpacklo_epi32(w0, w1), t1 = _mm512_unpackhi_epi32(w0, w1);
        const __m512i t2 = _mm512_unpacklo_epi32(w2, w3), t3 = _mm512_unpackhi_epi32(w2, w3);
        const __m512i u0 = _mm512_unpacklo_epi64(t0, t2), u1 = _mm512_unpackhi_epi64(t0, t2);
        const __m512i u2 = _mm512_unpacklo_epi64(t1, t3), u3 = _mm512_unpackhi_epi64(t1, t3);
        // Output vector v = blocks 4v…4v+3 = lane v of u0, u1, u2, u3.
        const __m512i low01 = _mm512_shuffle_i32x4(u0, u1, 0x44), low23 = _mm512_shuffle_i32x4(u2, u3, 0x44);
        const __m512i high01 = _mm512_shuffle_i32x4(u0, u1, 0xEE), high23 = _mm512_shuffle_i32x4(u2, u3, 0xEE);
        kl_dropout_vector(_mm512_shuffle_i32x4(low01, low23, 0x88), limit, multiplier, x + i, residual ? residual + i : 0, y + i, keep + i);
        kl_dropout_vector(_mm512_shuffle_i32x4(low01, low23, 0xDD), limit, multiplier, x + i + 16, residual ? residual + i + 16 : 0, y + i + 16, keep + i + 16);
        kl_dropout_vector(_mm512_shuffle_i32x4(high01, high23, 0x88), limit, multiplier, x + i + 32, residual ? residual + i + 32 : 0, y + i + 32, keep + i + 32);
        kl_dropout_vector(_mm512_shuffle_i32x4(high01, high23, 0xDD), limit, multiplier, x + i + 48, residual ? residual + i + 48 : 0, y + i + 48, keep + i + 48);
    }
    kl_dropout_forward_portable(lanes, offset + i, n - i, threshold, scale, x + i, residual ? residual + i : 0, y + i, keep + i);
}

static KL_DROPOUT_TGT void kl_dropout_backward_avx512(const uint8_t *keep, float scale, const float *g, float *dx,
                                                      size_t n) {
    const __m512 multiplier = _mm512_set1_ps(scale);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m128i bytes = _mm_loadu_si128((const __m128i *)(keep + i));
        const __mmask16 kept = _mm_test_epi8_mask(bytes, bytes);
        _mm512_storeu_ps(dx + i, _mm512_mul_ps(_mm512_loadu_ps(g + i), _mm512_maskz_mov_ps(kept, multiplier)));
    }
    kl_dropout_backward_portable(keep + i, scale, g + i, dx + i, n - i);
}
#endif

int kl_dropout_forward_at_level(int level, const uint32_t *w0, const uint32_t *w1, const uint32_t *w2,
                                const uint32_t *w3, size_t offset, size_t n, uint32_t threshold, float scale,
                                const float *x, const float *residual, float *y, uint8_t *keep) {
    const uint32_t *const lanes[4] = {w0, w1, w2, w3};
#if KL_DROPOUT_X86
    if (level >= 2 && kl_vmath_max_level() >= 2) {
        kl_dropout_forward_avx512(lanes, offset, n, threshold, scale, x, residual, y, keep);
        return 2;
    }
#endif
    (void)level;
    kl_dropout_forward_portable(lanes, offset, n, threshold, scale, x, residual, y, keep);
    return 0;
}

void kl_dropout_forward(const uint32_t *w0, const uint32_t *w1, const uint32_t *w2, const uint32_t *w3, size_t offset,
                        size_t n, uint32_t threshold, float scale, const float *x, const float *residual, float *y,
                        uint8_t *keep) {
    kl_dropout_forward_at_level(kl_vmath_max_level(), w0, w1, w2, w3, offset, n, threshold, scale, x, residual, y, keep);
}

void kl_dropout_backward(const uint8_t *keep, float scale, const float *g, float *dx, size_t n) {
#if KL_DROPOUT_X86
    if (kl_vmath_max_level() >= 2) {
        kl_dropout_backward_avx512(keep, scale, g, dx, n);
        return;
    }
#endif
    kl_dropout_backward_portable(keep, scale, g, dx, n);
}
