/*
 * Lock identity, and the lock-order checker of debug builds.
 *
 * Every mutex, rwlock and spinlock has a name (shown in reports) and a
 * class. Locks initialised at the same place in the source share a class
 * (the init macros plant a static key there), so the order rules learnt
 * from one lock apply to its siblings: "an shm segment's lock before the
 * ids lock" holds for every segment. A lock defined with a static
 * initialiser (MUTEX_INIT ...) is a class of its own. Pass your own key to
 * the *_init_key() functions to group locks initialised in several places.
 *
 * With CONFIG_SYNC_LOCKDEP, each acquisition (before it may block) records
 * "class A held while taking class B", with the file:line of both
 * acquisitions. The first time an acquisition closes a cycle (B was earlier
 * taken while holding A, directly or through other locks), the checker
 * reports both lock names and all the places, then panics
 * (CONFIG_SYNC_DEBUG_PANIC) or warns once per cycle. So an AB/BA order is
 * caught the first time both orders have run, even if they never ran at the
 * same time. Taking two locks of one class nested is not checked (it needs
 * per-call annotations); trylocks add no order (they cannot deadlock) but
 * are tracked as held. Semaphores have no owner and are not tracked.
 */
#ifndef SYNC_LOCKDEP_H
#define SYNC_LOCKDEP_H

#include <stdbool.h>

struct lock_dep {
	const char *name; /* for reports; never NULL */
	const void *key;  /* class key; NULL: the lock is its own class */
	unsigned cls;     /* the checker's class number + 1 (0: not looked up yet) */
};

#define LOCK_DEP_INIT(name)                                                                        \
	{                                                                                          \
		(name), 0, 0                                                                       \
	}

void lock_dep_init(struct lock_dep *d, const char *name, const void *key);

#ifdef CONFIG_SYNC_LOCKDEP
/* Before taking the lock (it may block): learn the order, report a cycle. */
void lockdep_check(struct lock_dep *d, const char *file, int line);
/* The lock is now held by the running task. */
void lockdep_acquired(struct lock_dep *d, const char *file, int line);
/* The running task released it. */
void lockdep_released(struct lock_dep *d);
#else
static inline void lockdep_check(struct lock_dep *d, const char *file, int line)
{
	(void)d, (void)file, (void)line;
}
static inline void lockdep_acquired(struct lock_dep *d, const char *file, int line)
{
	(void)d, (void)file, (void)line;
}
static inline void lockdep_released(struct lock_dep *d)
{
	(void)d;
}
#endif

#endif
