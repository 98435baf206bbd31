/*
 * Condition variable. The waiter queues itself under the condvar's lock
 * before it releases the mutex, and a signaller takes that same lock: a
 * signal sent at any point after the mutex was released finds the waiter
 * queued. Lock order: the condvar's spinlock, then the mutex's.
 */
#include <klib/errno.h>
#include <sync/cond.h>
#include <task/task.h>
#include "sync_internal.h"

void cond_init(struct cond *c, const char *name)
{
	hal_spin_init(&c->lock);
	wq_init(&c->waiters);
	c->name = name ? name : "(unnamed)";
}

int cond_wait_at(struct cond *c, struct mutex *m, uint64_t deadline, const char *file, int line)
{
	return cond_wait_intr_at(c, m, deadline, 0, file, line);
}

int cond_wait_intr_at(struct cond *c, struct mutex *m, uint64_t deadline, unsigned intr,
                      const char *file, int line)
{
	unsigned long flags;
	int rc;

	if (!task_current() || mutex_owner(m) != task_current())
		return SYNC_MISUSE(
		    -EPERM, "cond_wait at %s:%d on '%s': task '%s' does not hold mutex '%s'", file,
		    line, c->name, sync_task_name(task_current()), m->dep.name);
	sync_might_sleep("cond_wait", c->name, file, line);
	flags = hal_spin_lock_irqsave(&c->lock);
	mutex_unlock(m); /* interrupts stay off: nothing can run before we queue */
	rc = wq_wait_intr(&c->waiters, &c->lock, deadline, intr);
	wq_unlock(&c->lock, flags);
	mutex_lock_at(m, TASK_FOREVER, file, line);
	return rc;
}

void cond_signal(struct cond *c)
{
	unsigned long flags = hal_spin_lock_irqsave(&c->lock);

	wq_wake_one(&c->waiters);
	wq_unlock(&c->lock, flags);
}

void cond_broadcast(struct cond *c)
{
	unsigned long flags = hal_spin_lock_irqsave(&c->lock);

	wq_wake_all(&c->waiters);
	wq_unlock(&c->lock, flags);
}
