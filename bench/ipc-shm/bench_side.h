/*
 * One side of the ipc-shm benchmark: System V shared memory as seen by a
 * process, so the same workloads (shm_bench.c) run on Linux's system calls
 * (side_linux.c) and on ipc-shm over the real memory components
 * (side_kit.c).
 */
#ifndef BENCH_SIDE_H
#define BENCH_SIDE_H

#include <stddef.h>
#include <stdint.h>

struct bench_side {
	const char *name;
	/* Prepare; NULL when ready, else why this side cannot run. */
	const char *(*init)(void);
	/* The most segments a namespace may hold (SHMMNI). */
	long (*shmmni)(void);
	int (*get)(int32_t key, size_t size, int flags); /* id, or -1 */
	uintptr_t (*at)(int id);                         /* anywhere, read-write; 0 on failure */
	int (*dt)(uintptr_t addr);
	int (*rmid)(int id);
	/* A user store of one byte: the first one to a page faults it in. */
	void (*touch)(uintptr_t addr);
};

extern const struct bench_side bench_linux;
extern const struct bench_side bench_kit;

#endif
