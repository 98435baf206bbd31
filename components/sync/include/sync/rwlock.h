/*
 * Sleeping reader-writer lock. Many readers or one writer. Once a writer
 * waits, new readers queue behind it (writers do not starve); when a writer
 * unlocks, every waiting reader is let in at once before the next writer
 * (readers do not starve either). Handoff is direct, as for mutexes. Task
 * context only; the lock calls may sleep, so never with a spin_lock held
 * (debug builds report it at every call). Read and write acquisitions
 * share the lock's class in the lock-order checker.
 *
 * Per function below, as in sync/mutex.h: context, sleeping, and the lock's
 * state on entry and exit. A read lock has no owner, so readers may take it
 * before task_init (uncontended); a write lock needs a task, in every build.
 */
#ifndef SYNC_RWLOCK_H
#define SYNC_RWLOCK_H

#include <stdint.h>
#include <hal/spinlock.h>
#include <sync/lockdep.h>
#include <task/wait.h>

struct rwlock {
	hal_spinlock_t lock; /* guards everything below */
	unsigned long readers;
	struct task *writer;
	struct wait_queue read_waiters, write_waiters;
	struct lock_dep dep;
};

#define RWLOCK_INIT(var, name)                                                                     \
	{                                                                                          \
		HAL_SPINLOCK_INIT, 0, 0, WAIT_QUEUE_INIT((var).read_waiters),                      \
		    WAIT_QUEUE_INIT((var).write_waiters), LOCK_DEP_INIT(name)                      \
	}

#define rwlock_init(l, name)                                                                       \
	do {                                                                                       \
		static char sync_class_key_;                                                       \
		rwlock_init_key((l), (name), &sync_class_key_);                                    \
	} while (0)
void rwlock_init_key(struct rwlock *l, const char *name, const void *key);

/*
 * Task; may sleep (a read lock taken before task_init must be free). Entry:
 * the caller does not write-hold l. Exit: l held (read or write) if 0.
 * 0, or -ETIMEDOUT (_until), -EDEADLK (write-locking a lock you write-hold),
 * -EAGAIN (write-locking before task_init).
 */
#define rwlock_read_lock(l)           rwlock_read_lock_at((l), TASK_FOREVER, __FILE__, __LINE__)
#define rwlock_read_lock_until(l, d)  rwlock_read_lock_at((l), (d), __FILE__, __LINE__)
#define rwlock_write_lock(l)          rwlock_write_lock_at((l), TASK_FOREVER, __FILE__, __LINE__)
#define rwlock_write_lock_until(l, d) rwlock_write_lock_at((l), (d), __FILE__, __LINE__)
/*
 * Task, any interrupt or preemption state; never sleeps. Exit: l held if 0.
 * 0, or -EBUSY; the write form -EAGAIN before task_init.
 */
#define rwlock_read_trylock(l)  rwlock_read_trylock_at((l), __FILE__, __LINE__)
#define rwlock_write_trylock(l) rwlock_write_trylock_at((l), __FILE__, __LINE__)
int rwlock_read_lock_at(struct rwlock *l, uint64_t deadline, const char *file, int line);
int rwlock_write_lock_at(struct rwlock *l, uint64_t deadline, const char *file, int line);
int rwlock_read_trylock_at(struct rwlock *l, const char *file, int line);
int rwlock_write_trylock_at(struct rwlock *l, const char *file, int line);
/*
 * Task; never sleeps (may switch at once to a woken waiter, as mutex_unlock).
 * Entry: the caller holds l that way. Exit: l handed on or free. 0, or -EPERM
 * (not read-locked / not the writer, or write-unlocking before task_init).
 */
int rwlock_read_unlock(struct rwlock *l);
int rwlock_write_unlock(struct rwlock *l);

#endif
