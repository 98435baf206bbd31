/*
 * Reader-writer lock with direct handoff. The unlocker decides who gets the
 * lock next and grants it before waking them: a writer's unlock admits
 * every queued reader (readers += n), else the first writer; the last
 * reader's unlock admits the first writer. New readers queue while a
 * writer waits, so writers are not starved by a stream of readers.
 */
#include <klib/errno.h>
#include <sync/rwlock.h>
#include <task/task.h>
#include "sync_internal.h"

void rwlock_init_key(struct rwlock *l, const char *name, const void *key)
{
	hal_spin_init(&l->lock);
	l->readers = 0;
	l->writer = NULL;
	wq_init(&l->read_waiters);
	wq_init(&l->write_waiters);
	lock_dep_init(&l->dep, name, key);
}

static bool read_free(const struct rwlock *l)
{
	return !l->writer && wq_empty(&l->write_waiters);
}

int rwlock_read_lock_at(struct rwlock *l, uint64_t deadline, const char *file, int line)
{
	unsigned long flags;
	int rc = 0;

	lockdep_check(&l->dep, file, line);
	flags = hal_spin_lock_irqsave(&l->lock);
	if (read_free(l))
		l->readers++;
	else
		rc = wq_wait(&l->read_waiters, &l->lock, deadline); /* 0: admitted */
	wq_unlock(&l->lock, flags);
	if (rc == 0)
		lockdep_acquired(&l->dep, file, line);
	return rc;
}

int rwlock_write_lock_at(struct rwlock *l, uint64_t deadline, const char *file, int line)
{
	struct task *self = task_current();
	unsigned long flags;
	int rc = 0;

	if (!self)
		return SYNC_MISUSE(-EAGAIN,
		                   "rwlock_write_lock at %s:%d: '%s' used before task_init", file,
		                   line, l->dep.name);
	lockdep_check(&l->dep, file, line);
	flags = hal_spin_lock_irqsave(&l->lock);
	if (l->writer == self) {
		hal_spin_unlock_irqrestore(&l->lock, flags);
		return SYNC_MISUSE(-EDEADLK,
		                   "rwlock_write_lock at %s:%d: task '%s' already write-holds '%s'",
		                   file, line, sync_task_name(self), l->dep.name);
	}
	if (!l->writer && l->readers == 0)
		l->writer = self;
	else
		rc = wq_wait(&l->write_waiters, &l->lock, deadline); /* 0: handed over */
	wq_unlock(&l->lock, flags);
	if (rc == 0)
		lockdep_acquired(&l->dep, file, line);
	return rc;
}

int rwlock_read_trylock_at(struct rwlock *l, const char *file, int line)
{
	unsigned long flags = hal_spin_lock_irqsave(&l->lock);
	int rc = -EBUSY;

	if (read_free(l)) {
		l->readers++;
		rc = 0;
	}
	hal_spin_unlock_irqrestore(&l->lock, flags);
	if (rc == 0)
		lockdep_acquired(&l->dep, file, line);
	return rc;
}

int rwlock_write_trylock_at(struct rwlock *l, const char *file, int line)
{
	struct task *self = task_current();
	unsigned long flags;
	int rc = -EBUSY;

	if (!self) /* as mutex_trylock: a NULL writer would be no writer */
		return SYNC_MISUSE(-EAGAIN,
		                   "rwlock_write_trylock at %s:%d: '%s' used before task_init",
		                   file, line, l->dep.name);
	flags = hal_spin_lock_irqsave(&l->lock);
	if (!l->writer && l->readers == 0) {
		l->writer = self;
		rc = 0;
	}
	hal_spin_unlock_irqrestore(&l->lock, flags);
	if (rc == 0)
		lockdep_acquired(&l->dep, file, line);
	return rc;
}

/* The lock just became free of holders: hand it on. l->lock held. */
static void hand_on_after_writer(struct rwlock *l)
{
	size_t n = wq_wake_all(&l->read_waiters);

	if (n)
		l->readers += n;
	else
		l->writer = wq_wake_one(&l->write_waiters);
}

int rwlock_read_unlock(struct rwlock *l)
{
	unsigned long flags = hal_spin_lock_irqsave(&l->lock);

	if (l->readers == 0) {
		hal_spin_unlock_irqrestore(&l->lock, flags);
		return SYNC_MISUSE(-EPERM,
		                   "rwlock_read_unlock: '%s' is not read-locked (task '%s')",
		                   l->dep.name, sync_task_name(task_current()));
	}
	lockdep_released(&l->dep);
	if (--l->readers == 0)
		l->writer = wq_wake_one(&l->write_waiters);
	wq_unlock(&l->lock, flags);
	return 0;
}

int rwlock_write_unlock(struct rwlock *l)
{
	struct task *self = task_current();
	unsigned long flags = hal_spin_lock_irqsave(&l->lock);

	if (!self || l->writer != self) {
		struct task *writer = l->writer;
		hal_spin_unlock_irqrestore(&l->lock, flags);
		return SYNC_MISUSE(
		    -EPERM, "rwlock_write_unlock: task '%s' does not write-hold '%s' (writer: %s)",
		    sync_task_name(self), l->dep.name, sync_task_name(writer));
	}
	lockdep_released(&l->dep);
	l->writer = NULL;
	hand_on_after_writer(l);
	wq_unlock(&l->lock, flags);
	return 0;
}
