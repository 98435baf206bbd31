/*
 * The per-space lock, in one place.
 *
 * With CONFIG_ADDR_SPACE_MUTEX (kernels that run processes) it is sync's
 * sleeping mutex, named "as" for the lock-order checker: a populate of many
 * pages can be preempted, and backend callbacks (ipc-shm's) may take
 * sleeping locks of their own under it. Callers must then be tasks (after
 * task_init), never an interrupt handler. A lock that cannot be taken
 * (before task_init, or the caller already holding it) panics in every
 * build: going on unlocked would corrupt the space, and returning an error
 * from every as_*() for a caller's bug would only hide it.
 *
 * Otherwise it is a raw spinlock with interrupts off (hal/spinlock.h), for
 * kernels without tasks and for the host unit tests: nothing may sleep while
 * holding it, including the backend callbacks.
 */
#ifndef AS_LOCK_H
#define AS_LOCK_H

#ifdef CONFIG_ADDR_SPACE_MUTEX
#include <klib/compiler.h>
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

	if (unlikely(rc))
		panic("addr-space: cannot lock a space (%d): before task_init, or already held?",
		      rc);
}

static inline void as_unlock(as_lock_t *l)
{
	int rc = mutex_unlock(l);

	if (unlikely(rc))
		panic("addr-space: unlocking a space the task does not hold (%d)", rc);
}

#else
#include <hal/spinlock.h>
#include <klib/compiler.h>
#include <klib/panic.h>

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
	/* Every build: a word. Unlocking a free lock would hide a missing lock. */
	if (unlikely(!hal_spin_is_locked(&l->spin)))
		panic("addr-space: unlocking a space that is not locked");
	hal_spin_unlock_irqrestore(&l->spin, l->irq);
}
#endif

#endif
