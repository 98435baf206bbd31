/*
 * Futexes (Linux's kernel/futex): a thread sleeps on a 32-bit word of user
 * memory until another wakes that word. The word is named by a key, as
 * Linux's get_futex_key: a private futex (FUTEX_PRIVATE_FLAG) by its
 * address space and address; a shared one by the frame under it when the
 * page belongs to a shared mapping (MAP_SHARED memory, a shm segment, a
 * shared file mapping: the same word in every process that maps it), and
 * else, a private page, by the space and address as well (Linux keys
 * anonymous private memory by its mm too).
 *
 *	waiter                               waker
 *	while (atomic_load(w) == BUSY)       atomic_store(w, FREE);
 *		futex_wait(as, w, ..., BUSY)  futex_wake(as, w, ..., 1, ~0u);
 *
 * futex_wait queues the caller before it reads the word, so a wake between
 * the reader's check and its sleep is never lost: it finds the waiter
 * queued, and the waiter does not sleep.
 *
 * Locking: one spinlock (interrupts off) guards every waiter, in buckets
 * by key; nothing sleeps under it. User memory is read and written through
 * addr-space's copies outside it (they take the space's lock). Callers
 * hold no lock. A thread of any CPU may wake a waiter of another.
 */
#ifndef PROCESS_FUTEX_H
#define PROCESS_FUTEX_H

#include <stdbool.h>
#include <stdint.h>
#include <addr-space/addr_space.h>

#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

/*
 * Sleep while the word at uaddr of 'as' holds 'val', until a wake whose
 * bitset shares a bit with 'bitset', the (absolute, hal_time_ns) deadline,
 * or an interruption (TASK_WAIT_INTERRUPTIBLE). Checks in Linux's order:
 * -EINVAL (bitset 0, uaddr not 4-aligned), -EFAULT (outside user space;
 * for a shared key, no page there), -EFAULT (the word cannot be read),
 * -EAGAIN (it is not 'val'). Then 0 (woken; also when a wake came while it
 * read the word), -ETIMEDOUT, -EINTR. Task context, no lock held; sleeps.
 */
int futex_wait(struct addr_space *as, uintptr_t uaddr, bool shared, uint32_t val, uint64_t deadline,
               uint32_t bitset);

/*
 * Wake up to nr waiters of the word whose bitset shares a bit with
 * 'bitset' (nr 0 or less wakes one, as Linux's loop). The count, or
 * -EINVAL, -EFAULT as futex_wait. Any context that may take a spinlock.
 */
long futex_wake(struct addr_space *as, uintptr_t uaddr, bool shared, int nr, uint32_t bitset);

/*
 * FUTEX_REQUEUE / FUTEX_CMP_REQUEUE: wake nr_wake waiters of uaddr, move
 * up to nr_requeue more to uaddr2. With cmpval, first -EAGAIN unless the
 * word at uaddr holds *cmpval (read just before the waiters are locked;
 * Linux reads it under the lock). The number woken plus moved, or -EINVAL
 * (a negative count, a misaligned address), -EFAULT. Task context.
 */
long futex_requeue(struct addr_space *as, uintptr_t uaddr, uintptr_t uaddr2, bool shared,
                   int nr_wake, int nr_requeue, const uint32_t *cmpval);

/*
 * A thread with id 'tid' of 'as' exits: walk its robust list (Linux's
 * exit_robust_list: at most 2048 entries; each lock it still holds gets
 * FUTEX_OWNER_DIED and one waiter woken), then clear the word at
 * clear_child_tid (if not 0) and wake one waiter there
 * (CLONE_CHILD_CLEARTID, what pthread_join waits for). Bad pointers end
 * the walk silently, as in Linux. The word updates are not atomic against
 * other threads' writes (Linux uses a compare-and-exchange). Task context.
 */
void futex_exit(struct addr_space *as, int32_t tid, uintptr_t robust_list, size_t robust_len,
                uintptr_t clear_child_tid);

/* Waiters queued now (tests check that none is left behind). */
size_t futex_waiters(void);

#endif
