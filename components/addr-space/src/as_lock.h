/*
 * The per-space lock, in one place.
 *
 * With CONFIG_ADDR_SPACE_MUTEX (kernels that run processes) it is sync's
 * sleeping mutex, named "as" for the lock-order checker: a populate of many
 * pages can be preempted, and backend callbacks (ipc-shm's) may take
 * sleeping locks of their own under it. Callers must then be tasks (after
 * task_init), never an interrupt handler.
 *
 * Otherwise it is a raw spinlock with interrupts off (hal/spinlock.h), for
 * kernels without tasks and for the host unit tests: nothing may sleep while
 * holding it, including the backend callbacks.
 */
#ifndef AS_LOCK_H
#define AS_LOCK_H

#ifdef CONFIG_ADDR_SPACE_MUTEX
#include <klib/panic.h>
#include <sync/mutex.h>

typedef struct mutex as_lock_t;

static inline void as_lock_init(as_lock_t *l)
{
	mutex_init(l, "as");
}

static inline void as_lock(as_lock_t *l)
{
	int rc = mutex_lock(l);

	kassertf(rc == 0, "addr-space: locking a space failed (%d): not from a task?", rc);
	(void)rc;
}

static inline void as_unlock(as_lock_t *l)
{
	mutex_unlock(l);
}

#else
#include <hal/spinlock.h>

typedef struct {
	hal_spinlock_t spin;
	unsigned long irq;
} as_lock_t;

static inline void as_lock_init(as_lock_t *l)
{
	hal_spin_init(&l->spin);
}

static inline void as_lock(as_lock_t *l)
{
	unsigned long irq = hal_spin_lock_irqsave(&l->spin);

	l->irq = irq;
}

static inline void as_unlock(as_lock_t *l)
{
	hal_spin_unlock_irqrestore(&l->spin, l->irq);
}
#endif

#endif
