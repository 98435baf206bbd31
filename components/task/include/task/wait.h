/*
 * Wait queues: the one way a task sleeps until another (or a deadline)
 * wakes it. The queue has no lock of its own: the caller's spinlock guards
 * both the queue and the condition being waited for, and wq_wait releases it
 * only once the caller is queued and marked asleep, so a wakeup between the
 * check of the condition and the sleep cannot be lost.
 *
 *	flags = hal_spin_lock_irqsave(&obj->lock);
 *	while (!condition)
 *		if ((rc = wq_wait(&obj->wq, &obj->lock, deadline)) < 0)
 *			break;
 *	wq_unlock(&obj->lock, flags);
 *
 * A waker changes the condition and calls wq_wake_one/all under the same
 * lock. A woken waiter has been removed from the queue by its waker, so a
 * waker can hand something over (a mutex, a semaphore count) to the exact
 * task it wakes: wq_wait returns 0 exactly when a waker removed the caller,
 * even if the deadline passed at the same time; -ETIMEDOUT means no waker
 * chose it. Waiters are woken in FIFO order.
 *
 * Interruptible waits. A layer above task (process, for signals) may raise
 * interruptions on a task (task_interrupt, task/task.h); a wait says which
 * of them end it, as Linux's task states do:
 *
 *	0                        uninterruptible: a waker or the deadline only
 *	TASK_WAIT_KILLABLE       also TASK_INTR_FATAL (the task is to die:
 *	                         Linux's TASK_KILLABLE, a pending SIGKILL)
 *	TASK_WAIT_INTERRUPTIBLE  also TASK_INTR_SIGNAL (something for the task
 *	                         to act on: Linux's TASK_INTERRUPTIBLE and
 *	                         signal_pending())
 *
 * Such a wait returns -EINTR when one of its interruptions is raised before
 * or while it sleeps, and the caller unwinds (a system call returns -EINTR
 * and the process acts on its signal on the way out). Every wait a system
 * call can make for an unbounded time must be killable at least; waits for
 * short critical sections (sync's mutexes) stay uninterruptible, as
 * Linux's mutex_lock. The same snippet, interruptible:
 *
 *	while (!condition)
 *		if ((rc = wq_wait_intr(&obj->wq, &obj->lock, deadline,
 *				       TASK_WAIT_INTERRUPTIBLE)) < 0)
 *			break;           // -EINTR or -ETIMEDOUT
 */
#ifndef TASK_WAIT_H
#define TASK_WAIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <hal/spinlock.h>
#include <klib/list.h>

struct task;

/* A deadline that never comes. Deadlines are absolute, on hal_time_ns(). */
#define TASK_FOREVER UINT64_MAX

/* Interruptions a task can have raised (task_interrupt). */
#define TASK_INTR_SIGNAL 0x1u /* an unblocked signal is pending (Linux: TIF_SIGPENDING) */
#define TASK_INTR_FATAL  0x2u /* the task is to die (Linux: fatal_signal_pending()) */

/* Which interruptions end a wait (Linux's TASK_KILLABLE, TASK_INTERRUPTIBLE). */
#define TASK_WAIT_KILLABLE      TASK_INTR_FATAL
#define TASK_WAIT_INTERRUPTIBLE (TASK_INTR_SIGNAL | TASK_INTR_FATAL)

struct wait_queue {
	struct list_node waiters;
};

#define WAIT_QUEUE_INIT(name)                                                                      \
	{                                                                                          \
		LIST_HEAD_INIT((name).waiters)                                                     \
	}

void wq_init(struct wait_queue *wq);

/*
 * Sleep on 'wq' until woken or until 'deadline'. Called from a task with
 * 'lock' held and interrupts disabled (hal_spin_lock_irqsave; with them on
 * it panics, in every build); returns with it held again. 0: woken by
 * wq_wake_*; -ETIMEDOUT: the deadline passed first (at once if it has
 * already passed).
 */
int wq_wait(struct wait_queue *wq, hal_spinlock_t *lock, uint64_t deadline);

/*
 * wq_wait that also ends when an interruption in 'intr' (0,
 * TASK_WAIT_KILLABLE or TASK_WAIT_INTERRUPTIBLE) is raised on the caller:
 * then -EINTR, at once if one already is (without sleeping or releasing
 * 'lock'). 0 still means a waker chose the caller, even if an interruption
 * came at the same time; -ETIMEDOUT the deadline, with none raised.
 */
int wq_wait_intr(struct wait_queue *wq, hal_spinlock_t *lock, uint64_t deadline, unsigned intr);

/*
 * Wake the longest waiter / every waiter, with the queue's lock held.
 * wq_wake_one returns the task it woke (NULL if none); wq_wake_all the count.
 * Also safe from an interrupt handler.
 */
struct task *wq_wake_one(struct wait_queue *wq);
size_t wq_wake_all(struct wait_queue *wq);

bool wq_empty(const struct wait_queue *wq);

/*
 * hal_spin_unlock_irqrestore, then switch at once if a wakeup made the
 * running task due for preemption (a woken task with a better claim under
 * the fair scheduler) and preemption is allowed here.
 */
void wq_unlock(hal_spinlock_t *lock, unsigned long flags);

#endif
