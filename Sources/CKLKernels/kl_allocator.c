// Allocator tuning for tensor workloads (see kl_kernels.h).
#include "kl_kernels.h"
#if defined(__GLIBC__)
#include <malloc.h>
#endif

void kl_tune_allocator(void) {
#if defined(__GLIBC__)
    // 32 MiB is the largest threshold glibc accepts on 64-bit (larger values are refused).
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}
