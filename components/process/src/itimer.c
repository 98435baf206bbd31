/*
 * ITIMER_REAL (setitimer, alarm): Linux's hrtimer it_real_fn, which sends
 * SIGALRM to the thread group and re-arms by the interval. Armed timers
 * are on one list under the tree lock; one kernel task sleeps until the
 * earliest expiry, fires what is due and sleeps again. It is started when
 * a timer is armed and none runs, and ends when the list is empty, so a
 * kernel whose programs use no timer has no such task.
 */
#include <hal/time.h>
#include <klib/errno.h>
#include <task/task.h>
#include "process_internal.h"

static struct list_node armed = LIST_HEAD_INIT(armed);
static struct wait_queue changed = WAIT_QUEUE_INIT(changed);
static bool running; /* the task runs (tree lock) */

/* With the tree lock: fire what is due; the earliest deadline left, or 0. */
static uint64_t fire_due(uint64_t now)
{
	struct process_siginfo alrm = {.signo = PROCESS_SIGALRM, .code = PROCESS_SI_KERNEL};
	struct process *p, *tmp;
	uint64_t next = 0;

	list_for_each_entry_safe(p, tmp, &armed, itimer_node)
	{
		if (p->leader->itimer_deadline <= now) {
			process_send_locked(p, &alrm);
			if (p->leader->itimer_interval) {
				p->leader->itimer_deadline += p->leader->itimer_interval;
				if (p->leader->itimer_deadline <=
				    now) /* overran: Linux forwards it past now */
					p->leader->itimer_deadline =
					    now + p->leader->itimer_interval;
			} else {
				p->leader->itimer_deadline = 0;
				list_del(&p->leader->itimer_node);
				continue;
			}
		}
		if (!next || p->leader->itimer_deadline < next)
			next = p->leader->itimer_deadline;
	}
	return next;
}

static int timer_task(void *arg)
{
	hal_spinlock_t *lock = process_tree_lock();
	unsigned long flags = hal_spin_lock_irqsave(lock);
	uint64_t next;

	(void)arg;
	while ((next = fire_due(hal_time_ns())) != 0)
		wq_wait(&changed, lock, next); /* a new, earlier timer wakes it */
	running = false;
	hal_spin_unlock_irqrestore(lock, flags);
	return 0;
}

/* With the tree lock: p's timer off. */
static void disarm_locked(struct process *p)
{
	if (p->leader->itimer_deadline)
		list_del(&p->leader->itimer_node);
	p->leader->itimer_deadline = 0;
	p->leader->itimer_interval = 0;
}

static void read_locked(struct process *p, uint64_t now, uint64_t *value, uint64_t *interval)
{
	if (value) /* Linux reports at least 1 us left for an armed timer */
		*value = !p->leader->itimer_deadline        ? 0
		         : p->leader->itimer_deadline > now ? p->leader->itimer_deadline - now
		                                            : 1000;
	if (interval)
		*interval = p->leader->itimer_interval;
}

int process_setitimer(struct process *p, uint64_t value, uint64_t interval, uint64_t *old_value,
                      uint64_t *old_interval)
{
	struct task_attr attr = {.detached = true};
	uint64_t now = hal_time_ns();
	unsigned long flags = process_lock();
	struct task *t;
	bool start;
	int rc;

	read_locked(p, now, old_value, old_interval);
	disarm_locked(p);
	if (value) {
		p->leader->itimer_deadline = value > UINT64_MAX - now ? UINT64_MAX : now + value;
		p->leader->itimer_interval = interval;
		list_add_tail(&armed, &p->leader->itimer_node);
	}
	start = value && !running;
	if (start)
		running = true;
	wq_wake_all(&changed);
	process_unlock(flags);
	if (!start)
		return 0;
	if ((rc = task_create(&t, "itimer", timer_task, NULL, &attr)) < 0) {
		flags = process_lock();
		running = false;
		disarm_locked(p);
		process_unlock(flags);
		return rc == -ENOMEM ? -ENOMEM : -EAGAIN;
	}
	return 0;
}

void process_getitimer(struct process *p, uint64_t *value, uint64_t *interval)
{
	unsigned long flags = process_lock();

	read_locked(p, hal_time_ns(), value, interval);
	process_unlock(flags);
}

void process_itimer_exit(struct process *p)
{
	unsigned long flags = process_lock();

	disarm_locked(p);
	wq_wake_all(&changed); /* the task ends if that was the last */
	process_unlock(flags);
}
