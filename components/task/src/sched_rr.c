/*
 * Round-robin, preemptive: ready tasks run in FIFO order, each for a slice
 * of CONFIG_TASK_RR_SLICE_TICKS timer ticks; when the slice runs out and
 * another task is ready, the tick moves the running task to the back of the
 * queue. A task that yields, blocks or is preempted starts its next turn
 * with a full slice.
 */
#include "sched_queue.h"

const char sched_policy_name[] = "round-robin";
const bool sched_policy_ticks = true;

void sched_policy_init(struct sched_rq *rq)
{
	sched_queue_init(rq);
}

void sched_policy_task_init(struct task *t)
{
	t->slice_left = CONFIG_TASK_RR_SLICE_TICKS;
}

void sched_policy_set_nice(struct task *t, int nice)
{
	t->nice = nice;
}

void sched_policy_enqueue(struct sched_rq *rq, struct task *t, enum sched_why why)
{
	(void)why;
	t->slice_left = CONFIG_TASK_RR_SLICE_TICKS;
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
	if (cur->slice_left > 1) {
		cur->slice_left--;
		return false;
	}
	/* Slice used up: make way if anyone is waiting, else go on with a new one. */
	cur->slice_left = CONFIG_TASK_RR_SLICE_TICKS;
	return rq->nr_ready > 0;
}

bool sched_policy_wakeup_preempts(struct sched_rq *rq, struct task *cur, struct task *woken)
{
	(void)rq, (void)cur, (void)woken;
	return false;
}
