// Process control that Swift cannot call directly (prctl is variadic).
#include "kl_kernels.h"

#if defined(__linux__)
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

int kl_exit_with_parent(int expected_parent) {
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return 0;
    // Checked after prctl: a parent that died before it took effect has re-parented us already.
    return getppid() == (pid_t)expected_parent ? 1 : -1;
}
#else
#include <unistd.h>

int kl_exit_with_parent(int expected_parent) {
    return getppid() == (pid_t)expected_parent ? 0 : -1;
}
#endif
