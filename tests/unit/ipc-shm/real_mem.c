/*
 * The environment of ipc-shm's real-memory tests (real_mem.h): RAM, a
 * namespace on host_ops, processes, and user accesses made by them.
 */
#include "real_mem.h"
#include "mem_test.h"
#include <klib/errno.h>
#include <string.h>

#define RAM_MIB 16

struct shm_ns *ns;
size_t free0;
static long locks0;
/*
 * What the CPU switches to before a space is destroyed (a space may not be
 * destroyed while active), as a kernel switches to its own table at exit.
 * Made after the reset of RAM and never destroyed (the next reset drops it).
 */
struct addr_space *idle;

int real_setup(void **state)
{
	(void)state;
	mem_test_ram(RAM_MIB);
	assert_int_equal(as_create(&idle), 0);
	as_activate(idle);
	as_init();
	free0 = page_free_count();
	locks0 = host_shm_locks_live();
	return shm_ns_create(&ns, NULL, &host_shm_ops);
}

int real_teardown(void **state)
{
	(void)state;
	if (ns)
		shm_ns_put(ns);
	ns = NULL;
	assert_int_equal(host_shm_locks_live(), locks0);
	assert_int_equal(page_free_count(), free0);
	return 0;
}

void proc_init(struct proc *p, int32_t pid, uint32_t uid)
{
	memset(p, 0, sizeof(*p));
	p->c.pid = pid;
	p->c.euid = p->c.egid = uid;
	assert_int_equal(as_create(&p->c.as), 0);
	shm_task_init(&p->task);
	p->c.task = &p->task;
}

/* fork(): as_fork runs in the parent, so open() stamps the parent's pid. */
void proc_fork(struct proc *child, const struct proc *parent, int32_t pid)
{
	*child = *parent;
	child->c.pid = pid;
	host_shm_set_pid(parent->c.pid);
	assert_int_equal(as_fork(parent->c.as, &child->c.as), 0);
	shm_task_init(&child->task);
	child->c.task = &child->task;
}

/* exit(): the space goes (close() for every attachment), then the creator records. */
void proc_exit(struct proc *p)
{
	host_shm_set_pid(p->c.pid);
	as_activate(idle);
	as_destroy(p->c.as);
	p->c.as = NULL;
	shm_task_exit(ns, &p->task);
}

int p_get(struct proc *p, int32_t key, size_t size, int flags)
{
	host_shm_set_pid(p->c.pid);
	return shm_get(ns, &p->c, key, size, flags);
}

uintptr_t p_at(struct proc *p, int id, uintptr_t addr, int flags)
{
	intptr_t a;

	host_shm_set_pid(p->c.pid);
	a = shm_at(ns, &p->c, id, addr, flags);
	assert_true(a > 0);
	return (uintptr_t)a;
}

int p_dt(struct proc *p, uintptr_t addr)
{
	host_shm_set_pid(p->c.pid);
	return shm_dt(ns, &p->c, addr);
}

struct shmid64_ds p_stat(int id)
{
	struct shm_caller root = {.pid = 1, .caps = SHM_CAP_IPC_OWNER};
	struct shmid64_ds ds;

	assert_int_equal(shm_ctl(ns, &root, id, IPC_STAT, &ds), 0);
	return ds;
}

unsigned long nattch(int id)
{
	return p_stat(id).shm_nattch;
}

/* A user access by p, failing the test if it faults for good. */
static int user_access_by(struct proc *p, uintptr_t va, bool write, uint8_t *byte)
{
	int rc;

	host_shm_set_pid(p->c.pid);
	rc = user_access(p->c.as, va, write, byte);
	assert_int_not_equal(rc, -EAGAIN); /* resolved, yet the access still faults */
	return rc;
}

int user_store(struct proc *p, uintptr_t va, uint8_t v)
{
	return user_access_by(p, va, true, &v);
}

uint8_t user_load(struct proc *p, uintptr_t va)
{
	uint8_t v = 0xee;

	assert_int_equal(user_access_by(p, va, false, &v), 0);
	return v;
}

/* The frame behind va in p's table, by the hardware walk and by as_query, which must agree. */
paddr_t frame_of(struct proc *p, uintptr_t va)
{
	paddr_t walked, queried;
	uint64_t pte;

	assert_int_equal(user_mmu_walk(p->c.as, va, &walked, &pte), 0);
	assert_int_equal(as_query(p->c.as, va, &queried, NULL), 0);
	assert_int_equal(walked, queried);
	return walked & ~(paddr_t)(P - 1);
}

void hoard_all(struct hoard *h)
{
	h->nframes = 0;
	h->objs = NULL;
	while (h->nframes < sizeof(h->frames) / sizeof(h->frames[0]) &&
	       (h->frames[h->nframes] = page_alloc(0)) != PADDR_NONE)
		h->nframes++;
	for (size_t size = P / 2; size >= sizeof(void *); size /= 2) {
		void **o;

		while ((o = kmalloc(size))) {
			*o = h->objs;
			h->objs = o;
		}
	}
	assert_int_equal(page_free_count(), 0);
}

void hoard_release(struct hoard *h)
{
	while (h->objs) {
		void **o = h->objs;

		h->objs = *o;
		kfree(o);
	}
	while (h->nframes)
		page_free(h->frames[--h->nframes], 0);
}
