/*
 * The smallest system-call layer, for the process core's tests: each call
 * is one process.h function, with the arguments passed as they are (exec's
 * path and argv are kernel pointers: the core takes kernel strings). Its
 * hooks count how often process called them, so a test can check that
 * every process got its state at fork or exec and gave it back once. A
 * thread gets state of its own (the layer's clone_thread hook).
 */
#ifndef CORE_ABI_H
#define CORE_ABI_H

#include "proc_test.h"

/* riscv64 Linux's numbers, for familiarity. */
#define NR_exit         93
#define NR_exit_group   94
#define NR_kill         129
#define NR_sched_yield  124
#define NR_rt_sigreturn 139
#define NR_getpid       172
#define NR_getppid      173
/* clone (flags): CLONE_THREAD makes a thread, anything else forks */
#define NR_clone  220
#define NR_execve 221 /* (path, argv) as kernel pointers */
#define NR_wait4  260 /* (pid, user address of the status or 0, WNOHANG or 0) */
/* sleeps until a signal; the rest, through restart_syscall, returns 42 */
#define NR_nanosleep       101
#define NR_restart_syscall 128 /* the signal code's (linux-arch/unistd.h) */

#define WNOHANG      1
#define SIGKILL      9
#define SIGCHLD      17
#define CLONE_THREAD 0x10000

struct core_abi_counts {
	int forks, threads, execs, exits, releases; /* exits: one per thread group */
	int exit_with_space; /* exit() hooks called before the space was gone (Linux: exit_mm first)
	                      */
	int release_foreign; /* release() of state another process made */
};
extern struct core_abi_counts core_abi_counts;

/* Register the layer and zero the counts. */
void core_abi_init(void);

/*
 * Start 'path' as the test's first process and wait for every process to
 * end; then check that each ended once and released its state once, and
 * that every frame is back. process_wait_all()'s status (pid 1's).
 */
int core_run(const char *path);

#endif
