// Allocator tuning for tensor workloads (see kl_kernels.h).
#include "kl_kernels.h"
#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#endif

void kl_tune_allocator(void) {
#if defined(__GLIBC__)
    // 32 MiB is the largest threshold glibc accepts on 64-bit (larger values are refused).
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

void *kl_allocate_block(size_t bytes) {
    const size_t huge_page = (size_t)2 << 20;
    void *block = NULL;
    if (posix_memalign(&block, huge_page, bytes) != 0) return NULL;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    // Advice only: without THP (or with it off) the block is ordinary memory.
    (void)madvise(block, bytes, MADV_HUGEPAGE);
#endif
    return block;
}

void kl_free_block(void *block) { free(block); }
