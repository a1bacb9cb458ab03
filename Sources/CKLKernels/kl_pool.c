// A pool of worker threads for short parallel loops (see kl_kernels.h). A training step runs
// hundreds of loops of 0.05–2 ms each; waking a sleeping thread for each (what a dispatch queue does)
// costs a system call and a context switch per loop. Here a worker spins for a short while after each
// loop, so the next one starts at once, and sleeps on a condition variable only when none comes.
//
// A loop is `chunks` calls fn(context, chunk); the caller takes chunks too. Chunks are claimed with a
// compare-and-swap on one 64-bit ticket (the loop's number in the high half, the next chunk in the
// low half), so a worker that arrives late for a loop can never claim a chunk of the next one.
#include "kl_kernels.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define KL_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define KL_RELAX() __asm__ __volatile__("yield")
#else
#define KL_RELAX() ((void)0)
#endif

enum { KL_POOL_MAX_WORKERS = 255 };
// How long a worker spins after a loop before it sleeps: longer than the gaps between the loops of a
// step (graph bookkeeping, allocation: microseconds), short enough to give the core back when the
// caller has stopped.
static const uint64_t kl_pool_spin_ns = 200000;

static uint64_t kl_pool_now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static pthread_mutex_t kl_pool_busy = PTHREAD_MUTEX_INITIALIZER;     // held by the caller of a loop
static pthread_mutex_t kl_pool_sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t kl_pool_wake = PTHREAD_COND_INITIALIZER;
static int kl_pool_sleepers = 0;                                     // guarded by kl_pool_sleep_lock
static long kl_pool_workers = 0;                                     // guarded by kl_pool_busy

static _Atomic uint64_t kl_pool_generation = 0;                      // the number of the latest loop
static _Atomic uint64_t kl_pool_ticket = 0;                          // generation << 32 | next chunk
static _Atomic long kl_pool_finished = 0;                            // chunks of the latest loop done
// The latest loop; atomic (relaxed) only so that a late worker's reads are not data races.
static _Atomic(kl_chunk_fn) kl_pool_fn;
static _Atomic(void *) kl_pool_context;
static _Atomic long kl_pool_chunks;

// Claims and runs chunks of loop `generation` until none is left; returns at once for any other loop.
static void kl_pool_work(uint64_t generation) {
    for (;;) {
        uint64_t ticket = atomic_load_explicit(&kl_pool_ticket, memory_order_acquire);
        if (ticket >> 32 != (generation & 0xffffffffu)) return;
        const long chunk = (long)(ticket & 0xffffffffu);
        const kl_chunk_fn fn = atomic_load_explicit(&kl_pool_fn, memory_order_relaxed);
        void *const context = atomic_load_explicit(&kl_pool_context, memory_order_relaxed);
        if (chunk >= atomic_load_explicit(&kl_pool_chunks, memory_order_relaxed)) return;
        // Success means the loop was still current with this chunk unclaimed, so fn and context
        // (read above) were this loop's: the caller changes them only after every chunk is done.
        if (!atomic_compare_exchange_weak_explicit(&kl_pool_ticket, &ticket, ticket + 1, memory_order_acq_rel,
                                                   memory_order_relaxed))
            continue;
        fn(context, chunk);
        atomic_fetch_add_explicit(&kl_pool_finished, 1, memory_order_release);
    }
}

static void *kl_pool_worker(void *unused) {
    (void)unused;
    uint64_t seen = atomic_load_explicit(&kl_pool_generation, memory_order_acquire);
    for (;;) {
        uint64_t generation = seen;
        const uint64_t spin_start = kl_pool_now_ns();
        for (unsigned spin = 1; generation == seen; spin++) {
            KL_RELAX();
            generation = atomic_load_explicit(&kl_pool_generation, memory_order_acquire);
            if (spin % 64 == 0 && kl_pool_now_ns() - spin_start > kl_pool_spin_ns) break;
        }
        if (generation == seen) {
            pthread_mutex_lock(&kl_pool_sleep_lock);
            kl_pool_sleepers++;
            while ((generation = atomic_load_explicit(&kl_pool_generation, memory_order_acquire)) == seen)
                pthread_cond_wait(&kl_pool_wake, &kl_pool_sleep_lock);
            kl_pool_sleepers--;
            pthread_mutex_unlock(&kl_pool_sleep_lock);
        }
        seen = generation;
        kl_pool_work(generation);
    }
    return NULL;
}

int kl_pool_run(long chunks, long threads, kl_chunk_fn fn, void *context) {
    if (chunks < 1 || chunks > 0x7fffffffL || threads < 2) return 0;
    if (pthread_mutex_trylock(&kl_pool_busy) != 0) return 0;         // another loop (or this one, nested)
    long wanted = threads - 1 < KL_POOL_MAX_WORKERS ? threads - 1 : KL_POOL_MAX_WORKERS;
    while (kl_pool_workers < wanted) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, kl_pool_worker, NULL) != 0) break;
        pthread_detach(thread);
        kl_pool_workers++;
    }
    if (kl_pool_workers == 0) { pthread_mutex_unlock(&kl_pool_busy); return 0; }
    const uint64_t generation = atomic_load_explicit(&kl_pool_generation, memory_order_relaxed) + 1;
    atomic_store_explicit(&kl_pool_fn, fn, memory_order_relaxed);
    atomic_store_explicit(&kl_pool_context, context, memory_order_relaxed);
    atomic_store_explicit(&kl_pool_chunks, chunks, memory_order_relaxed);
    atomic_store_explicit(&kl_pool_finished, 0, memory_order_relaxed);
    atomic_store_explicit(&kl_pool_ticket, (generation & 0xffffffffu) << 32, memory_order_release);
    atomic_store_explicit(&kl_pool_generation, generation, memory_order_release);
    pthread_mutex_lock(&kl_pool_sleep_lock);
    if (kl_pool_sleepers > 0) pthread_cond_broadcast(&kl_pool_wake);
    pthread_mutex_unlock(&kl_pool_sleep_lock);
    kl_pool_work(generation);
    while (atomic_load_explicit(&kl_pool_finished, memory_order_acquire) < chunks) KL_RELAX();
    pthread_mutex_unlock(&kl_pool_busy);
    return 1;
}
