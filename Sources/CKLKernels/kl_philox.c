// Philox4x32-10 (Salmon et al., SC 2011; Random123's specification) over many consecutive counters,
// vectorised across blocks with run-time dispatch (AVX-512: 16 blocks per step, AVX2: 8, portable:
// 4 in the compiler's baseline vectors). Each lane computes one block exactly as the scalar Swift
// `Philox4x32.block` does, so every level gives the same words. The bulk random fills (dropout
// masks, normal draws) spend most of their time here.

#ifndef KL_PHILOX_TEMPLATE
#include "kl_kernels.h"

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#define KL_PHILOX_X86 1
#else
#define KL_PHILOX_X86 0
#endif

#define KL_PHILOX_M0 0xD2511F53u
#define KL_PHILOX_M1 0xCD9E8D57u
#define KL_PHILOX_W0 0x9E3779B9u
#define KL_PHILOX_W1 0xBB67AE85u

#define KL_CAT_(a, b) a##b
#define KL_CAT(a, b) KL_CAT_(a, b)

typedef void (*kl_philox_fn)(uint64_t first_low, uint64_t first_high, uint64_t key, size_t count,
                             uint32_t *w0, uint32_t *w1, uint32_t *w2, uint32_t *w3);

#define KL_PHILOX_TEMPLATE 1
#define KL_ISA _portable
#define KL_TGT
#define KL_LANES 4
#include "kl_philox.c"
#undef KL_ISA
#undef KL_TGT
#undef KL_LANES

#if KL_PHILOX_X86
#define KL_ISA _avx2
#define KL_TGT __attribute__((target("avx2")))
#define KL_LANES 8
#include "kl_philox.c"
#undef KL_ISA
#undef KL_TGT
#undef KL_LANES

#define KL_ISA _avx512
#define KL_TGT __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl")))
#define KL_LANES 16
#include "kl_philox.c"
#undef KL_ISA
#undef KL_TGT
#undef KL_LANES
static const kl_philox_fn kl_philox_impls[3] = {kl_philox_blocks_portable, kl_philox_blocks_avx2, kl_philox_blocks_avx512};
#else
static const kl_philox_fn kl_philox_impls[3] = {kl_philox_blocks_portable, kl_philox_blocks_portable, kl_philox_blocks_portable};
#endif
#undef KL_PHILOX_TEMPLATE

int kl_philox_blocks_at_level(int level, uint64_t first_low, uint64_t first_high, uint64_t key, size_t count,
                              uint32_t *w0, uint32_t *w1, uint32_t *w2, uint32_t *w3) {
    int max = kl_vmath_max_level();
    level = level < 0 ? 0 : (level > max ? max : level);
    kl_philox_impls[level](first_low, first_high, key, count, w0, w1, w2, w3);
    return level;
}

void kl_philox_blocks(uint64_t first_low, uint64_t first_high, uint64_t key, size_t count,
                      uint32_t *w0, uint32_t *w1, uint32_t *w2, uint32_t *w3) {
    kl_philox_impls[kl_vmath_max_level()](first_low, first_high, key, count, w0, w1, w2, w3);
}

#else  // KL_PHILOX_TEMPLATE: one instruction set's block loop (KL_ISA, KL_TGT, KL_LANES).

typedef uint32_t KL_CAT(kl_philox_u32v, KL_ISA) __attribute__((vector_size(KL_LANES * 4)));
typedef uint64_t KL_CAT(kl_philox_u64v, KL_ISA) __attribute__((vector_size(KL_LANES * 4)));
typedef uint64_t KL_CAT(kl_philox_wide, KL_ISA) __attribute__((vector_size(KL_LANES * 8)));
#define U32V KL_CAT(kl_philox_u32v, KL_ISA)
#define U64V KL_CAT(kl_philox_u64v, KL_ISA)
#define WIDE KL_CAT(kl_philox_wide, KL_ISA)

// One multiply of the round on 32-bit lanes x by m: the low and high halves of each 64-bit product.
// The lanes are taken in pairs as 64-bit words (even lane low), so both products are 32×32→64-bit
// multiplies of whole words (vpmuludq) and the halves are put back with shifts and masks, without
// crossing lanes.
#define KL_PHILOX_MULTIPLY(x, m, lo, hi)                                                   \
    {                                                                                      \
        U64V pair = (U64V)(x);                                                             \
        U64V even = (pair & 0xffffffffu) * (uint64_t)(m), odd = (pair >> 32) * (uint64_t)(m); \
        lo = (U32V)((even & 0xffffffffu) | (odd << 32));                                   \
        hi = (U32V)((even >> 32) | (odd & 0xffffffff00000000u));                           \
    }

static KL_TGT void KL_CAT(kl_philox_blocks, KL_ISA)(uint64_t first_low, uint64_t first_high, uint64_t key,
                                                    size_t count, uint32_t *w0, uint32_t *w1, uint32_t *w2,
                                                    uint32_t *w3) {
    const uint32_t k0 = (uint32_t)key, k1 = (uint32_t)(key >> 32);
    WIDE lane;
    for (int l = 0; l < KL_LANES; l++) lane[l] = (uint64_t)l;
    for (size_t j = 0; j < count; j += KL_LANES) {
        // The lanes' counters first + j + l, 128-bit, carrying into the high half.
        WIDE low = (first_low + (uint64_t)j) + lane;
        WIDE high = first_high - (WIDE)(low < first_low);   // a true comparison is all ones: −1
        U32V x0 = __builtin_convertvector(low, U32V), x1 = __builtin_convertvector(low >> 32, U32V);
        U32V x2 = __builtin_convertvector(high, U32V), x3 = __builtin_convertvector(high >> 32, U32V);
        uint32_t key0 = k0, key1 = k1;
        for (int round = 0; round < 10; round++) {
            if (round > 0) {
                key0 += KL_PHILOX_W0;
                key1 += KL_PHILOX_W1;
            }
            U32V lo0, hi0, lo1, hi1;
            KL_PHILOX_MULTIPLY(x0, KL_PHILOX_M0, lo0, hi0)
            KL_PHILOX_MULTIPLY(x2, KL_PHILOX_M1, lo1, hi1)
            x0 = hi1 ^ x1 ^ key0;
            x1 = lo1;
            x2 = hi0 ^ x3 ^ key1;
            x3 = lo0;
        }
        size_t lanes = count - j < KL_LANES ? count - j : KL_LANES;
        memcpy(w0 + j, &x0, lanes * 4);
        memcpy(w1 + j, &x1, lanes * 4);
        memcpy(w2 + j, &x2, lanes * 4);
        memcpy(w3 + j, &x3, lanes * 4);
    }
}

#undef KL_PHILOX_MULTIPLY
#undef WIDE
#undef U32V
#undef U64V
#endif  // KL_PHILOX_TEMPLATE
