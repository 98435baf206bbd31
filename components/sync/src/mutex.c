/*
 * Mutex: an owner and a FIFO of waiters under a spinlock. Unlock hands the
 * mutex to the first waiter (it becomes the owner before it even runs), so
 * the order of acquisition is the order of arrival.
 */
#include <hal/spinlock.h>
#include <klib/errno.h>
#include <sync/mutex.h>
#include <task/task.h>
#include "sync_internal.h"

void mutex_init_key(struct mutex *m, const char *name, const void *key)
{
	hal_spin_init(&m->lock);
	m->owner = NULL;
	wq_init(&m->waiters);
	lock_dep_init(&m->dep, name, key);
}

int mutex_lock_at(struct mutex *m, uint64_t deadline, const char *file, int line)
{
	struct task *self = task_current();
	unsigned long flags;
	int rc = 0;

	if (!self)
		return SYNC_MISUSE(-EAGAIN, "mutex_lock at %s:%d: '%s' used before task_init", file,
		                   line, m->dep.name);
	lockdep_check(&m->dep, file, line);
	flags = hal_spin_lock_irqsave(&m->lock);
	if (m->owner == self) {
		hal_spin_unlock_irqrestore(&m->lock, flags);
		return SYNC_MISUSE(-EDEADLK,
		                   "mutex_lock at %s:%d: task '%s' already holds mutex '%s'", file,
		                   line, sync_task_name(self), m->dep.name);
	}
	if (!m->owner)
		m->owner = self;
	else
		rc = wq_wait(&m->waiters, &m->lock, deadline); /* 0: handed over */
	wq_unlock(&m->lock, flags);
	if (rc == 0)
		lockdep_acquired(&m->dep, file, line);
	return rc;
}

int mutex_trylock_at(struct mutex *m, const char *file, int line)
{
	struct task *self = task_current();
	unsigned long flags;
	int rc = -EBUSY;

	if (!self) /* a NULL owner would be no owner: the mutex taken twice */
		return SYNC_MISUSE(-EAGAIN, "mutex_trylock at %s:%d: '%s' used before task_init",
		                   file, line, m->dep.name);
	flags = hal_spin_lock_irqsave(&m->lock);
	if (!m->owner) {
		m->owner = self;
		rc = 0;
	}
	hal_spin_unlock_irqrestore(&m->lock, flags);
	if (rc == 0)
		lockdep_acquired(&m->dep, file, line);
	return rc;
}

int mutex_unlock(struct mutex *m)
{
	struct task *self = task_current(), *owner;
	unsigned long flags = hal_spin_lock_irqsave(&m->lock);

	owner = m->owner;
	if (!self || owner != self) { /* before task_init, NULL == NULL would "unlock" a free mutex */
		hal_spin_unlock_irqrestore(&m->lock, flags);
		return SYNC_MISUSE(-EPERM,
		                   "mutex_unlock: task '%s' does not hold mutex '%s' (owner: %s)",
		                   sync_task_name(self), m->dep.name, sync_task_name(owner));
	}
	lockdep_released(&m->dep);
	m->owner = wq_wake_one(&m->waiters);
	wq_unlock(&m->lock, flags);
	return 0;
}

struct task *mutex_owner(struct mutex *m)
{
	return READ_ONCE(m->owner);
}
