/*
 * The run queue as a plain FIFO list, shared by the FIFO and round-robin
 * policies (only one policy is linked, so these are inline).
 */
#ifndef TASK_SCHED_QUEUE_H
#define TASK_SCHED_QUEUE_H

#include "task_internal.h"

static inline void sched_queue_init(struct sched_rq *rq)
{
	list_init(&rq->queue);
	WRITE_ONCE(rq->nr_ready, 0);
	rq->min_vruntime = 0;
}

static inline void sched_queue_push(struct sched_rq *rq, struct task *t)
{
	list_add_tail(&rq->queue, &t->rq_node);
	WRITE_ONCE(rq->nr_ready, rq->nr_ready + 1); /* peeked at by other CPUs */
}

static inline struct task *sched_queue_pop(struct sched_rq *rq)
{
	struct list_node *n = list_pop(&rq->queue);

	if (!n)
		return NULL;
	WRITE_ONCE(rq->nr_ready, rq->nr_ready - 1);
	return list_entry(n, struct task, rq_node);
}

static inline void sched_queue_remove(struct sched_rq *rq, struct task *t)
{
	list_del(&t->rq_node);
	WRITE_ONCE(rq->nr_ready, rq->nr_ready - 1);
}

#endif
