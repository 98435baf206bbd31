/*
 * Wait queues (task/wait.h). A waiter is a node on the sleeping task's own
 * stack. The rule that makes timeouts race-free: a waker removes the node
 * it wakes, under the queue's lock; a waiter that finds its node still
 * queued after it wakes up was not chosen by any waker, so it timed out and
 * removes the node itself. Either way exactly one side owns the outcome.
 * The same holds for an interruption (task_interrupt): it wakes the task
 * but leaves the node queued, so the waiter removes it and says -EINTR.
 */
#include <hal/cpu.h>
#include <hal/time.h>
#include <klib/errno.h>
#include <klib/panic.h>
#include "task_internal.h"

struct wq_waiter {
	struct list_node node;
	struct task *task;
};

void wq_init(struct wait_queue *wq)
{
	list_init(&wq->waiters);
}

bool wq_empty(const struct wait_queue *wq)
{
	return list_empty(&wq->waiters);
}

int wq_wait_intr(struct wait_queue *wq, hal_spinlock_t *lock, uint64_t deadline, unsigned intr)
{
	struct wq_waiter w = {.task = this_cpu()->current};
	int rc;

	/* Every build: with interrupts on, a wakeup could come between the
	 * caller's check of its condition and the sleep, and be lost. */
	if (unlikely(hal_irq_enabled()))
		panic("wq_wait needs interrupts disabled (take the lock with _irqsave)");
	if (deadline != TASK_FOREVER && deadline <= hal_time_ns())
		return -ETIMEDOUT;
	list_add_tail(&wq->waiters, &w.node);
	rc = sched_block(lock, deadline, intr);
	if (!list_linked(&w.node))
		return 0; /* a waker chose us, whatever else happened meanwhile */
	list_del(&w.node);
	/* Not chosen: an interruption it sleeps for, or else the deadline, woke it. */
	if (rc == 0)
		rc = READ_ONCE(w.task->intr) & intr ? -EINTR : -ETIMEDOUT;
	return rc;
}

int wq_wait(struct wait_queue *wq, hal_spinlock_t *lock, uint64_t deadline)
{
	return wq_wait_intr(wq, lock, deadline, 0);
}

struct task *wq_wake_one(struct wait_queue *wq)
{
	struct list_node *n = list_pop(&wq->waiters);
	struct task *t;

	if (!n)
		return NULL;
	/* The waiter's node lives on its stack: read it before it can run. */
	t = list_entry(n, struct wq_waiter, node)->task;
	sched_wake(t);
	return t;
}

size_t wq_wake_all(struct wait_queue *wq)
{
	size_t n = 0;

	while (wq_wake_one(wq))
		n++;
	return n;
}

void wq_unlock(hal_spinlock_t *lock, unsigned long flags)
{
	hal_spin_unlock_irqrestore(lock, flags);
	sched_preempt_point();
}
