/*
 * Fakes of ipc-shm's dependencies, and helpers for its tests.
 *
 * fake_page_alloc.c implements page-alloc's header with malloc'd frames and
 * reference counts; fake_addr_space.c implements addr-space's header with a
 * sorted list of areas and a hashed page table, calling the backend's
 * open/close/fault exactly as the header promises; fake_env.c provides the
 * struct shm_ops ipc-shm needs (pthread mutexes behind a lock-order checker,
 * a settable clock, a per-thread current pid). Together they are this
 * component's reading of those contracts.
 */
#ifndef IPC_SHM_TEST_FAKE_H
#define IPC_SHM_TEST_FAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <addr-space/addr_space.h>
#include <ipc-shm/shm.h>
#include <page-alloc/page_alloc.h>

/* fake_page_alloc.c */
long fake_frames_live(void); /* frames allocated and not yet freed */
long fake_heap_live(void);   /* kmalloc blocks not yet freed */
void fake_fail_frames_after(
    long n);                       /* n more frame allocations succeed, then all fail; -1: never */
void fake_fail_heap_after(long n); /* the same for kmalloc & co. */
long fake_heap_allocs(void);       /* kmalloc calls so far (to sweep failure points) */
/* page_commit_check: the heuristic (vm.overcommit_memory 0) against this much RAM. */
#define FAKE_RAM_PAGES (1ul << 20) /* 4 GiB */
/* The arguments of the last page_commit_check. */
void fake_last_commit(unsigned long *pages, bool *noreserve);

/* fake_addr_space.c: [FAKE_USER_BASE, FAKE_USER_TOP) is the user range. */
#define FAKE_USER_BASE 0x10000ul
#define FAKE_USER_TOP  (1ul << 38)
size_t fake_as_mapped_pages(struct addr_space *as);
unsigned fake_as_last_map_flags(void); /* flags of the last successful as_map() */
void fake_as_fail_next_map(int err);   /* the next as_map() fails with err (0: off) */
long fake_as_live(void);               /* spaces not yet destroyed */

/* fake_env.c: the shm_ops ipc-shm runs with, and the lock-order checker. */
extern const struct shm_ops fake_shm_ops;
struct fake_lock {
	pthread_mutex_t mu;
	int rank; /* 1 address space, 2 shm_ns, 3 shm_seg: must be taken in increasing order */
	const char *name;
	pthread_t owner; /* valid while owned; atomic: fake_lock_held reads it unlocked */
	int owned;
};
/* Does this thread hold l? (shm_ops.held) */
bool fake_lock_held(struct fake_lock *l);
void fake_lock_init(struct fake_lock *l, const char *name);
void fake_lock_fini(struct fake_lock *l);
void fake_lock_acquire(struct fake_lock *l);
void fake_lock_release(struct fake_lock *l);
long fake_locks_live(void);
void fake_set_time(int64_t seconds);
int64_t fake_time(void);
void fake_set_pid(int32_t pid); /* this thread's current pid */

/* A process: credentials, a space, a creator record. */
struct fake_proc {
	struct shm_caller c;
	struct shm_task task;
	uint32_t groups[4];
};
void fake_proc_init(struct fake_proc *p, int32_t pid, uint32_t uid, uint32_t gid);
/* Fork: the child gets a copy of the parent's space (as_fork, run as the parent). */
void fake_proc_fork(struct fake_proc *child, struct fake_proc *parent, int32_t pid);
/* Exit: the space goes (run as the process), then shm_task_exit. */
void fake_proc_exit(struct shm_ns *ns, struct fake_proc *p);
/* Exec: a new empty space replaces the old one. */
void fake_proc_exec(struct fake_proc *p);

/* A namespace on fake_shm_ops with 'limits' (NULL: defaults). */
struct shm_ns *fake_ns(const struct shm_limits *limits);

/* Calls made as process p (the current pid set to p's first). */
int p_get(struct shm_ns *ns, struct fake_proc *p, int32_t key, size_t size, int flags);
intptr_t p_at(struct shm_ns *ns, struct fake_proc *p, int id, uintptr_t addr, int flags);
int p_dt(struct shm_ns *ns, struct fake_proc *p, uintptr_t addr);
int p_ctl(struct shm_ns *ns, struct fake_proc *p, int id, int cmd, void *buf);
/* IPC_STAT as root (never fails on a live id); nattch, mode, ... of a segment. */
struct shmid64_ds p_stat(struct shm_ns *ns, int id);
unsigned long p_nattch(struct shm_ns *ns, int id);
bool p_alive(struct shm_ns *ns, int id);
/* Write/read one byte through p's space (faults it in): 0 or -EFAULT. */
int p_poke(struct fake_proc *p, uintptr_t va, uint8_t v);
int p_peek(struct fake_proc *p, uintptr_t va, uint8_t *v);

/* Nothing left: no frame, heap block, lock or space. */
bool fake_all_clean(void);

#endif
