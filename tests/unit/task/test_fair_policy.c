/*
 * The fair policy on its own (sched_fair.c), on a simulated CPU with a
 * simulated clock: every rule it promises, exactly, with no timing involved.
 * Reaches into task's private task record on purpose: the policy is the
 * unit under test.
 */
#include "kit_test.h"
#include "task_internal.h"
#include <string.h>

#define MS   1000000ull
#define GRAN ((uint64_t)CONFIG_TASK_FAIR_SLICE_US * 1000u)

static struct sched_rq rq;
static struct task tasks[4];

static struct task *fresh(int i, int nice)
{
	struct task *t = &tasks[i];

	memset(t, 0, sizeof(*t));
	list_init(&t->rq_node);
	t->nice = nice;
	sched_policy_task_init(t);
	return t;
}

static int setup(void **state)
{
	(void)state;
	sched_policy_init(&rq);
	return 0;
}

/* Run n tasks for 'total' ns of simulated time, ticking every 'tick' ns. */
static void simulate(int n, uint64_t total, uint64_t tick)
{
	struct task *cur;

	for (int i = 0; i < n; i++)
		sched_policy_enqueue(&rq, &tasks[i], SCHED_NEW);
	cur = sched_policy_pick(&rq);
	for (uint64_t now = 0; now < total; now += tick) {
		cur->runtime_ns += tick;
		sched_policy_charge(&rq, cur, tick);
		if (sched_policy_tick(&rq, cur)) {
			sched_policy_enqueue(&rq, cur, SCHED_PREEMPT);
			cur = sched_policy_pick(&rq);
		}
	}
}

static void assert_share(const struct task *t, uint64_t total, unsigned weight, unsigned weight_sum)
{
	double want = (double)total * weight / weight_sum, got = (double)t->runtime_ns;

	if (got < want * 0.98 || got > want * 1.02)
		fail_msg("nice %d got %.1f ms of %.1f, expected %.1f ms (+-2%%)", t->nice, got / MS,
		         (double)total / MS, want / MS);
}

static void test_cpu_shares_follow_weights(void **state)
{
	uint64_t total = 20000 * MS;
	(void)state;

	fresh(0, -5);
	fresh(1, 0);
	fresh(2, 5);
	unsigned sum = tasks[0].weight + tasks[1].weight + tasks[2].weight;
	simulate(3, total, 1 * MS);
	for (int i = 0; i < 3; i++)
		assert_share(&tasks[i], total, tasks[i].weight, sum);
	/* And each got the CPU many times, not once for all its share. */
	assert_true(tasks[0].runtime_ns > 3 * tasks[1].runtime_ns);
}

static void test_equal_nice_equal_share(void **state)
{
	uint64_t total = 1000 * MS;
	(void)state;

	fresh(0, 3);
	fresh(1, 3);
	simulate(2, total, 1 * MS);
	assert_share(&tasks[0], total, 1, 2);
	assert_share(&tasks[1], total, 1, 2);
}

static void test_weights_follow_the_nice_scale(void **state)
{
	struct task *t = fresh(0, 0);
	unsigned prev = 0;
	(void)state;

	assert_int_equal(t->weight, 1024);
	for (int nice = TASK_NICE_MAX; nice >= TASK_NICE_MIN; nice--) {
		sched_policy_set_nice(t, nice);
		if (prev) {
			/* about 1.25x per step (rounding shows at small weights) */
			double r = (double)t->weight / prev;
			assert_true(r > 1.18 && r < 1.32);
		}
		prev = t->weight;
	}
	/* The ends of Linux's table: 88761 at -20, 15 at 19 (within 1%). */
	sched_policy_set_nice(t, -20);
	assert_in_range(t->weight, 87873, 89649);
	sched_policy_set_nice(t, 19);
	assert_int_equal(t->weight, 15);
}

static void test_least_virtual_runtime_runs_first(void **state)
{
	(void)state;
	fresh(0, 0)->vruntime = 30 * MS;
	fresh(1, 0)->vruntime = 10 * MS;
	fresh(2, 0)->vruntime = 20 * MS;
	fresh(3, 0)->vruntime = 20 * MS;
	for (int i = 0; i < 4; i++)
		sched_policy_enqueue(&rq, &tasks[i], SCHED_PREEMPT);
	assert_ptr_equal(sched_policy_pick(&rq), &tasks[1]);
	assert_ptr_equal(sched_policy_pick(&rq), &tasks[2]); /* ties: first queued first */
	assert_ptr_equal(sched_policy_pick(&rq), &tasks[3]);
	assert_ptr_equal(sched_policy_pick(&rq), &tasks[0]);
	assert_null(sched_policy_pick(&rq));
}

static void test_new_and_waking_tasks_get_no_hoarded_credit(void **state)
{
	struct task *a = fresh(0, 0), *n, *s;
	(void)state;

	/* a runs alone for 100 ms: min_vruntime follows it. */
	sched_policy_enqueue(&rq, a, SCHED_NEW);
	assert_ptr_equal(sched_policy_pick(&rq), a);
	sched_policy_charge(&rq, a, 100 * MS);
	assert_true(rq.min_vruntime == 100 * MS);

	/* A new task starts level with the least runnable, not at zero. */
	n = fresh(1, 0);
	sched_policy_enqueue(&rq, n, SCHED_NEW);
	assert_true(n->vruntime == 100 * MS);
	sched_policy_pick(&rq);

	/* A task that slept through all of it gets one granularity, no more. */
	s = fresh(2, 0);
	s->vruntime = 5 * MS;
	sched_policy_enqueue(&rq, s, SCHED_WAKEUP);
	assert_true(s->vruntime == 100 * MS - GRAN);
	/* ... and that is enough to preempt a runner ahead by more than GRAN. */
	a->vruntime = 100 * MS + GRAN / 2;
	assert_true(sched_policy_wakeup_preempts(&rq, a, s));
	a->vruntime = 100 * MS - GRAN / 2;
	assert_false(sched_policy_wakeup_preempts(&rq, a, s));
}

static void test_tick_preempts_only_past_the_granularity(void **state)
{
	struct task *cur = fresh(0, 0), *other = fresh(1, 0);
	(void)state;

	other->vruntime = 50 * MS;
	sched_policy_enqueue(&rq, other, SCHED_PREEMPT);
	cur->vruntime = 50 * MS + GRAN;
	assert_false(sched_policy_tick(&rq, cur));
	cur->vruntime = 50 * MS + GRAN + 1;
	assert_true(sched_policy_tick(&rq, cur));
	/* Alone, nobody to preempt for. */
	sched_policy_pick(&rq);
	assert_false(sched_policy_tick(&rq, cur));
}

static void test_yield_steps_behind_close_tasks_only(void **state)
{
	struct task *y = fresh(0, 0), *close = fresh(1, 0), *far = fresh(2, 0);
	(void)state;

	y->vruntime = 10 * MS;
	close->vruntime = 10 * MS + GRAN / 2;
	far->vruntime = 10 * MS + 2 * GRAN;
	sched_policy_enqueue(&rq, close, SCHED_PREEMPT);
	sched_policy_enqueue(&rq, far, SCHED_PREEMPT);
	sched_policy_enqueue(&rq, y, SCHED_YIELD);
	assert_ptr_equal(sched_policy_pick(&rq), close);
	assert_ptr_equal(sched_policy_pick(&rq), y);
	assert_ptr_equal(sched_policy_pick(&rq), far);
	assert_true(y->vruntime == 10 * MS); /* yielding costs no virtual time */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_cpu_shares_follow_weights, setup),
	    cmocka_unit_test_setup(test_equal_nice_equal_share, setup),
	    cmocka_unit_test_setup(test_weights_follow_the_nice_scale, setup),
	    cmocka_unit_test_setup(test_least_virtual_runtime_runs_first, setup),
	    cmocka_unit_test_setup(test_new_and_waking_tasks_get_no_hoarded_credit, setup),
	    cmocka_unit_test_setup(test_tick_preempts_only_past_the_granularity, setup),
	    cmocka_unit_test_setup(test_yield_steps_behind_close_tasks_only, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
