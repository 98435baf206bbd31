/*
 * The round-robin policy on its own (sched_rr.c), on a simulated CPU: each
 * rule of its header comment, exactly. Reaches into task's private task
 * record on purpose: the policy is the unit under test.
 *
 * "A slice end with nobody else ready goes on with a new slice" must mean
 * no reschedule is asked for: the core keeps a request pending while
 * preemption is disabled, so a stray one would switch to a task that wakes
 * before preempt_enable(), which round-robin never does on a wakeup.
 */
#include "kit_test.h"
#include "task_internal.h"
#include <string.h>

#define SLICE CONFIG_TASK_RR_SLICE_TICKS

static struct sched_rq rq;
static struct task tasks[3];

static struct task *fresh(int i)
{
	struct task *t = &tasks[i];

	memset(t, 0, sizeof(*t));
	list_init(&t->rq_node);
	sched_policy_task_init(t);
	return t;
}

static int setup(void **state)
{
	(void)state;
	sched_policy_init(&rq);
	return 0;
}

/* Ticks until the policy asks to preempt 'cur', or 0 if it does not in 'max'. */
static unsigned ticks_to_preempt(struct task *cur, unsigned max)
{
	for (unsigned n = 1; n <= max; n++)
		if (sched_policy_tick(&rq, cur))
			return n;
	return 0;
}

static void test_rr_alone_never_asks_to_be_preempted(void **state)
{
	struct task *a = fresh(0);
	(void)state;

	assert_string_equal(sched_policy_name, "round-robin");
	assert_true(sched_policy_ticks);
	/* Ten slice ends, not one request: nobody else is ready. */
	assert_int_equal(ticks_to_preempt(a, 10 * SLICE), 0);
	/* Each slice end started a full slice: once b is ready, a keeps the CPU
	 * for the whole of the one it has just begun, not a tick less. */
	sched_policy_enqueue(&rq, fresh(1), SCHED_NEW);
	assert_int_equal(ticks_to_preempt(a, 2 * SLICE), SLICE);
}

static void test_rr_slice_end_with_another_ready_preempts(void **state)
{
	struct task *a = fresh(0), *b = fresh(1);
	(void)state;

	sched_policy_enqueue(&rq, b, SCHED_NEW);
	assert_int_equal(ticks_to_preempt(a, 2 * SLICE), SLICE);
	assert_int_equal(rq.nr_ready, 1); /* the tick itself queues nothing */
}

static void test_rr_queue_is_fifo_and_every_turn_gets_a_full_slice(void **state)
{
	struct task *a = fresh(0), *b = fresh(1), *c = fresh(2);
	(void)state;

	sched_policy_enqueue(&rq, a, SCHED_NEW);
	sched_policy_enqueue(&rq, b, SCHED_WAKEUP);
	sched_policy_enqueue(&rq, c, SCHED_YIELD);
	assert_int_equal(rq.nr_ready, 3);
	assert_ptr_equal(sched_policy_pick(&rq), a);
	/* a uses part of its slice, yields, and comes back with a full one. */
	if (SLICE > 1)
		assert_int_equal(ticks_to_preempt(a, SLICE - 1), 0);
	sched_policy_enqueue(&rq, a, SCHED_YIELD);
	assert_ptr_equal(sched_policy_pick(&rq), b);
	assert_ptr_equal(sched_policy_pick(&rq), c);
	assert_ptr_equal(sched_policy_pick(&rq), a);
	assert_null(sched_policy_pick(&rq));
	assert_int_equal(rq.nr_ready, 0);
	sched_policy_enqueue(&rq, b, SCHED_PREEMPT);
	assert_int_equal(ticks_to_preempt(a, 2 * SLICE), SLICE);
}

static void test_rr_a_wakeup_never_preempts(void **state)
{
	struct task *a = fresh(0), *b = fresh(1);
	(void)state;

	sched_policy_enqueue(&rq, b, SCHED_WAKEUP);
	assert_false(sched_policy_wakeup_preempts(&rq, a, b));
	sched_policy_set_nice(b, -20);
	assert_int_equal(b->nice, -20);
	assert_false(sched_policy_wakeup_preempts(&rq, a, b));
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_rr_alone_never_asks_to_be_preempted),
	    T(test_rr_slice_end_with_another_ready_preempts),
	    T(test_rr_queue_is_fifo_and_every_turn_gets_a_full_slice),
	    T(test_rr_a_wakeup_never_preempts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
