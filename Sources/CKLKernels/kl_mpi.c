// MPI, loaded at run time with dlopen.
//
// Why dlopen instead of linking -lmpi: building needs no MPI headers or libraries, a plain `klt train`
// never loads MPI (only a process started by mpirun does), and the one binary runs on machines with
// and without Open MPI. The library is opened with RTLD_GLOBAL because Open MPI's components
// (mca_*.so plugins it dlopens itself) resolve their symbols against libmpi's global scope.
//
// No MPI headers are needed: the few function types are declared here, and Open MPI's predefined
// handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, ...) are the addresses of its global objects
// (`ompi_mpi_comm_world`, `ompi_mpi_float`, `ompi_mpi_op_sum`, ...), found with dlsym. Other MPI
// implementations (MPICH encodes handles as integers) are refused with a message saying so.
#define _GNU_SOURCE 1
#include "kl_kernels.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

typedef void *kl_mpi_handle;   // MPI_Comm, MPI_Datatype, MPI_Op and MPI_Request are pointers in Open MPI.

typedef int (*kl_mpi_init_thread_fn)(int *argc, char ***argv, int required, int *provided);
typedef int (*kl_mpi_int_out_fn)(int *flag);
typedef int (*kl_mpi_void_fn)(void);
typedef int (*kl_mpi_comm_int_fn)(kl_mpi_handle comm, int *value);
typedef int (*kl_mpi_allreduce_fn)(const void *send, void *recv, int count, kl_mpi_handle type, kl_mpi_handle op,
                                   kl_mpi_handle comm);
typedef int (*kl_mpi_allgather_fn)(const void *send, int send_count, kl_mpi_handle send_type, void *recv,
                                   int recv_count, kl_mpi_handle recv_type, kl_mpi_handle comm);
typedef int (*kl_mpi_bcast_fn)(void *buffer, int count, kl_mpi_handle type, int root, kl_mpi_handle comm);
typedef int (*kl_mpi_comm_fn)(kl_mpi_handle comm);
typedef int (*kl_mpi_ibarrier_fn)(kl_mpi_handle comm, kl_mpi_handle *request);
typedef int (*kl_mpi_test_fn)(kl_mpi_handle *request, int *flag, void *status);
typedef int (*kl_mpi_abort_fn)(kl_mpi_handle comm, int code);
typedef int (*kl_mpi_library_version_fn)(char *version, int *length);

// MPI_THREAD_SERIALIZED (Open MPI's mpi.h): any thread may call MPI, one at a time.
enum { KL_MPI_THREAD_SERIALIZED = 2 };
// MPI_IN_PLACE and MPI_STATUS_IGNORE in Open MPI's mpi.h.
#define KL_MPI_IN_PLACE ((void *)1)
#define KL_MPI_STATUS_IGNORE ((void *)0)

static struct {
    void *library;
    char library_name[256];
    kl_mpi_init_thread_fn init_thread;
    kl_mpi_int_out_fn initialized, finalized;
    kl_mpi_void_fn finalize;
    kl_mpi_comm_int_fn comm_rank, comm_size;
    kl_mpi_allreduce_fn allreduce;
    kl_mpi_allgather_fn allgather;
    kl_mpi_bcast_fn bcast;
    kl_mpi_comm_fn barrier;
    kl_mpi_ibarrier_fn ibarrier;
    kl_mpi_test_fn test;
    kl_mpi_abort_fn abort;
    kl_mpi_library_version_fn library_version;
    kl_mpi_handle comm_world, type_float, type_double, type_byte, op_sum;
} kl_mpi;

static int kl_mpi_fail(char *error, size_t capacity, const char *message, const char *detail) {
    if (error != NULL && capacity > 0) snprintf(error, capacity, "%s%s%s", message, detail ? ": " : "", detail ? detail : "");
    return 0;
}

static void *kl_mpi_open(char *name, size_t capacity) {
    static const char *const candidates[] = {
#if defined(__APPLE__)
        "libmpi.40.dylib",
        "libmpi.dylib",
        "/opt/homebrew/lib/libmpi.dylib",
        "/usr/local/lib/libmpi.dylib",
#else
        "libmpi.so.40",
        "libmpi.so",
#endif
    };
    for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
        void *handle = dlopen(candidates[i], RTLD_NOW | RTLD_GLOBAL);
        if (handle != NULL) {
            snprintf(name, capacity, "%s", candidates[i]);
            return handle;
        }
    }
    return NULL;
}

int kl_mpi_load(char *error, size_t capacity) {
    if (kl_mpi.library != NULL) return 1;
    void *handle = kl_mpi_open(kl_mpi.library_name, sizeof(kl_mpi.library_name));
    if (handle == NULL) {
        return kl_mpi_fail(error, capacity, "no MPI library found (looked for libmpi.so.40 and libmpi.so; on Debian: apt-get install openmpi-bin libopenmpi-dev)", dlerror());
    }
    // Open MPI's predefined handles are its global objects; their absence means another MPI.
    kl_mpi.comm_world = dlsym(handle, "ompi_mpi_comm_world");
    kl_mpi.type_float = dlsym(handle, "ompi_mpi_float");
    kl_mpi.type_double = dlsym(handle, "ompi_mpi_double");
    kl_mpi.type_byte = dlsym(handle, "ompi_mpi_byte");
    kl_mpi.op_sum = dlsym(handle, "ompi_mpi_op_sum");
    if (!kl_mpi.comm_world || !kl_mpi.type_float || !kl_mpi.type_double || !kl_mpi.type_byte || !kl_mpi.op_sum) {
        dlclose(handle);
        return kl_mpi_fail(error, capacity, "the MPI library found is not Open MPI (its predefined handles ompi_mpi_* are missing); only Open MPI is supported", kl_mpi.library_name);
    }
#define KL_MPI_SYMBOL(field, type, name) \
    if ((kl_mpi.field = (type)dlsym(handle, name)) == NULL) { dlclose(handle); return kl_mpi_fail(error, capacity, "the MPI library lacks " name, kl_mpi.library_name); }
    KL_MPI_SYMBOL(init_thread, kl_mpi_init_thread_fn, "MPI_Init_thread")
    KL_MPI_SYMBOL(initialized, kl_mpi_int_out_fn, "MPI_Initialized")
    KL_MPI_SYMBOL(finalized, kl_mpi_int_out_fn, "MPI_Finalized")
    KL_MPI_SYMBOL(finalize, kl_mpi_void_fn, "MPI_Finalize")
    KL_MPI_SYMBOL(comm_rank, kl_mpi_comm_int_fn, "MPI_Comm_rank")
    KL_MPI_SYMBOL(comm_size, kl_mpi_comm_int_fn, "MPI_Comm_size")
    KL_MPI_SYMBOL(allreduce, kl_mpi_allreduce_fn, "MPI_Allreduce")
    KL_MPI_SYMBOL(allgather, kl_mpi_allgather_fn, "MPI_Allgather")
    KL_MPI_SYMBOL(bcast, kl_mpi_bcast_fn, "MPI_Bcast")
    KL_MPI_SYMBOL(barrier, kl_mpi_comm_fn, "MPI_Barrier")
    KL_MPI_SYMBOL(ibarrier, kl_mpi_ibarrier_fn, "MPI_Ibarrier")
    KL_MPI_SYMBOL(test, kl_mpi_test_fn, "MPI_Test")
    KL_MPI_SYMBOL(abort, kl_mpi_abort_fn, "MPI_Abort")
    KL_MPI_SYMBOL(library_version, kl_mpi_library_version_fn, "MPI_Get_library_version")
#undef KL_MPI_SYMBOL
    kl_mpi.library = handle;
    return 1;
}

const char *kl_mpi_library_name(void) { return kl_mpi.library != NULL ? kl_mpi.library_name : ""; }

int kl_mpi_library_version(char *version, size_t capacity) {
    if (kl_mpi.library == NULL || capacity == 0) return 0;
    // MPI_MAX_LIBRARY_VERSION_STRING is 256 in Open MPI (8192 in MPICH): a buffer of the larger size.
    char text[8192];
    int length = 0;
    if (kl_mpi.library_version(text, &length) != 0) return 0;
    if (length < 0) length = 0;
    if ((size_t)length >= sizeof(text)) length = (int)sizeof(text) - 1;
    text[length] = '\0';
    snprintf(version, capacity, "%s", text);
    return 1;
}

int kl_mpi_init(int *rank, int *size) {
    if (kl_mpi.library == NULL) return -1;
    int flag = 0;
    if (kl_mpi.initialized(&flag) != 0) return -1;
    if (!flag) {
        int provided = 0;
        int code = kl_mpi.init_thread(NULL, NULL, KL_MPI_THREAD_SERIALIZED, &provided);
        if (code != 0) return code;
    }
    int code = kl_mpi.comm_rank(kl_mpi.comm_world, rank);
    if (code != 0) return code;
    return kl_mpi.comm_size(kl_mpi.comm_world, size);
}

int kl_mpi_finalize(void) {
    if (kl_mpi.library == NULL) return 0;
    int initialized = 0, finalized = 0;
    kl_mpi.initialized(&initialized);
    kl_mpi.finalized(&finalized);
    return initialized && !finalized ? kl_mpi.finalize() : 0;
}

void kl_mpi_abort(int code) {
    if (kl_mpi.library != NULL) kl_mpi.abort(kl_mpi.comm_world, code);
}

// MPI counts are ints: larger buffers go in pieces of at most 2^30 elements.
enum { KL_MPI_PIECE = 1 << 30 };

static int kl_mpi_allreduce_sum(void *data, size_t count, size_t element_size, kl_mpi_handle type) {
    if (kl_mpi.library == NULL) return -1;
    char *bytes = (char *)data;
    for (size_t done = 0; done < count;) {
        size_t piece = count - done < KL_MPI_PIECE ? count - done : KL_MPI_PIECE;
        int code = kl_mpi.allreduce(KL_MPI_IN_PLACE, bytes + done * element_size, (int)piece, type, kl_mpi.op_sum,
                                    kl_mpi.comm_world);
        if (code != 0) return code;
        done += piece;
    }
    return 0;
}

int kl_mpi_allreduce_sum_float(float *data, size_t count) {
    return kl_mpi_allreduce_sum(data, count, sizeof(float), kl_mpi.type_float);
}

int kl_mpi_allreduce_sum_double(double *data, size_t count) {
    return kl_mpi_allreduce_sum(data, count, sizeof(double), kl_mpi.type_double);
}

int kl_mpi_allgather_bytes(const void *send, size_t bytes, void *receive) {
    if (kl_mpi.library == NULL) return -1;
    if (bytes > INT_MAX) return -1;
    return kl_mpi.allgather(send, (int)bytes, kl_mpi.type_byte, receive, (int)bytes, kl_mpi.type_byte, kl_mpi.comm_world);
}

int kl_mpi_broadcast_bytes(void *data, size_t bytes, int root) {
    if (kl_mpi.library == NULL) return -1;
    char *start = (char *)data;
    for (size_t done = 0; done < bytes;) {
        size_t piece = bytes - done < KL_MPI_PIECE ? bytes - done : KL_MPI_PIECE;
        int code = kl_mpi.bcast(start + done, (int)piece, kl_mpi.type_byte, root, kl_mpi.comm_world);
        if (code != 0) return code;
        done += piece;
    }
    return 0;
}

int kl_mpi_barrier(unsigned poll_microseconds) {
    if (kl_mpi.library == NULL) return -1;
    if (poll_microseconds == 0) return kl_mpi.barrier(kl_mpi.comm_world);
    // A non-blocking barrier tested between sleeps: a rank that waits long (a sweep rank whose
    // runs are done) leaves its core to the others instead of spinning in MPI's progress loop.
    kl_mpi_handle request = NULL;
    int code = kl_mpi.ibarrier(kl_mpi.comm_world, &request);
    if (code != 0) return code;
    struct timespec pause = {(time_t)(poll_microseconds / 1000000u), (long)(poll_microseconds % 1000000u) * 1000L};
    for (;;) {
        int done = 0;
        code = kl_mpi.test(&request, &done, KL_MPI_STATUS_IGNORE);
        if (code != 0 || done) return code;
        nanosleep(&pause, NULL);
    }
}
