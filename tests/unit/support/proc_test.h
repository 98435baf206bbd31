/*
 * Running user processes in a host unit test: real tasks on the host
 * platform (context switches, the timer signal as the tick), the real
 * page-alloc, paging and addr-space over host memory as RAM, and user mode
 * from the fake hal/user.h (fake_user.h). Programs are files handed to
 * process_set_files(): the static riscv64 program from Debian's cross gcc
 * (exec parses and maps it for real) under any path, each path run as the
 * fake program given for it; or any bytes (a file that is not a program).
 *
 * Each test starts its first process with proc_test_start() and waits for
 * every process to end with proc_test_wait_all(). Pids are never reused, so
 * only the first process of a test binary is pid 1.
 */
#ifndef PROC_TEST_H
#define PROC_TEST_H

#include "kit_test.h"
#include "fake_user.h"
#include <process/process.h>

/* Once, from main(): RAM, tasks (main() becomes the task "main"), the program's bytes. */
void proc_test_boot(void);

/* Forget every file and program. */
void proc_test_reset(void);
/* 'path' holds the static riscv64 program and runs as 'fn'. */
void proc_test_program(const char *path, fake_user_fn fn);
/* 'path' holds 'size' bytes at 'data' (kept by the caller). */
void proc_test_file(const char *path, const void *data, size_t size);
/* The static program's bytes. */
const void *proc_test_elf(size_t *size);
/* Every file given so far as a cpio newc archive (an initrd; malloc'd, the caller frees). */
void *proc_test_cpio(size_t *size);

/* process_start_init(path, argv, no environment), which must succeed. */
struct process *proc_test_start(const char *path, const char *const *argv);
/* Wait (kit_test_wait_seconds() at most: KIT_TEST_WAIT) until no process is left;
 * process_wait_all()'s status. */
int proc_test_wait_all(void);

/*
 * Has process 'pid' ended (a zombie not yet collected, or gone)? For a
 * program that must know a sibling ended without collecting it.
 */
bool proc_test_ended(int32_t pid);

/* Wait statuses (Linux's encoding). */
#define EXITED(code) (((code)&0xff) << 8)
#define KILLED(sig)  (sig)

#endif
