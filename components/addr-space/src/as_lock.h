/*
 * The per-space lock, in one place. For now a raw spinlock with interrupts
 * off (hal/spinlock.h): nothing may sleep while holding it, including the
 * backend callbacks. When sync's mutex exists, this file is the one to
 * change (a sleeping lock lets backends take sleeping locks and lets a
 * populate of many pages be preempted).
 */
#ifndef AS_LOCK_H
#define AS_LOCK_H

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
