/*
 * The locks linux-abi gives the components it integrates (ipc-shm's
 * shm_ops, the vfs's vfs_ops): each lock is created with a name, which is
 * its class for the lock-order checker.
 *
 * Where the address space's lock is a mutex (ADDR_SPACE_MUTEX, which
 * needs sync), they are sync mutexes, one lock-order class per name, so
 * the checker sees the orders ipc-shm and the vfs document (the space's
 * lock, then shm_ns, then shm_seg; vfs_file ... vfs_tree) and would name
 * any call path that took two classes the other way round. Otherwise they
 * are raw irq-safe spinlocks, as the space's lock is then: critical
 * sections never sleep, and backend callbacks run under the space's
 * spinlock.
 */
#include <hal/spinlock.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include <task/wait.h>
#if defined(CONFIG_SYNC) && defined(CONFIG_ADDR_SPACE_MUTEX)
#include <sync/cond.h>
#include <sync/mutex.h>
#include <task/task.h>
#endif
#include "abi_internal.h"

#if defined(CONFIG_SYNC) && defined(CONFIG_ADDR_SPACE_MUTEX)

#ifdef CONFIG_SYNC_LOCKDEP
/*
 * The lock-order class of a name: the address of its slot in this table.
 * Names past the table share the last slot (their order is then checked
 * as one class's, which can only report more, never less).
 */
#define CLASSES 32
static struct {
	const char *name;
} classes[CLASSES];
static hal_spinlock_t classes_lock = HAL_SPINLOCK_INIT;
#endif

/*
 * Every shmget creates a lock, so this is on a hot path: without the
 * checker (CONFIG_SYNC_LOCKDEP) a class would never be read, and there is
 * none; with it, the callers' names are literals, so the table is searched
 * for the same pointer before it is searched for the same string.
 */
static const void *class_of(const char *name)
{
#ifndef CONFIG_SYNC_LOCKDEP
	(void)name;
	return NULL;
#else
	unsigned long flags = hal_spin_lock_irqsave(&classes_lock);
	unsigned i;

	for (i = 0; i < CLASSES - 1 && classes[i].name; i++)
		if (classes[i].name == name)
			goto found;
	for (i = 0; i < CLASSES - 1 && classes[i].name; i++)
		if (strcmp(classes[i].name, name) == 0)
			break;
	if (!classes[i].name)
		classes[i].name = name;
found:
	hal_spin_unlock_irqrestore(&classes_lock, flags);
	return &classes[i];
#endif
}

void *lx_lock_create(void *ctx, const char *name)
{
	struct mutex *m = kzalloc(sizeof(*m));

	(void)ctx;
	if (m)
		mutex_init_key(m, name, class_of(name));
	return m;
}

void lx_lock(void *ctx, void *l)
{
	(void)ctx;
	mutex_lock(l);
}

void lx_unlock(void *ctx, void *l)
{
	(void)ctx;
	mutex_unlock(l);
}

bool lx_lock_held(void *ctx, void *l)
{
	(void)ctx;
	return mutex_owner(l) == task_current();
}

void *lx_wait_create(void)
{
	struct cond *c = kzalloc(sizeof(*c));

	if (c)
		cond_init(c, "vfs_wait");
	return c;
}

int lx_wait(void *wait, void *lock, uint64_t deadline)
{
	return cond_wait_intr(wait, lock, deadline, TASK_WAIT_INTERRUPTIBLE);
}

void lx_wake(void *wait)
{
	cond_broadcast(wait);
}

#else

struct lx_spin {
	hal_spinlock_t spin;
	unsigned long flags;
};

void *lx_lock_create(void *ctx, const char *name)
{
	struct lx_spin *l = kzalloc(sizeof(*l));

	(void)ctx;
	(void)name;
	if (l)
		hal_spin_init(&l->spin);
	return l;
}

void lx_lock(void *ctx, void *lock)
{
	struct lx_spin *l = lock;
	unsigned long flags = hal_spin_lock_irqsave(&l->spin);

	(void)ctx;
	l->flags = flags;
}

void lx_unlock(void *ctx, void *lock)
{
	struct lx_spin *l = lock;

	(void)ctx;
	hal_spin_unlock_irqrestore(&l->spin, l->flags);
}

void *lx_wait_create(void)
{
	struct wait_queue *wq = kzalloc(sizeof(*wq));

	if (wq)
		wq_init(wq);
	return wq;
}

/* The lock's saved flags belong to whoever holds it: the waiter's are kept across the sleep. */
int lx_wait(void *wait, void *lock, uint64_t deadline)
{
	struct lx_spin *l = lock;
	unsigned long flags = l->flags;
	int rc = wq_wait_intr(wait, &l->spin, deadline, TASK_WAIT_INTERRUPTIBLE);

	l->flags = flags;
	return rc;
}

void lx_wake(void *wait)
{
	wq_wake_all(wait);
}

/* One CPU: a spinlock taken with interrupts off is held by whoever runs. */
bool lx_lock_held(void *ctx, void *lock)
{
	struct lx_spin *l = lock;

	(void)ctx;
	return hal_spin_is_locked(&l->spin);
}

#endif

void lx_lock_destroy(void *ctx, void *lock)
{
	(void)ctx;
	kfree(lock);
}

void lx_wait_destroy(void *wait)
{
	kfree(wait);
}
