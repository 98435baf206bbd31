/*
 * Condition variable, used with a mutex. cond_wait atomically releases the
 * mutex and sleeps; it takes the mutex again before returning, whatever the
 * result. A signal sent after the waiter released the mutex is never lost.
 * Waiters wake in FIFO order. As with any condition variable, re-check the
 * condition in a loop: another task may have changed it first. cond_wait
 * sleeps: task context, no spin_lock held (debug builds report it).
 */
#ifndef SYNC_COND_H
#define SYNC_COND_H

#include <stdint.h>
#include <hal/spinlock.h>
#include <sync/mutex.h>
#include <task/wait.h>

struct cond {
	hal_spinlock_t lock; /* guards waiters */
	struct wait_queue waiters;
	const char *name;
};

#define COND_INIT(var, name)                                                                       \
	{                                                                                          \
		HAL_SPINLOCK_INIT, WAIT_QUEUE_INIT((var).waiters), (name)                          \
	}

/* Any context; c must not be in use. */
void cond_init(struct cond *c, const char *name);

/*
 * Task; sleeps. Entry: the caller holds m (and no spinlock). Exit: m held
 * again, whatever the result. 0 when signalled, -ETIMEDOUT (the _until
 * form), -EPERM: the caller does not hold m, or before task_init (returns
 * at once, m unchanged).
 */
#define cond_wait(c, m)           cond_wait_at((c), (m), TASK_FOREVER, __FILE__, __LINE__)
#define cond_wait_until(c, m, dl) cond_wait_at((c), (m), (dl), __FILE__, __LINE__)
int cond_wait_at(struct cond *c, struct mutex *m, uint64_t deadline, const char *file, int line);

/*
 * The same wait, also ended by an interruption in 'intr' (TASK_WAIT_KILLABLE
 * or TASK_WAIT_INTERRUPTIBLE, task/wait.h) raised on the caller: -EINTR
 * then (at once if one already is), with m held
 * again. 0 still means signalled, even if an interruption came at the same
 * time. Waits a system call makes for another task's action use it (a pipe
 * reader, poll), so that a signal's handler or a fatal signal ends them.
 */
#define cond_wait_intr(c, m, dl, intr) cond_wait_intr_at((c), (m), (dl), (intr), __FILE__, __LINE__)
int cond_wait_intr_at(struct cond *c, struct mutex *m, uint64_t deadline, unsigned intr,
                      const char *file, int line);

/* Task or interrupt handler; never sleeps; with or without m held. */
void cond_signal(struct cond *c);
void cond_broadcast(struct cond *c);

#endif
