#ifndef KL_KERNELS_H
#define KL_KERNELS_H
// C kernels for KLTensor. Everything here is called from Swift through thin wrappers in
// Sources/KLTensor/Backend; no Swift code calls OpenBLAS or the vector routines directly.
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// ---- OpenBLAS, loaded lazily with dlopen (kl_blas.c) --------------------------------------
// Loads libopenblas once. On x86-64 with AVX-512 and no user setting, OPENBLAS_CORETYPE is set to
// SkylakeX before loading, because Debian's 0.3.21 misdetects newer Xeons as "Prescott" (5x slower).
// Returns 1 when OpenBLAS is usable, 0 otherwise (library absent, symbol missing, or
// KLT_DISABLE_BLAS=1 in the environment).
int kl_blas_load(void);
// The OpenBLAS core name in use ("SkylakeX", "Haswell", ...), or "" when not loaded.
const char *kl_blas_corename(void);
// The OpenBLAS configuration string, or "" when not loaded.
const char *kl_blas_config(void);
// Sets OpenBLAS's own thread count (no-op when not loaded).
void kl_blas_set_threads(int threads);
// Row-major C = alpha * op(A) * op(B) + beta * C, op = transpose when trans != 0.
void kl_blas_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha,
                   const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);

// ---- MPI, loaded at run time with dlopen (kl_mpi.c) -----------------------------------------------
// Open MPI only (its predefined handles are found with dlsym); every call below is collective over
// MPI_COMM_WORLD and returns MPI's error code (0 = success), or -1 when MPI is not loaded.
// Opens libmpi (RTLD_GLOBAL, as Open MPI's plugins need) and resolves what the calls below use.
// Returns 1 when usable; 0 with a message in `error` otherwise (no library, not Open MPI, a symbol
// missing). Initialises nothing.
int kl_mpi_load(char *error, size_t capacity);
// The file name the library was opened by ("libmpi.so.40"), or "" before kl_mpi_load.
const char *kl_mpi_library_name(void);
// MPI_Get_library_version into `version` (callable before kl_mpi_init); 1 on success, 0 otherwise.
int kl_mpi_library_version(char *version, size_t capacity);
// MPI_Init_thread (MPI_THREAD_SERIALIZED) unless already initialised, then this process's rank and
// the world size.
int kl_mpi_init(int *rank, int *size);
// MPI_Finalize when initialised and not yet finalised.
int kl_mpi_finalize(void);
// MPI_Abort(MPI_COMM_WORLD, code): ends every rank of the job.
void kl_mpi_abort(int code);
// In-place MPI_Allreduce with MPI_SUM of `count` floats or doubles (in pieces of 2^30 elements).
int kl_mpi_allreduce_sum_float(float *data, size_t count);
int kl_mpi_allreduce_sum_double(double *data, size_t count);
// MPI_Allgather of `bytes` bytes from every rank into `receive` (size × bytes, in rank order).
int kl_mpi_allgather_bytes(const void *send, size_t bytes, void *receive);
// MPI_Bcast of `bytes` bytes from `root` (in pieces of 2^30 bytes).
int kl_mpi_broadcast_bytes(void *data, size_t bytes, int root);
// MPI_Barrier; with poll_microseconds > 0 an MPI_Ibarrier tested between sleeps of that length, so a
// rank that waits long leaves its core to the others.
int kl_mpi_barrier(unsigned poll_microseconds);

// ---- Vectorised elementwise math (kl_vmath.c) -------------------------------------------------
// y[i] = f(x[i]) for i < n; x and y may alias (in-place). Run-time dispatch to AVX-512, AVX2+FMA or
// portable code. Accuracy: relative error <= 2e-6 for exp/log/sin/cos (|x| <= 1e4 for sin/cos),
// absolute error <= 2e-6 for tanh/erf, over the whole float range, with IEEE handling of
// inf/nan/overflow (exp(+big) = inf, exp(-big) = 0, log(0) = -inf, log(<0) = nan).
void kl_vexp(const float *x, float *y, size_t n);
void kl_vlog(const float *x, float *y, size_t n);
void kl_vsin(const float *x, float *y, size_t n);
void kl_vcos(const float *x, float *y, size_t n);
void kl_vtanh(const float *x, float *y, size_t n);
void kl_verf(const float *x, float *y, size_t n);
// GELU y = x·Φ(x) (exact, erf form) and its gradient dx = g·(Φ(x) + x·φ(x)), one pass each.
void kl_vgelu(const float *x, float *y, size_t n);
void kl_vgelu_backward(const float *x, const float *g, float *dx, size_t n);
// Which instruction set the vector routines use: "avx512", "avx2" or "portable" (the best the CPU
// supports, found once).
const char *kl_vmath_isa(void);
// The level of kl_vmath_isa: 0 portable, 1 avx2, 2 avx512.
int kl_vmath_max_level(void);
// The functions of kl_vmath_apply_at_level, in the order of Swift's VectorFunction.
// KL_VMATH_GELU (kl_vgelu) follows them; Swift reaches it through VectorMath.gelu.
enum kl_vmath_function { KL_VMATH_EXP, KL_VMATH_LOG, KL_VMATH_SIN, KL_VMATH_COS, KL_VMATH_TANH, KL_VMATH_ERF, KL_VMATH_GELU };
// y = f(x) at instruction-set level `level` (capped at kl_vmath_max_level) for tests and
// benchmarks that compare the levels; nothing process-wide changes. Returns the level used, or -1
// for an unknown function.
int kl_vmath_apply_at_level(int function, int level, const float *x, float *y, size_t n);
// kl_vgelu_backward at instruction-set level `level` (capped), for tests; returns the level used.
int kl_vgelu_backward_at_level(int level, const float *x, const float *g, float *dx, size_t n);

// ---- Elementwise arithmetic (kl_varith.c) ----------------------------------------------------
// The IEEE result of one operation per element (the affine map rounds its product, then its sum:
// no fused multiply-add), vectorised with run-time dispatch; every level gives the same bits. The
// output may be one of the inputs (in place) but must not overlap them otherwise.
enum kl_arith_op { KL_ARITH_ADD, KL_ARITH_SUB, KL_ARITH_MUL, KL_ARITH_DIV };
// c[i] = a[i] op b[i] for i < n.
void kl_varith(int op, const float *a, const float *b, float *c, size_t n);
// c[i] = a[i] op b.
void kl_varith_scalar_right(int op, const float *a, float b, float *c, size_t n);
// c[i] = a op b[i].
void kl_varith_scalar_left(int op, float a, const float *b, float *c, size_t n);
// y[i] = x[i]·scale + shift.
void kl_vaffine(const float *x, float scale, float shift, float *y, size_t n);
// y[i] = y[i] + a·x[i] (the product rounded, then the sum).
void kl_vaxpy(float a, const float *x, float *y, size_t n);
// The same at instruction-set level `level` (capped at kl_vmath_max_level), for tests; return the
// level used. kl_varith_scalar_at_level computes b op a[i] when `scalar_first`, else a[i] op b.
int kl_varith_at_level(int level, int op, const float *a, const float *b, float *c, size_t n);
int kl_varith_scalar_at_level(int level, int op, const float *a, float b, int scalar_first, float *c, size_t n);
int kl_vaffine_at_level(int level, const float *x, float scale, float shift, float *y, size_t n);
int kl_vaxpy_at_level(int level, float a, const float *x, float *y, size_t n);

// ---- Dropout (kl_dropout.c) ------------------------------------------------------------------
// Elements offset…offset + n − 1 of a batch of Philox blocks (element e is word e % 4 of block e / 4:
// w0[e / 4] when e % 4 == 0, and so on), for x[0…n): y[i] = x[i]·m with m = scale where the word is
// below `threshold` (kept) and +0 otherwise, keep[i] = 1 or 0; with a `residual` (else NULL), y[i] =
// residual[i] + x[i]·m, the product rounded first (the bits of the two ops in sequence). AVX-512 (F, BW,
// VL) when the CPU has it.
void kl_dropout_forward(const uint32_t *w0, const uint32_t *w1, const uint32_t *w2, const uint32_t *w3, size_t offset,
                        size_t n, uint32_t threshold, float scale, const float *x, const float *residual, float *y,
                        uint8_t *keep);
// kl_dropout_forward at level `level` (2 = AVX-512 where present, else portable), for tests; returns the level used.
int kl_dropout_forward_at_level(int level, const uint32_t *w0, const uint32_t *w1, const uint32_t *w2,
                                const uint32_t *w3, size_t offset, size_t n, uint32_t threshold, float scale,
                                const float *x, const float *residual, float *y, uint8_t *keep);
// dx[i] = g[i]·(keep[i] ? scale : +0).
void kl_dropout_backward(const uint8_t *keep, float scale, const float *g, float *dx, size_t n);

// ---- PosRF feature rows (kl_vmath.c) -----------------------------------------------------------
// x ← exp(x − shift) for n values in place, returning the sum of the results (in a fixed order for
// each level): one row of the online softmax. The _at_level form (for tests) stores the sum in *sum
// and returns the level used.
float kl_exp_shifted_sum(float *x, size_t n, float shift);
int kl_exp_shifted_sum_at_level(int level, float *x, size_t n, float shift, float *sum);

// For `rows` rows of projections u (m each) and inputs x (d each): ℓ = [u + o, o − u] (`hyperbolic`)
// or u + o with o = −norm_weight·kl_row_dot(x, x) + constant (norm_weight ½ for PosRF, 1 for its
// Gaussian-kernel version), and phi = exp(ℓ − c), c = the row's maximum of ℓ when shift_table is NULL,
// else shift_table[(row / (l·h))·h + row % h] for the row's index row = first_row + r in an (N, L, H)
// layout; every step rounded once, in that order.
void kl_norm_offset_exp_rows(const float *u, const float *x, size_t rows, size_t m, size_t d, float norm_weight,
                             float constant, int hyperbolic, const float *shift_table, size_t l, size_t h,
                             size_t first_row, float *phi);
// The backward from g = ∂/∂phi: γ = g·phi, du = γ₁ − γ₂ (or γ), dx = x·(−(2·norm_weight)·kl_row_sum(γ));
// `scratch` holds one row of γ (2m floats) when `hyperbolic`.
void kl_norm_offset_exp_backward_rows(const float *g, const float *phi, const float *x, size_t rows, size_t m, size_t d,
                                      float norm_weight, int hyperbolic, float *scratch, float *du, float *dx);
// The same at instruction-set level `level` (capped), for tests; return the level used.
int kl_norm_offset_exp_rows_at_level(int level, const float *u, const float *x, size_t rows, size_t m, size_t d,
                                     float norm_weight, float constant, int hyperbolic, const float *shift_table,
                                     size_t l, size_t h, size_t first_row, float *phi);
int kl_norm_offset_exp_backward_rows_at_level(int level, const float *g, const float *phi, const float *x, size_t rows,
                                              size_t m, size_t d, float norm_weight, int hyperbolic, float *scratch,
                                              float *du, float *dx);

// ---- Philox4x32-10 counter blocks (kl_philox.c) ---------------------------------------------
// Blocks for the `count` consecutive 128-bit counters first, first + 1, … (first_low the low 64 bits,
// wrapping with a carry into first_high) under the 64-bit key (key word 0 in the low half): output
// word k of block j goes to wk[j]. Vectorised across blocks with run-time dispatch; every level gives
// the words of the scalar block function.
void kl_philox_blocks(uint64_t first_low, uint64_t first_high, uint64_t key, size_t count,
                      uint32_t *w0, uint32_t *w1, uint32_t *w2, uint32_t *w3);
// kl_philox_blocks at instruction-set level `level` (capped at kl_vmath_max_level), for tests;
// returns the level used.
int kl_philox_blocks_at_level(int level, uint64_t first_low, uint64_t first_high, uint64_t key, size_t count,
                              uint32_t *w0, uint32_t *w1, uint32_t *w2, uint32_t *w3);

// ---- The built-in GEMM (kl_gemm.c) ------------------------------------------------------------
// Row-major C = alpha·op(A)·op(B) + beta·C on the calling thread: op(A) is m×k (A stored k×m when
// trans_a), op(B) is k×n (B stored n×k when trans_b), C is m×n; lda, ldb, ldc are row strides.
// With beta == 0, C is never read. Packed Goto/BLIS blocking with AVX-512, AVX2+FMA or portable
// micro-kernels chosen at run time (the level of kl_vmath_max_level).
void kl_sgemm(int trans_a, int trans_b, long m, long n, long k, float alpha, const float *a, long lda,
              const float *b, long ldb, float beta, float *c, long ldc);
// kl_sgemm at instruction-set level `level` (0 portable, 1 AVX2, 2 AVX-512; capped at what the CPU
// has), for tests and benchmarks comparing the levels. Returns the level used.
int kl_sgemm_at_level(int level, int trans_a, int trans_b, long m, long n, long k, float alpha,
                      const float *a, long lda, const float *b, long ldb, float beta, float *c,
                      long ldc);
// The register tile kl_sgemm_at_level uses for a product with n columns, e.g. "AVX-512 12×32".
const char *kl_sgemm_shape(int level, long n);
// Whether kl_sgemm_at_level runs this product as Cᵀ = op(B)ᵀ·op(A)ᵀ (weight gradients Aᵀ·B whose B
// rows are too long to read in place): callers cutting it should keep all m rows in every piece.
int kl_sgemm_runs_transposed(int level, int trans_a, int trans_b, long m, long n, long k, long lda, long ldb);

// ---- Row reductions (kl_rows.c) -------------------------------------------------------------
// The largest of n floats (-inf for n = 0; NaNs are skipped) and their sum, sixteen lanes at a time
// in a fixed order (the same bits on every call), for the online softmax of fused attention.
float kl_row_max(const float *x, size_t n);
float kl_row_sum(const float *x, size_t n);
// The dot product of two rows of n floats, in the same fixed lane order as kl_row_sum.
float kl_row_dot(const float *x, const float *y, size_t n);
// The score gradient of softmax attention for one row, in place: g[i] = p[i] * (g[i] * m[i] - dot),
// with m the dropout multipliers (0 or 1/(1-p)), or g[i] = p[i] * (g[i] - dot) when m is NULL.
void kl_softmax_row_gradient(const float *p, const float *m, float *g, float dot, size_t n);

// ---- Worker pool (kl_pool.c) ---------------------------------------------------------------
// One chunk of a parallel loop: called with the loop's context and the chunk's number.
typedef void (*kl_chunk_fn)(void *context, long chunk);
// Runs fn(context, c) for every c in 0..<chunks, spread over the caller and up to threads − 1 pooled
// workers (started on first use; they spin briefly between loops, then sleep), and returns 1 when
// all are done. Returns 0 at once, having run nothing, when the pool is running another loop (a
// nested or concurrent call) or threads < 2: the caller then runs the loop another way.
int kl_pool_run(long chunks, long threads, kl_chunk_fn fn, void *context);

// ---- Layer normalisation (kl_layer_norm.c) -------------------------------------------------
// Normalises each of `rows` rows of d floats to zero mean and unit (biased) variance, then applies
// y = x̂·γ + β; writes each row's mean and 1/√(variance + ε). x and y must not overlap.
void kl_layer_norm_rows(const float *x, const float *gamma, const float *beta, float *y, float *mean,
                        float *rstd, size_t rows, size_t d, float epsilon);
// The backward of kl_layer_norm_rows for the same rows, x̂ recomputed from x, mean and rstd:
// dx = rstd·(g·γ − mean(g·γ) − x̂·mean(g·γ·x̂)); adds Σ g·x̂ into dgamma and Σ g into dbeta.
void kl_layer_norm_backward_rows(const float *g, const float *x, const float *mean, const float *rstd,
                                 const float *gamma, float *dx, float *dgamma, float *dbeta, size_t rows,
                                 size_t d);

// Dropout multipliers of one attention row: out[c] = scale when the decision for key first_key + c
// keeps the weight, else 0. The decision is the top 16 bits of h = fmix32(fold(row_key) ^ (key ·
// 0x9E3779B9)) (MurmurHash3's finaliser; fold(k) = low ^ high 32 bits) against `threshold` (p·2^16):
// kept when h >> 16 >= threshold. Integer arithmetic only, so every instruction set gives the same bits.
void kl_dropout_multipliers(uint64_t row_key, uint32_t first_key, size_t n, uint32_t threshold, float scale, float *out);

// ---- Allocator (kl_allocator.c) -----------------------------------------------------------
// With glibc, keeps large freed blocks in the heap instead of returning them to the system, so the
// activation buffers of one training step are reused by the next without new page faults.
// Elsewhere a no-op.
void kl_tune_allocator(void);
// A block for a large tensor buffer (`bytes` a multiple of 2 MiB): 2 MiB-aligned and, on Linux,
// marked for transparent huge pages (madvise MADV_HUGEPAGE, which the default THP mode "madvise"
// waits for), so that the per-head products striding through a 16 MiB feature map miss the TLB
// no more than a contiguous read would. NULL when the memory is not there. Free with kl_free_block.
void *kl_allocate_block(size_t bytes);
// Frees a block of kl_allocate_block.
void kl_free_block(void *block);

// ---- Process control (kl_process.c) ------------------------------------------------------------
// Asks the kernel to send SIGKILL to this process when its parent dies (Linux prctl
// PR_SET_PDEATHSIG), so runs started by a sweep never outlive it. `expected_parent` is the pid the
// parent announced. Returns 1 when set, 0 where the platform has no such facility, and -1 when the
// parent is no longer `expected_parent` (it died before the call took effect: the caller should exit).
int kl_exit_with_parent(int expected_parent);

#ifdef __cplusplus
}
#endif
#endif
