/*
 * FIFO, cooperative: ready tasks run in the order they became ready, and
 * the running task keeps the CPU until it blocks, yields or exits. The tick
 * never preempts, so the timer is armed only for sleep deadlines.
 */
#include "sched_queue.h"

const char sched_policy_name[] = "fifo";
const bool sched_policy_ticks = false;

void sched_policy_init(struct sched_rq *rq)
{
	sched_queue_init(rq);
}

void sched_policy_task_init(struct task *t)
{
	(void)t;
}

void sched_policy_set_nice(struct task *t, int nice)
{
	t->nice = nice;
}

void sched_policy_enqueue(struct sched_rq *rq, struct task *t, enum sched_why why)
{
	(void)why;
	sched_queue_push(rq, t);
}

void sched_policy_dequeue(struct sched_rq *rq, struct task *t)
{
	sched_queue_remove(rq, t);
}

struct task *sched_policy_pick(struct sched_rq *rq)
{
	return sched_queue_pop(rq);
}

void sched_policy_charge(struct sched_rq *rq, struct task *t, uint64_t delta_ns)
{
	(void)rq, (void)t, (void)delta_ns;
}

bool sched_policy_tick(struct sched_rq *rq, struct task *cur)
{
	(void)rq, (void)cur;
	return false;
}

bool sched_policy_wakeup_preempts(struct sched_rq *rq, struct task *cur, struct task *woken)
{
	(void)rq, (void)cur, (void)woken;
	return false;
}
