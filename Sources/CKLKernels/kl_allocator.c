// Allocator tuning for tensor workloads (see kl_kernels.h).
#include "kl_kernels.h"
#if defined(__GLIBC__)
#include <malloc.h>
#endif

void kl_tune_allocator(void) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 512 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}
