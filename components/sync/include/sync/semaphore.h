/*
 * Counting semaphore. sem_up hands a unit straight to the longest waiter if
 * there is one (FIFO, no overtaking). sem_up may be called from an
 * interrupt handler; the down operations sleep and need a task, with
 * preemption enabled (no spin_lock held; debug builds report it at every
 * call).
 */
#ifndef SYNC_SEMAPHORE_H
#define SYNC_SEMAPHORE_H

#include <stdint.h>
#include <hal/spinlock.h>
#include <task/wait.h>

struct semaphore {
	hal_spinlock_t lock; /* guards count and waiters */
	unsigned long count;
	struct wait_queue waiters;
	const char *name;
};

#define SEMAPHORE_INIT(var, name, n)                                                               \
	{                                                                                          \
		HAL_SPINLOCK_INIT, (n), WAIT_QUEUE_INIT((var).waiters), (name)                     \
	}

/* Any context; s must not be in use. */
void sem_init(struct semaphore *s, const char *name, unsigned long count);
/*
 * Take a unit. Task; sleeps when none is free (before task_init that is a
 * panic, in every build). 0, or -ETIMEDOUT when the deadline passes first.
 */
int sem_down(struct semaphore *s);
int sem_down_until(struct semaphore *s, uint64_t deadline);
/* Any context; never sleeps. 0, or -EAGAIN when no unit is free. */
int sem_trydown(struct semaphore *s);
/* Give a unit back. Any context, interrupt handlers included; never sleeps.
 * 0, or -EOVERFLOW if the count is at its maximum. */
int sem_up(struct semaphore *s);
/* Any context; a snapshot. */
unsigned long sem_count(struct semaphore *s);

#endif
