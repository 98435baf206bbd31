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

struct wait_queue {
	struct list_node waiters;
};

#define WAIT_QUEUE_INIT(name) {LIST_HEAD_INIT((name).waiters)}

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
