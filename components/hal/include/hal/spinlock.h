/*
 * The raw spinlock: busy-waits, never sleeps, usable with interrupts off and
 * from interrupt handlers. The _irqsave forms also disable interrupts on this
 * CPU, so an interrupt handler taking the same lock cannot deadlock against
 * the code it interrupted. sync's sleeping locks are built on top of this.
 *
 * A ticket lock, so it is fair: CPUs get the lock in the order they asked
 * for it, and one that releases it and asks again at once goes behind the
 * ones already waiting (a test-and-set lock lets it win again and again,
 * starving the others). A taker draws a ticket (next++) and waits until
 * owner reaches it; release advances owner. Only the holder writes owner.
 * Tickets wrap at 2^32; at most 2^32 - 1 CPUs may wait at once.
 *
 * Every function may be called from any context, with interrupts on or off;
 * none sleeps. Taking a lock this CPU already holds deadlocks (sync's
 * checked spinlock reports that in debug builds).
 */
#ifndef HAL_SPINLOCK_H
#define HAL_SPINLOCK_H

#include <stdbool.h>
#include <hal/cpu.h>

typedef struct hal_spinlock {
	unsigned int next;  /* the ticket the next taker draws */
	unsigned int owner; /* the ticket being served */
} hal_spinlock_t;

#define HAL_SPINLOCK_INIT                                                                          \
	{                                                                                          \
		0, 0                                                                               \
	}

static inline void hal_spin_init(hal_spinlock_t *l)
{
	__atomic_store_n(&l->next, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&l->owner, 0, __ATOMIC_RELAXED);
}

/* Take the lock if nobody holds it or waits for it; true if taken. */
static inline bool hal_spin_trylock(hal_spinlock_t *l)
{
	/* Acquire: the last holder's release is of owner, not next; the CAS alone would not
	 * order this critical section after its one. */
	unsigned int owner = __atomic_load_n(&l->owner, __ATOMIC_ACQUIRE);

	/* Free is next == owner, and owner cannot move while it is: that ticket takes the lock. */
	return __atomic_compare_exchange_n(&l->next, &owner, owner + 1, false, __ATOMIC_ACQUIRE,
	                                   __ATOMIC_RELAXED);
}

static inline void hal_spin_lock(hal_spinlock_t *l)
{
	unsigned int ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		hal_cpu_relax();
}

static inline void hal_spin_unlock(hal_spinlock_t *l)
{
	__atomic_store_n(&l->owner, __atomic_load_n(&l->owner, __ATOMIC_RELAXED) + 1,
	                 __ATOMIC_RELEASE);
}

static inline bool hal_spin_is_locked(hal_spinlock_t *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&l->next, __ATOMIC_RELAXED);
}

/* Someone holds the lock and someone else waits for it. */
static inline bool hal_spin_is_contended(hal_spinlock_t *l)
{
	return __atomic_load_n(&l->next, __ATOMIC_RELAXED) -
	           __atomic_load_n(&l->owner, __ATOMIC_RELAXED) >
	       1;
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
