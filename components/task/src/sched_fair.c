/*
 * Fair share by weight. Each task accumulates virtual runtime: CPU time
 * scaled by NICE0_WEIGHT / weight, so a task of twice the weight ages half
 * as fast. The ready task with the least virtual runtime runs next, and the
 * tick preempts the running task once it is more than one granularity
 * (CONFIG_TASK_FAIR_SLICE_US) ahead of it. Over time every task gets CPU in
 * proportion to its weight. The weight follows the nice value as in Linux:
 * 1024 at nice 0, about 1.25x per step.
 *
 * Tasks joining the queue are placed relative to min_vruntime (the least
 * virtual runtime of any runnable task, never decreasing): a new task starts
 * there, and a task waking from a long sleep at most one granularity behind
 * it, so sleeping earns no unbounded credit.
 *
 * The queue is a list sorted by virtual runtime: O(n) insertion, fine for
 * the tens of tasks a unikernel runs; a tree would make it O(log n).
 */
#include "sched_queue.h"

#ifndef CONFIG_TASK_ACCOUNTING
#error "the fair policy charges CPU time: it needs CONFIG_TASK_ACCOUNTING"
#endif

#define NICE0_WEIGHT 1024u
#define GRAN_NS      ((uint64_t)CONFIG_TASK_FAIR_SLICE_US * 1000u)

const char sched_policy_name[] = "fair";
const bool sched_policy_ticks = true;

/* 1024 * 1.25^-nice, by repeated multiplication in 32.32 fixed point. */
static unsigned nice_to_weight(int nice)
{
	uint64_t w = (uint64_t)NICE0_WEIGHT << 32;

	for (int i = 0; i < nice; i++)
		w = w / 5 * 4;
	for (int i = 0; i > nice; i--)
		w = w / 4 * 5;
	return (unsigned)((w + (1ull << 31)) >> 32);
}

void sched_policy_init(struct sched_rq *rq)
{
	sched_queue_init(rq);
}

void sched_policy_task_init(struct task *t)
{
	t->vruntime = 0;
	t->weight = nice_to_weight(t->nice);
}

void sched_policy_set_nice(struct task *t, int nice)
{
	t->nice = nice;
	t->weight = nice_to_weight(nice);
}

/* Insert 't' before the first task whose virtual runtime exceeds 'key'. */
static void insert_sorted(struct sched_rq *rq, struct task *t, uint64_t key)
{
	struct list_node *pos;

	list_for_each(pos,
	              &rq->queue) if (list_entry(pos, struct task, rq_node)->vruntime > key) break;
	list_insert_between(&t->rq_node, pos->prev, pos);
	WRITE_ONCE(rq->nr_ready, rq->nr_ready + 1); /* peeked at by other CPUs */
}

void sched_policy_enqueue(struct sched_rq *rq, struct task *t, enum sched_why why)
{
	uint64_t key = t->vruntime;

	switch (why) {
	case SCHED_NEW:
		t->vruntime = MAX(t->vruntime, rq->min_vruntime);
		key = t->vruntime;
		break;
	case SCHED_WAKEUP:
		if (rq->min_vruntime > GRAN_NS)
			t->vruntime = MAX(t->vruntime, rq->min_vruntime - GRAN_NS);
		key = t->vruntime;
		break;
	case SCHED_MIGRATE:
		/* Relative to the queue it left (sched_policy_dequeue): the same lead here. */
		t->vruntime += rq->min_vruntime;
		key = t->vruntime;
		break;
	case SCHED_YIELD:
		/* Step back behind the tasks that are not far ahead of it. */
		key = t->vruntime + GRAN_NS;
		break;
	default:
		break;
	}
	insert_sorted(rq, t, key);
}

/*
 * Each CPU's virtual clock runs on its own: a task moving between queues
 * keeps its lead over min_vruntime, not its absolute value (as Linux's
 * migrate_task_rq_fair).
 */
void sched_policy_dequeue(struct sched_rq *rq, struct task *t)
{
	sched_queue_remove(rq, t);
	t->vruntime -= MIN(t->vruntime, rq->min_vruntime);
}

struct task *sched_policy_pick(struct sched_rq *rq)
{
	struct task *t = sched_queue_pop(rq); /* the least virtual runtime: the list is sorted */

	if (t)
		rq->min_vruntime = MAX(rq->min_vruntime, t->vruntime);
	return t;
}

void sched_policy_charge(struct sched_rq *rq, struct task *t, uint64_t delta_ns)
{
	struct task *first = list_first_entry(&rq->queue, struct task, rq_node);
	uint64_t least;

	t->vruntime += delta_ns * NICE0_WEIGHT / t->weight;
	least = first ? MIN(first->vruntime, t->vruntime) : t->vruntime;
	rq->min_vruntime = MAX(rq->min_vruntime, least);
}

bool sched_policy_tick(struct sched_rq *rq, struct task *cur)
{
	struct task *first = list_first_entry(&rq->queue, struct task, rq_node);

	return first && cur->vruntime > first->vruntime + GRAN_NS;
}

bool sched_policy_wakeup_preempts(struct sched_rq *rq, struct task *cur, struct task *woken)
{
	(void)rq;
	return woken->vruntime + GRAN_NS < cur->vruntime;
}
