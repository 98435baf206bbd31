/*
 * The raw spinlock: busy-waits, never sleeps, usable with interrupts off and
 * from interrupt handlers. The _irqsave forms also disable interrupts on this
 * CPU, so an interrupt handler taking the same lock cannot deadlock against
 * the code it interrupted. sync's sleeping locks are built on top of this.
 */
#ifndef HAL_SPINLOCK_H
#define HAL_SPINLOCK_H

#include <stdbool.h>
#include <hal/cpu.h>

typedef struct hal_spinlock {
	unsigned int locked;
} hal_spinlock_t;

#define HAL_SPINLOCK_INIT {0}

static inline void hal_spin_init(hal_spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELAXED);
}

static inline bool hal_spin_trylock(hal_spinlock_t *l)
{
	return __atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE) == 0;
}

static inline void hal_spin_lock(hal_spinlock_t *l)
{
	/* Test-and-test-and-set: spin on a plain load so waiters share the line. */
	while (!hal_spin_trylock(l))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			hal_cpu_relax();
}

static inline void hal_spin_unlock(hal_spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static inline bool hal_spin_is_locked(hal_spinlock_t *l)
{
	return __atomic_load_n(&l->locked, __ATOMIC_RELAXED) != 0;
}

static inline unsigned long hal_spin_lock_irqsave(hal_spinlock_t *l)
{
	unsigned long flags = hal_irq_save();

	hal_spin_lock(l);
	return flags;
}

static inline void hal_spin_unlock_irqrestore(hal_spinlock_t *l, unsigned long flags)
{
	hal_spin_unlock(l);
	hal_irq_restore(flags);
}

#endif
