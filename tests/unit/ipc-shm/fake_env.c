/*
 * What the integrator provides, faked: struct shm_ops with pthread mutexes
 * checked against the lock order of ipc-shm/shm.h (address space, then
 * shm_ns, then shm_seg; a violation aborts), a settable clock and a
 * per-thread current pid. Plus processes and call helpers for the tests.
 */
#include "fake.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HELD 8

static _Thread_local int held[MAX_HELD];
static _Thread_local int nheld;
static _Thread_local int32_t current_pid = 1;
static int64_t clock_now = 1700000000;
static long locks_live;

static int lock_rank(const char *name)
{
	if (!strcmp(name, "as"))
		return 1;
	if (!strcmp(name, "shm_ns"))
		return 2;
	if (!strcmp(name, "shm_seg"))
		return 3;
	fprintf(stderr, "lock checker: unknown lock class '%s'\n", name);
	abort();
}

void fake_lock_init(struct fake_lock *l, const char *name)
{
	pthread_mutex_init(&l->mu, NULL);
	l->rank = lock_rank(name);
	l->name = name;
	l->owned = 0;
	__atomic_fetch_add(&locks_live, 1, __ATOMIC_RELAXED);
}

void fake_lock_fini(struct fake_lock *l)
{
	if (pthread_mutex_destroy(&l->mu)) {
		fprintf(stderr, "lock checker: destroying %s while it is held\n", l->name);
		abort();
	}
	__atomic_fetch_sub(&locks_live, 1, __ATOMIC_RELAXED);
}

void fake_lock_acquire(struct fake_lock *l)
{
	if (nheld && held[nheld - 1] >= l->rank) {
		fprintf(stderr, "lock checker: %s (rank %d) taken while holding rank %d\n", l->name,
		        l->rank, held[nheld - 1]);
		abort();
	}
	if (nheld == MAX_HELD)
		abort();
	pthread_mutex_lock(&l->mu);
	__atomic_store_n(&l->owner, pthread_self(), __ATOMIC_RELAXED);
	__atomic_store_n(&l->owned, 1, __ATOMIC_RELEASE);
	held[nheld++] = l->rank;
}

void fake_lock_release(struct fake_lock *l)
{
	if (!nheld || held[nheld - 1] != l->rank) {
		fprintf(stderr, "lock checker: %s released out of order\n", l->name);
		abort();
	}
	nheld--;
	__atomic_store_n(&l->owned, 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&l->mu);
}

bool fake_lock_held(struct fake_lock *l)
{
	return __atomic_load_n(&l->owned, __ATOMIC_ACQUIRE) &&
	       pthread_equal(__atomic_load_n(&l->owner, __ATOMIC_RELAXED), pthread_self());
}

long fake_locks_live(void)
{
	return __atomic_load_n(&locks_live, __ATOMIC_RELAXED);
}

/* Lock objects come from the (fake) heap, so heap failures reach lock creation too. */
static void *env_lock_create(void *ctx, const char *name)
{
	struct fake_lock *l = kmalloc(sizeof(*l));

	(void)ctx;
	if (l)
		fake_lock_init(l, name);
	return l;
}

static void env_lock_destroy(void *ctx, void *lock)
{
	(void)ctx;
	fake_lock_fini(lock);
	kfree(lock);
}

static void env_lock(void *ctx, void *lock)
{
	(void)ctx;
	fake_lock_acquire(lock);
}

static void env_unlock(void *ctx, void *lock)
{
	(void)ctx;
	fake_lock_release(lock);
}

static bool env_held(void *ctx, void *lock)
{
	(void)ctx;
	return fake_lock_held(lock);
}

static int64_t env_now(void *ctx)
{
	(void)ctx;
	return __atomic_load_n(&clock_now, __ATOMIC_RELAXED);
}

static int32_t env_current_pid(void *ctx)
{
	(void)ctx;
	return current_pid;
}

const struct shm_ops fake_shm_ops = {
    .lock_create = env_lock_create,
    .lock_destroy = env_lock_destroy,
    .lock = env_lock,
    .unlock = env_unlock,
    .now = env_now,
    .current_pid = env_current_pid,
    .held = env_held,
};

void fake_set_time(int64_t seconds)
{
	__atomic_store_n(&clock_now, seconds, __ATOMIC_RELAXED);
}

int64_t fake_time(void)
{
	return env_now(NULL);
}

void fake_set_pid(int32_t pid)
{
	current_pid = pid;
}

void fake_proc_init(struct fake_proc *p, int32_t pid, uint32_t uid, uint32_t gid)
{
	memset(p, 0, sizeof(*p));
	p->c.pid = pid;
	p->c.euid = uid;
	p->c.egid = gid;
	p->c.groups = p->groups;
	p->c.memlock_limit = 8ul << 20;
	p->c.task = &p->task;
	shm_task_init(&p->task);
	as_create(&p->c.as);
}

void fake_proc_fork(struct fake_proc *child, struct fake_proc *parent, int32_t pid)
{
	/* Not *child = *parent: the parent's task (its created list) is ipc-shm's, changed under
	 * the namespace's lock by the parent's other threads; the child gets a new one. */
	memset(child, 0, sizeof(*child));
	child->c = parent->c;
	memcpy(child->groups, parent->groups, sizeof(child->groups));
	child->c.pid = pid;
	child->c.groups = child->groups;
	child->c.task = &child->task;
	shm_task_init(&child->task);
	fake_set_pid(parent->c.pid); /* as_fork runs in the parent */
	as_fork(parent->c.as, &child->c.as);
}

void fake_proc_exit(struct shm_ns *ns, struct fake_proc *p)
{
	fake_set_pid(p->c.pid);
	as_destroy(p->c.as);
	p->c.as = NULL;
	shm_task_exit(ns, &p->task);
}

void fake_proc_exec(struct fake_proc *p)
{
	fake_set_pid(p->c.pid);
	as_destroy(p->c.as);
	as_create(&p->c.as);
}

struct shm_ns *fake_ns(const struct shm_limits *limits)
{
	struct shm_ns *ns;

	if (shm_ns_create(&ns, limits, &fake_shm_ops))
		abort();
	return ns;
}

int p_get(struct shm_ns *ns, struct fake_proc *p, int32_t key, size_t size, int flags)
{
	fake_set_pid(p->c.pid);
	return shm_get(ns, &p->c, key, size, flags);
}

intptr_t p_at(struct shm_ns *ns, struct fake_proc *p, int id, uintptr_t addr, int flags)
{
	fake_set_pid(p->c.pid);
	return shm_at(ns, &p->c, id, addr, flags);
}

int p_dt(struct shm_ns *ns, struct fake_proc *p, uintptr_t addr)
{
	fake_set_pid(p->c.pid);
	return shm_dt(ns, &p->c, addr);
}

int p_ctl(struct shm_ns *ns, struct fake_proc *p, int id, int cmd, void *buf)
{
	fake_set_pid(p->c.pid);
	return shm_ctl(ns, &p->c, id, cmd, buf);
}

struct shmid64_ds p_stat(struct shm_ns *ns, int id)
{
	struct shm_caller root = {.caps = SHM_CAP_IPC_OWNER};
	struct shmid64_ds ds;

	memset(&ds, 0xff, sizeof(ds));
	if (shm_ctl(ns, &root, id, IPC_STAT, &ds) != 0)
		ds.shm_nattch = (unsigned long)-1;
	return ds;
}

unsigned long p_nattch(struct shm_ns *ns, int id)
{
	return p_stat(ns, id).shm_nattch;
}

bool p_alive(struct shm_ns *ns, int id)
{
	struct shm_caller root = {.caps = SHM_CAP_IPC_OWNER};
	struct shmid64_ds ds;

	return shm_ctl(ns, &root, id, IPC_STAT, &ds) == 0;
}

int p_poke(struct fake_proc *p, uintptr_t va, uint8_t v)
{
	fake_set_pid(p->c.pid);
	return as_copy_to_user(p->c.as, va, &v, 1);
}

int p_peek(struct fake_proc *p, uintptr_t va, uint8_t *v)
{
	fake_set_pid(p->c.pid);
	return as_copy_from_user(p->c.as, v, va, 1);
}

bool fake_all_clean(void)
{
	bool clean = fake_frames_live() == 0 && fake_heap_live() == 0 && fake_locks_live() == 0 &&
	             fake_as_live() == 0;

	if (!clean)
		fprintf(stderr, "left over: %ld frames, %ld heap blocks, %ld locks, %ld spaces\n",
		        fake_frames_live(), fake_heap_live(), fake_locks_live(), fake_as_live());
	return clean;
}
