/*
 * System V shared memory calls: ipc-shm does the work; this supplies its
 * locks, clock and caller.
 *
 * The locks: where the address space's lock is a mutex (ADDR_SPACE_MUTEX,
 * which needs sync), mutexes of two lock-order classes,
 * "shm_ns" and "shm_seg", so the checker sees the order ipc-shm documents
 * (the space's lock, then shm_ns, then shm_seg) and would name any call path
 * that took them the other way round -- the AB/BA the original kernel
 * deadlocked on. Otherwise raw irq-safe spinlocks, as the space's lock is
 * then: ipc-shm's critical sections never sleep, and its callbacks run under
 * the space's spinlock.
 */
#include <hal/spinlock.h>
#include <hal/time.h>
#include <klib/errno.h>
#include <klib/string.h>
#include <linux-abi/linux_abi.h>
#include <page-alloc/page_alloc.h>
#if defined(CONFIG_SYNC) && defined(CONFIG_ADDR_SPACE_MUTEX)
#include <sync/mutex.h>
#include <task/task.h>
#endif
#include "abi_internal.h"
#include "nr.h"

#ifdef CONFIG_IPC_SHM

static struct shm_ns *ns;

#if defined(CONFIG_SYNC) && defined(CONFIG_ADDR_SPACE_MUTEX)
static char ns_class, seg_class; /* one lock-order class per name */

static void *lock_create(void *ctx, const char *name)
{
	struct mutex *m = kzalloc(sizeof(*m));

	(void)ctx;
	if (m)
		mutex_init_key(m, name, strcmp(name, "shm_ns") == 0 ? &ns_class : &seg_class);
	return m;
}

static void lock(void *ctx, void *l)
{
	(void)ctx;
	mutex_lock(l);
}

static void unlock(void *ctx, void *l)
{
	(void)ctx;
	mutex_unlock(l);
}

static bool held(void *ctx, void *l)
{
	(void)ctx;
	return mutex_owner(l) == task_current();
}
#else
struct lx_lock {
	hal_spinlock_t spin;
	unsigned long flags;
};

static void *lock_create(void *ctx, const char *name)
{
	struct lx_lock *l = kzalloc(sizeof(*l));

	(void)ctx;
	(void)name;
	if (l)
		hal_spin_init(&l->spin);
	return l;
}

static void lock(void *ctx, void *lock)
{
	struct lx_lock *l = lock;
	unsigned long flags = hal_spin_lock_irqsave(&l->spin);

	(void)ctx;
	l->flags = flags;
}

static void unlock(void *ctx, void *lock)
{
	struct lx_lock *l = lock;

	(void)ctx;
	hal_spin_unlock_irqrestore(&l->spin, l->flags);
}

/* One CPU: a spinlock taken with interrupts off is held by whoever runs. */
static bool held(void *ctx, void *lock)
{
	struct lx_lock *l = lock;

	(void)ctx;
	return hal_spin_is_locked(&l->spin);
}
#endif

static void lock_destroy(void *ctx, void *lock)
{
	(void)ctx;
	kfree(lock);
}

static int64_t now(void *ctx)
{
	(void)ctx;
	return (int64_t)(hal_time_realtime_ns() / 1000000000ull);
}

static int32_t current_pid(void *ctx)
{
	struct process *p = process_current();

	(void)ctx;
	return p ? p->pid : 0;
}

static const struct shm_ops ops = {
	.lock_create = lock_create, .lock_destroy = lock_destroy, .lock = lock, .unlock = unlock,
	.now = now, .current_pid = current_pid, .held = held,
};

int lx_shm_setup(void)
{
	return shm_ns_create(&ns, NULL, &ops);
}

static void caller_of(struct process *p, struct shm_caller *c)
{
	const struct cred *cr = &lx(p)->cred;

	*c = (struct shm_caller){
		.pid = p->pid, .euid = cr->euid, .egid = cr->egid,
		.groups = cr->groups, .ngroups = cr->ngroups,
		.memlock_limit = lx(p)->rlim[LX_RLIMIT_MEMLOCK].cur,
		.uid = cr->ruid, .as = p->as, .task = &lx(p)->shm,
	};
	if (cred_capable(cr, CRED_CAP_IPC_OWNER))
		c->caps |= SHM_CAP_IPC_OWNER;
	if (cred_capable(cr, CRED_CAP_SYS_ADMIN))
		c->caps |= SHM_CAP_SYS_ADMIN;
	if (cred_capable(cr, CRED_CAP_IPC_LOCK))
		c->caps |= SHM_CAP_IPC_LOCK;
}

long lx_sys_shm(struct process *p, unsigned long nr, const unsigned long *a)
{
	struct shm_caller c;

	switch (nr) {
	case NR_shmget: case NR_shmat: case NR_shmdt: case NR_shmctl:
		break;
	default:
		return -ENOSYS;
	}
	caller_of(p, &c);
	switch (nr) {
	case NR_shmget:
		return shm_get(ns, &c, (int32_t)a[0], a[1], (int)a[2]);
	case NR_shmat:
		return shm_at(ns, &c, (int)a[0], a[1], (int)a[2]);
	case NR_shmdt:
		return shm_dt(ns, &c, a[0]);
	default:
		return shm_ctl_user(ns, &c, (int)a[0], (int)a[1], a[2]);
	}
}

void lx_shm_init_task(struct process *p)
{
	shm_task_init(&lx(p)->shm);
}

void lx_shm_exit(struct process *p)
{
	shm_task_exit(ns, &lx(p)->shm);
}

size_t linux_abi_shm_segments(void)
{
	struct shm_info info;
	struct shm_caller c = {.caps = SHM_CAP_IPC_OWNER | SHM_CAP_SYS_ADMIN};

	return shm_ctl(ns, &c, 0, SHM_INFO, &info) >= 0 ? info.used_ids : 0;
}

void linux_abi_shutdown(void)
{
	if (ns)
		shm_ns_destroy(ns);
	ns = NULL;
}

#else /* no ipc-shm: the calls do not exist */

int lx_shm_setup(void) { return 0; }
long lx_sys_shm(struct process *p, unsigned long nr, const unsigned long *a)
{
	(void)p; (void)nr; (void)a;
	return -ENOSYS;
}
void lx_shm_init_task(struct process *p) { (void)p; }
void lx_shm_exit(struct process *p) { (void)p; }
size_t linux_abi_shm_segments(void) { return 0; }
void linux_abi_shutdown(void) {}

#endif
