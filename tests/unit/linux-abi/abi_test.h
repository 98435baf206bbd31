/*
 * The system-call layer (linux_abi_init) over process on the host: fake
 * user programs (fake_user.h) make riscv64 Linux system calls, with their
 * arguments in user memory where Linux has them there. abi_run() starts a
 * test's first process and waits for every process; then the layer is shut
 * down and every frame must be back.
 */
#ifndef ABI_TEST_H
#define ABI_TEST_H

#include "proc_test.h"
#include <klib/errno.h>
#include <linux-abi/linux_abi.h>
#include <page-alloc/page_alloc.h>

/* riscv64 Linux's numbers (include/uapi/asm-generic/unistd.h), written out
 * here so that a wrong number in the layer shows. */
#define NR_exit        93
#define NR_exit_group  94
#define NR_kill        129
#define NR_sched_yield 124
#define NR_setgid      144
#define NR_setuid      146
#define NR_getresuid   148
#define NR_getpid      172
#define NR_getppid     173
#define NR_getuid      174
#define NR_geteuid     175
#define NR_shmget      194
#define NR_shmctl      195
#define NR_shmat       196
#define NR_shmdt       197
#define NR_brk         214
#define NR_munmap      215
#define NR_clone       220
#define NR_execve      221
#define NR_mmap        222
#define NR_mprotect    226
#define NR_wait4       260
#define NR_rseq        293

#define SIGKILL 9
#define SIGSEGV 11
#define SIGCHLD 17
#define WNOHANG 1

#define PROT_READ     1
#define PROT_WRITE    2
#define MAP_SHARED    0x01
#define MAP_PRIVATE   0x02
#define MAP_ANONYMOUS 0x20
#define MAP_NORESERVE 0x4000

#define PG 4096ul

/* User scratch below the initial stack: wait4's status, strings, buffers. */
#define SCRATCH(u) ((u)->sp0 - 16 * PG)
/* Run this step again (spin). */
#define AGAIN(u) ((u)->step--)

/*
 * linux_abi_init(); the first process 'path'; wait for every process; the
 * segments left in the shm namespace (*segments_left, if not NULL);
 * linux_abi_shutdown(); every frame back. pid 1's status.
 */
int abi_run(const char *path, size_t *segments_left);

/* A 32-bit value in the calling program's memory (0xdeadbeef if unreadable). */
uint32_t abi_read_u32(uintptr_t va);

#endif
