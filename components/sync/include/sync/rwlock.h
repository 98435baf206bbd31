/*
 * Sleeping reader-writer lock. Many readers or one writer. Once a writer
 * waits, new readers queue behind it (writers do not starve); when a writer
 * unlocks, every waiting reader is let in at once before the next writer
 * (readers do not starve either). Handoff is direct, as for mutexes. Task
 * context only; the lock calls may sleep, so never with a spin_lock held
 * (debug builds report it at every call). Read and write acquisitions
 * share the lock's class in the lock-order checker.
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

#define RWLOCK_INIT(var, name)                                                       \
	{HAL_SPINLOCK_INIT, 0, 0, WAIT_QUEUE_INIT((var).read_waiters),             \
	 WAIT_QUEUE_INIT((var).write_waiters), LOCK_DEP_INIT(name)}

#define rwlock_init(l, name)                                   \
	do {                                                   \
		static char sync_class_key_;                   \
		rwlock_init_key((l), (name), &sync_class_key_); \
	} while (0)
void rwlock_init_key(struct rwlock *l, const char *name, const void *key);

/* 0, or -ETIMEDOUT (_until), -EDEADLK (write-locking a lock you write-hold),
 * -EAGAIN (write-locking before task_init). */
#define rwlock_read_lock(l)           rwlock_read_lock_at((l), TASK_FOREVER, __FILE__, __LINE__)
#define rwlock_read_lock_until(l, d)  rwlock_read_lock_at((l), (d), __FILE__, __LINE__)
#define rwlock_write_lock(l)          rwlock_write_lock_at((l), TASK_FOREVER, __FILE__, __LINE__)
#define rwlock_write_lock_until(l, d) rwlock_write_lock_at((l), (d), __FILE__, __LINE__)
/* 0, or -EBUSY. */
#define rwlock_read_trylock(l)        rwlock_read_trylock_at((l), __FILE__, __LINE__)
#define rwlock_write_trylock(l)       rwlock_write_trylock_at((l), __FILE__, __LINE__)
int rwlock_read_lock_at(struct rwlock *l, uint64_t deadline, const char *file, int line);
int rwlock_write_lock_at(struct rwlock *l, uint64_t deadline, const char *file, int line);
int rwlock_read_trylock_at(struct rwlock *l, const char *file, int line);
int rwlock_write_trylock_at(struct rwlock *l, const char *file, int line);
/* 0, or -EPERM (not read-locked / not the writer). */
int rwlock_read_unlock(struct rwlock *l);
int rwlock_write_unlock(struct rwlock *l);

#endif
