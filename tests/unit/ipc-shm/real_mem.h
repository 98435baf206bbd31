/*
 * ipc-shm over the real addr-space, paging and page-alloc: host memory as
 * RAM (mem_test.h), the unit tests' fake hal, pthread-mutex locks and the
 * realtime clock (host_ops.c). Where the other ipc-shm tests read the
 * addr-space contract through fakes, test_real_*.c run it; this is their
 * environment (real_mem.c).
 *
 * User accesses go the way the hardware takes them (support/user_access.h):
 * a walk of the Sv39 table from the root as_activate() installed, and on a
 * missing or forbidding entry a page fault through the hook as_init()
 * installed in the hal, then the retried access. So "a write through one
 * space is read through the other" means two walks of two tables reaching
 * one frame.
 *
 * Every test ends with everything gone (real_teardown): each space
 * destroyed, the namespace destroyed, no lock left, and page_free_count()
 * exactly where it started (page-alloc's heap holds no frame when idle, so
 * this also shows every kmalloc of ipc-shm and addr-space was freed).
 */
#ifndef IPC_SHM_TEST_REAL_MEM_H
#define IPC_SHM_TEST_REAL_MEM_H

#include "kit_test.h"
#include "host_ops.h"
#include "user_access.h"
#include <addr-space/addr_space.h>
#include <ipc-shm/shm.h>

#define P   PAGE_SIZE
#define UR  (AS_PROT_READ | AS_PROT_USER)
#define URW (AS_PROT_READ | AS_PROT_WRITE | AS_PROT_USER)

struct proc {
	struct shm_caller c;
	struct shm_task task;
};

extern struct shm_ns *ns;       /* made by real_setup; a test that destroys it sets NULL */
extern struct addr_space *idle; /* made active before a space is destroyed */
extern size_t free0;            /* free frames when the test began */

/* cmocka setup and teardown: fresh RAM and namespace; then everything back. */
int real_setup(void **state);
int real_teardown(void **state);

void proc_init(struct proc *p, int32_t pid, uint32_t uid);
void proc_fork(struct proc *child, const struct proc *parent, int32_t pid);
void proc_exit(struct proc *p);

/* Calls made as p (the current pid set to p's); p_at asserts success. */
int p_get(struct proc *p, int32_t key, size_t size, int flags);
uintptr_t p_at(struct proc *p, int id, uintptr_t addr, int flags);
int p_dt(struct proc *p, uintptr_t addr);
struct shmid64_ds p_stat(int id); /* IPC_STAT with IPC_OWNER */
unsigned long nattch(int id);

/* A user store by p (0 or the fault's errno); a load, which must succeed. */
int user_store(struct proc *p, uintptr_t va, uint8_t v);
uint8_t user_load(struct proc *p, uintptr_t va);
/* The frame behind va in p's table, by the hardware walk and by as_query, which must agree. */
paddr_t frame_of(struct proc *p, uintptr_t va);

/* Take every free frame and every free heap object; give them back. */
struct hoard {
	paddr_t frames[8192];
	size_t nframes;
	void **objs; /* kmalloc'd objects chained through their first word */
};

void hoard_all(struct hoard *h);
void hoard_release(struct hoard *h);

#endif
