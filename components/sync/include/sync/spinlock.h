/*
 * Spinlocks with a name and lock-order checking, over hal's raw spinlock.
 * spin_lock disables preemption while held (a task preempted while holding
 * it would make every other taker spin to no end); the _irqsave forms also
 * disable interrupts, for locks an interrupt handler takes too. Never sleep
 * while holding one: debug builds report every call that may sleep (a
 * mutex_lock, sem_down, ...) made under one, even if it would not sleep.
 */
#ifndef SYNC_SPINLOCK_H
#define SYNC_SPINLOCK_H

#include <hal/spinlock.h>
#include <sync/lockdep.h>

struct spinlock {
	hal_spinlock_t raw;
	struct lock_dep dep;
};

#define SPINLOCK_INIT(name)                                                                        \
	{                                                                                          \
		HAL_SPINLOCK_INIT, LOCK_DEP_INIT(name)                                             \
	}

#define spin_init(l, name)                                                                         \
	do {                                                                                       \
		static char sync_class_key_;                                                       \
		spin_init_key((l), (name), &sync_class_key_);                                      \
	} while (0)
void spin_init_key(struct spinlock *l, const char *name, const void *key);

/*
 * Any context (before task_init too); never sleeps; spins. spin_lock: not
 * from an interrupt handler if a task takes the same lock with interrupts
 * on (use the _irqsave form there). Entry: l not held by the caller (it
 * would spin for ever). Exit: l held; preemption (spin_lock) or interrupts
 * (_irqsave) disabled until the matching unlock, which restores them.
 */
#define spin_lock(l)         spin_lock_at((l), __FILE__, __LINE__)
#define spin_lock_irqsave(l) spin_lock_irqsave_at((l), __FILE__, __LINE__)
void spin_lock_at(struct spinlock *l, const char *file, int line);
void spin_unlock(struct spinlock *l);
unsigned long spin_lock_irqsave_at(struct spinlock *l, const char *file, int line);
void spin_unlock_irqrestore(struct spinlock *l, unsigned long flags);

#endif
