/*
 * Sleeping mutex with an owner. Waiters queue in FIFO order and unlock
 * hands the mutex straight to the first of them, so no task can overtake a
 * waiter. Task context only (never in an interrupt handler). mutex_lock
 * may sleep: never call it with preemption disabled (a spin_lock held);
 * debug builds report that at every call, even when the mutex is free.
 *
 * Unlocking a mutex the caller does not hold returns -EPERM and leaves it
 * locked; debug builds also report it, naming the mutex and both tasks
 * (and panic with CONFIG_SYNC_DEBUG_PANIC). Locking a mutex the caller
 * already holds returns -EDEADLK (reported the same way) instead of hanging.
 * With SMP a contended mutex_lock first retries a while (sync_mutex_spins
 * times) while nobody is queued, since the owner usually runs on another CPU
 * and leaves soon; queued waiters are still never overtaken.
 * Before task_init there is no task to own a mutex: every call but
 * mutex_owner fails (-EAGAIN, -EPERM for unlock), in every build.
 *
 * Per function below: the context it may be called from, whether it may
 * sleep, and the state of the mutex on entry and on exit. "Task" means a
 * task after task_init, never an interrupt handler; a call that may sleep
 * needs interrupts and preemption enabled and no spinlock held.
 *
 *	static struct mutex ids_lock = MUTEX_INIT(ids_lock, "shm_ids");
 *	mutex_init(&seg->lock, "shm_seg");   // class: this line
 */
#ifndef SYNC_MUTEX_H
#define SYNC_MUTEX_H

#include <stdbool.h>
#include <stdint.h>
#include <hal/spinlock.h>
#include <sync/lockdep.h>
#include <task/task.h>
#include <task/wait.h>

struct mutex {
	hal_spinlock_t lock; /* guards waiters, and owner's changes while it has waiters */
	/*
	 * The owning task, or 0; | MUTEX_WAITERS once a task queued behind it.
	 * Taken and released without the lock by one compare-and-swap while
	 * nobody waits (0 <-> owner); any other change happens under lock.
	 */
	uintptr_t owner;
	struct wait_queue waiters;
	struct lock_dep dep;
};
#define MUTEX_WAITERS ((uintptr_t)1) /* tasks are aligned: bit 0 is free */

#define MUTEX_INIT(var, name)                                                                      \
	{                                                                                          \
		HAL_SPINLOCK_INIT, 0, WAIT_QUEUE_INIT((var).waiters), LOCK_DEP_INIT(name)          \
	}

#define mutex_init(m, name)                                                                        \
	do {                                                                                       \
		static char sync_class_key_;                                                       \
		mutex_init_key((m), (name), &sync_class_key_);                                     \
	} while (0)
void mutex_init_key(struct mutex *m, const char *name, const void *key);

/*
 * Task; may sleep. Entry: the caller does not hold m. Exit: m held if 0.
 * 0, or -ETIMEDOUT (the _until form), -EDEADLK (already the owner),
 * -EAGAIN (before task_init: there is no task to own it).
 */
#define mutex_lock(m)           mutex_lock_fast((m), TASK_FOREVER, __FILE__, __LINE__)
#define mutex_lock_until(m, dl) mutex_lock_fast((m), (dl), __FILE__, __LINE__)
/*
 * Task, any interrupt or preemption state; never sleeps. Exit: m held if 0.
 * 0, or -EBUSY (held, by the caller too), -EAGAIN (before task_init).
 */
#define mutex_trylock(m) mutex_trylock_at((m), __FILE__, __LINE__)
int mutex_lock_at(struct mutex *m, uint64_t deadline, const char *file, int line);
#ifdef CONFIG_SYNC_MUTEX_SPIN
/* How many times a contended mutex_lock retries before it queues (CONFIG_SYNC_MUTEX_SPIN at
 * boot; 0: queue at once). Any context may change it at any time (an atomic store). */
extern unsigned sync_mutex_spins;
#endif
int mutex_trylock_at(struct mutex *m, const char *file, int line);
/*
 * Task; never sleeps, but may switch at once to a woken waiter with a better
 * claim (fair scheduler) when preemption is enabled. Entry: the caller holds
 * m. Exit: m held by its first waiter, or free. 0, or -EPERM (not the owner,
 * or before task_init; m unchanged).
 */
static inline int mutex_unlock(struct mutex *m);

/*
 * Release builds (no CONFIG_DEBUG, no lock-order checker) take and drop an
 * uncontended mutex inline: the one compare-and-swap of the owner word the
 * out-of-line functions start with, without the call (an address-space
 * operation takes and drops several mutexes). Anything else (a waiter, no
 * task yet, a misuse) goes to the functions, which try again and decide.
 */
#if !defined(CONFIG_DEBUG) && !defined(CONFIG_SYNC_LOCKDEP)
#define MUTEX_INLINE 1
#else
#define MUTEX_INLINE 0
#endif

int mutex_unlock_slow(struct mutex *m);

static inline int mutex_lock_fast(struct mutex *m, uint64_t deadline, const char *file, int line)
{
	if (MUTEX_INLINE) {
		struct task *self = task_current();
		uintptr_t free = 0;

		if (self && __atomic_compare_exchange_n(&m->owner, &free, (uintptr_t)self, false,
		                                        __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return 0;
	}
	return mutex_lock_at(m, deadline, file, line);
}

static inline int mutex_unlock(struct mutex *m)
{
	if (MUTEX_INLINE) {
		uintptr_t mine = (uintptr_t)task_current();

		if (mine && __atomic_compare_exchange_n(&m->owner, &mine, 0, false,
		                                        __ATOMIC_RELEASE, __ATOMIC_RELAXED))
			return 0;
	}
	return mutex_unlock_slow(m);
}

/* Any context; never sleeps, takes no lock. The owner, or NULL (a snapshot). */
struct task *mutex_owner(struct mutex *m);

#endif
