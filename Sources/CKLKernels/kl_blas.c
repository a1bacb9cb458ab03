// OpenBLAS, loaded lazily with dlopen.
//
// Why dlopen instead of linking -lopenblas: OpenBLAS picks its CPU kernel in a load-time constructor
// from OPENBLAS_CORETYPE. Debian's 0.3.21 does not know Emerald/Sapphire Rapids and falls back to
// "Prescott" (SSE3, ~5x slower). Linked at build time, the constructor runs before any of our code,
// so the only way to fix the choice without asking users to export a variable is to set it ourselves
// and then load the library. Loading lazily also makes OpenBLAS optional: without it the Swift GEMM
// runs instead.
//
// No OpenBLAS headers are needed: the few CBLAS constants and function types are declared here.
#define _GNU_SOURCE 1
#include "kl_kernels.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

// CBLAS enum values (cblas.h): CblasRowMajor, CblasNoTrans, CblasTrans.
enum { KL_CBLAS_ROW_MAJOR = 101, KL_CBLAS_NO_TRANS = 111, KL_CBLAS_TRANS = 112 };

typedef void (*kl_sgemm_fn)(int order, int trans_a, int trans_b, int m, int n, int k, float alpha,
                            const float *a, int lda, const float *b, int ldb, float beta, float *c,
                            int ldc);
typedef char *(*kl_string_fn)(void);
typedef void (*kl_set_threads_fn)(int);

static pthread_once_t kl_blas_once = PTHREAD_ONCE_INIT;
static int kl_blas_usable = 0;
static kl_sgemm_fn kl_p_sgemm = NULL;
static kl_string_fn kl_p_corename = NULL;
static kl_string_fn kl_p_config = NULL;
static kl_set_threads_fn kl_p_set_threads = NULL;

// Sets OPENBLAS_CORETYPE=SkylakeX when the user has not chosen a core and the CPU has the AVX-512
// subsets OpenBLAS's SkylakeX kernels need. Never on a CPU without them (that would SIGILL).
static void kl_blas_choose_core(void) {
#if defined(__x86_64__) || defined(_M_X64)
    const char *preset = getenv("OPENBLAS_CORETYPE");
    if (preset != NULL && preset[0] != '\0') return;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")) {
        setenv("OPENBLAS_CORETYPE", "SkylakeX", 1);
    }
#endif
}

static void *kl_blas_open(void) {
    static const char *const candidates[] = {
#if defined(__APPLE__)
        "libopenblas.dylib",
        "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
        "/usr/local/opt/openblas/lib/libopenblas.dylib",
#else
        "libopenblas.so.0",
        "libopenblas.so",
#endif
    };
    for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
        void *handle = dlopen(candidates[i], RTLD_NOW | RTLD_LOCAL);
        if (handle != NULL) return handle;
    }
    return NULL;
}

static void kl_blas_do_load(void) {
    const char *disable = getenv("KLT_DISABLE_BLAS");
    if (disable != NULL && strcmp(disable, "1") == 0) return;

    kl_blas_choose_core();
    void *handle = kl_blas_open();
    if (handle == NULL) return;

    kl_sgemm_fn sgemm = (kl_sgemm_fn)dlsym(handle, "cblas_sgemm");
    kl_string_fn corename = (kl_string_fn)dlsym(handle, "openblas_get_corename");
    kl_string_fn config = (kl_string_fn)dlsym(handle, "openblas_get_config");
    kl_set_threads_fn set_threads = (kl_set_threads_fn)dlsym(handle, "openblas_set_num_threads");
    if (sgemm == NULL || corename == NULL || config == NULL || set_threads == NULL) {
        dlclose(handle);
        return;
    }
    kl_p_sgemm = sgemm;
    kl_p_corename = corename;
    kl_p_config = config;
    kl_p_set_threads = set_threads;
    // KLTensor parallelises over rows / batch items itself; OpenBLAS threads would oversubscribe.
    set_threads(1);
    kl_blas_usable = 1;
}

int kl_blas_load(void) {
    pthread_once(&kl_blas_once, kl_blas_do_load);
    return kl_blas_usable;
}

const char *kl_blas_corename(void) {
    if (!kl_blas_load()) return "";
    const char *name = kl_p_corename();
    return name != NULL ? name : "";
}

const char *kl_blas_config(void) {
    if (!kl_blas_load()) return "";
    const char *config = kl_p_config();
    return config != NULL ? config : "";
}

void kl_blas_set_threads(int threads) {
    if (!kl_blas_load()) return;
    kl_p_set_threads(threads < 1 ? 1 : threads);
}

void kl_blas_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a,
                   int lda, const float *b, int ldb, float beta, float *c, int ldc) {
    if (!kl_blas_load()) return;
    kl_p_sgemm(KL_CBLAS_ROW_MAJOR, trans_a ? KL_CBLAS_TRANS : KL_CBLAS_NO_TRANS,
               trans_b ? KL_CBLAS_TRANS : KL_CBLAS_NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta,
               c, ldc);
}
