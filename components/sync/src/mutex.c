/*
 * Mutex: an owner and a FIFO of waiters under a spinlock. Unlock hands the
 * mutex to the first waiter (it becomes the owner before it even runs), so
 * the order of acquisition is the order of arrival.
 *
 * While nobody waits, lock and unlock are one compare-and-swap of the owner
 * word (0 <-> the task), without the spinlock: most locks are uncontended,
 * and masking interrupts, the spinlock and the preemption point of the
 * slow path cost several times the swap. A task that must wait marks the
 * word (MUTEX_WAITERS) under the spinlock and queues before dropping it; a
 * marked word makes the owner's swap fail, so its unlock takes the slow
 * path and hands over. Only that path clears the mark.
 *
 * With several CPUs a contended lock first retries the word a while
 * (mutex_spin): queueing at the first contention would make every later
 * unlock a handoff to a sleeping task, a wake-up of another CPU per
 * acquisition (a convoy), where the owner was about to leave anyway.
 */
#include <hal/cpu.h>
#include <hal/smp.h>
#include <hal/spinlock.h>
#include <klib/errno.h>
#include <sync/mutex.h>
#include <task/task.h>
#include "sync_internal.h"

void mutex_init_key(struct mutex *m, const char *name, const void *key)
{
	hal_spin_init(&m->lock);
	m->owner = 0;
	wq_init(&m->waiters);
	lock_dep_init(&m->dep, name, key);
}

/* 0 -> self: the uncontended lock, with no spinlock and no interrupts masked. */
static bool owner_claim(struct mutex *m, struct task *self)
{
	uintptr_t free = 0;

	return __atomic_compare_exchange_n(&m->owner, &free, (uintptr_t)self, false,
	                                   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

#ifdef CONFIG_SYNC_MUTEX_SPIN
unsigned sync_mutex_spins = CONFIG_SYNC_MUTEX_SPIN;

/*
 * Retry the free word up to sync_mutex_spins times, as Linux's optimistic
 * spinning does (bounded by a count here, not by the owner being on a CPU:
 * reading the owner's task could race with its exit). Only while nobody is
 * queued: once the word is marked the queue is served in order, and a
 * spinner would overtake it. One CPU online: the owner cannot be running.
 */
static bool mutex_spin(struct mutex *m, struct task *self)
{
	unsigned n = __atomic_load_n(&sync_mutex_spins, __ATOMIC_RELAXED);

	if (hal_cpu_count() < 2)
		return false;
	for (unsigned i = 0; i < n; i++) {
		uintptr_t o = __atomic_load_n(&m->owner, __ATOMIC_RELAXED);

		if ((o & MUTEX_WAITERS) || o == (uintptr_t)self)
			return false;
		if (o == 0 && owner_claim(m, self))
			return true;
		hal_cpu_relax();
	}
	return false;
}
#else
static bool mutex_spin(struct mutex *m, struct task *self)
{
	(void)m;
	(void)self;
	return false;
}
#endif

/*
 * With m->lock held: take m if it is free, or mark it as waited for. 0:
 * taken; 1: marked (the caller queues before dropping the lock, so the
 * owner's unlock cannot miss it); -EDEADLK: self holds it already.
 */
static int claim_or_mark(struct mutex *m, struct task *self)
{
	uintptr_t o = __atomic_load_n(&m->owner, __ATOMIC_RELAXED);

	for (;;) {
		if (o == 0 && owner_claim(m, self))
			return 0;
		if (o == 0) {
			o = __atomic_load_n(&m->owner, __ATOMIC_RELAXED);
			continue;
		}
		if ((o & ~MUTEX_WAITERS) == (uintptr_t)self)
			return -EDEADLK;
		if ((o & MUTEX_WAITERS) ||
		    __atomic_compare_exchange_n(&m->owner, &o, o | MUTEX_WAITERS, false,
		                                __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			return 1;
	}
}

int mutex_lock_at(struct mutex *m, uint64_t deadline, const char *file, int line)
{
	struct task *self = task_current();
	unsigned long flags;
	int rc;

	if (!self)
		return SYNC_MISUSE(-EAGAIN, "mutex_lock at %s:%d: '%s' used before task_init", file,
		                   line, m->dep.name);
	sync_might_sleep("mutex_lock", m->dep.name, file, line);
	lockdep_check(&m->dep, file, line);
	if (owner_claim(m, self) || mutex_spin(m, self)) {
		lockdep_acquired(&m->dep, file, line);
		return 0;
	}
	flags = hal_spin_lock_irqsave(&m->lock);
	rc = claim_or_mark(m, self);
	if (rc == -EDEADLK) {
		hal_spin_unlock_irqrestore(&m->lock, flags);
		return SYNC_MISUSE(-EDEADLK,
		                   "mutex_lock at %s:%d: task '%s' already holds mutex '%s'", file,
		                   line, sync_task_name(self), m->dep.name);
	}
	if (rc == 1)
		rc = wq_wait(&m->waiters, &m->lock, deadline); /* 0: handed over */
	wq_unlock(&m->lock, flags);
	if (rc == 0)
		lockdep_acquired(&m->dep, file, line);
	return rc;
}

int mutex_trylock_at(struct mutex *m, const char *file, int line)
{
	struct task *self = task_current();

	if (!self) /* a NULL owner would be no owner: the mutex taken twice */
		return SYNC_MISUSE(-EAGAIN, "mutex_trylock at %s:%d: '%s' used before task_init",
		                   file, line, m->dep.name);
	if (!owner_claim(m, self))
		return -EBUSY;
	lockdep_acquired(&m->dep, file, line);
	return 0;
}

int mutex_unlock_slow(struct mutex *m)
{
	struct task *self = task_current(), *next;
	uintptr_t mine = (uintptr_t)self, o;
	unsigned long flags;

	/* Nobody waits: owner -> 0, no spinlock. (A NULL self would "unlock" a free mutex.) */
	if (self && __atomic_compare_exchange_n(&m->owner, &mine, 0, false, __ATOMIC_RELEASE,
	                                        __ATOMIC_RELAXED)) {
		lockdep_released(&m->dep);
		return 0;
	}
	flags = hal_spin_lock_irqsave(&m->lock);
	o = __atomic_load_n(&m->owner, __ATOMIC_RELAXED);
	if (!self || (o & ~MUTEX_WAITERS) != (uintptr_t)self) {
		hal_spin_unlock_irqrestore(&m->lock, flags);
		return SYNC_MISUSE(-EPERM,
		                   "mutex_unlock: task '%s' does not hold mutex '%s' (owner: %s)",
		                   sync_task_name(self), m->dep.name,
		                   sync_task_name((struct task *)(o & ~MUTEX_WAITERS)));
	}
	lockdep_released(&m->dep);
	/* Waiters (or a waiter that timed out): hand m to the first, still marked if more wait. */
	next = wq_wake_one(&m->waiters);
	o = next ? (uintptr_t)next | (wq_empty(&m->waiters) ? 0 : MUTEX_WAITERS) : 0;
	__atomic_store_n(&m->owner, o, __ATOMIC_RELEASE);
	wq_unlock(&m->lock, flags);
	return 0;
}

struct task *mutex_owner(struct mutex *m)
{
	return (struct task *)(__atomic_load_n(&m->owner, __ATOMIC_RELAXED) & ~MUTEX_WAITERS);
}
