/*
 * The round-robin policy with real tasks and the real tick: CPU-bound tasks
 * that never yield share the CPU in turns, in a fixed cyclic order, each
 * turn lasting exactly CONFIG_TASK_RR_SLICE_TICKS ticks. Ticks are counted
 * by the tick handler itself, so this holds however late the host delivers
 * the timer signal. A turn is seen by its task when it first runs in it;
 * if the host stops this process for longer than a tick just after a
 * switch, a whole turn can pass unseen, so each turn also records how many
 * switches the spinners had by then: only consecutive turns with exactly
 * one switch between them are judged, and most of them must be.
 */
#include "harness.h"
#include "kit_test.h"
#include <hal/time.h>

#define SPINNERS 3
#define TURNS    8 /* turns each spinner must see */

struct turn {
	int who;
	uint64_t first_tick, switches;
};

static struct task *spinners[SPINNERS];
static struct turn turns[SPINNERS * TURNS * 2];
static int nturns;
static volatile int last_runner = -1;
static int my_turns[SPINNERS];
static uint64_t give_up;

static uint64_t spinner_switches(void)
{
	struct task_info info;
	uint64_t n = 0;

	for (int i = 0; i < SPINNERS; i++) {
		task_get_info(spinners[i], &info);
		n += info.switches_in;
	}
	return n;
}

/* Spin without ever yielding, noting each time the CPU came back to us. */
static int spin(void *arg)
{
	int me = (int)(intptr_t)arg;

	while (hal_time_ns() < give_up) {
		/* With preemption off: one consistent view of ticks and switches. */
		preempt_disable();
		if (last_runner != me) {
			last_runner = me;
			if (nturns < (int)ARRAY_SIZE(turns))
				turns[nturns++] =
				    (struct turn){me, task_ticks(), spinner_switches()};
			my_turns[me]++;
		}
		int done = 1;
		for (int i = 0; i < SPINNERS; i++)
			done &= my_turns[i] >= TURNS;
		preempt_enable();
		if (done)
			break;
	}
	return 0;
}

static void test_cpu_bound_tasks_take_turns_of_one_slice(void **state)
{
	int judged = 0, pairs = 0;
	(void)state;

	nturns = 0;
	give_up = harness_give_up();
	preempt_disable(); /* all three exist before any runs */
	for (int i = 0; i < SPINNERS; i++)
		spinners[i] = harness_spawn("spin", spin, (void *)(intptr_t)i, 0);
	preempt_enable();
	for (int i = 0; i < SPINNERS; i++)
		harness_join(spinners[i]);
	harness_check_deadline(give_up, "every spinner to get its turns");

	if (turns[0].switches == 1) /* seen: the first turn goes to the first created */
		assert_int_equal(turns[0].who, 0);
	/* Skip the first turn (it may start between ticks) and the last round
	 * (each spinner sees that all are done and ends, handing the CPU on). */
	for (int i = 1; i + SPINNERS < nturns; i++, pairs++) {
		uint64_t len = turns[i + 1].first_tick - turns[i].first_tick;

		if (turns[i + 1].switches != turns[i].switches + 1)
			continue; /* a turn passed unseen in between */
		judged++;
		if (turns[i + 1].who != (turns[i].who + 1) % SPINNERS)
			fail_msg("after spinner %d came spinner %d (turn %d)", turns[i].who,
			         turns[i + 1].who, i);
		if (len != CONFIG_TASK_RR_SLICE_TICKS)
			fail_msg("turn %d of spinner %d lasted %llu ticks, the slice is %d", i,
			         turns[i].who, (unsigned long long)len, CONFIG_TASK_RR_SLICE_TICKS);
	}
	if (judged * 3 < pairs * 2)
		fail_msg("only %d of %d turns could be judged", judged, pairs);
	assert_string_equal(task_sched_name(), "round-robin");
}

/* A task alone on the CPU keeps it: its slice ends with nobody to take over. */
static int lone(void *arg)
{
	uint64_t start = task_ticks();
	struct task_info info;
	(void)arg;

	while (task_ticks() < start + 4 * CONFIG_TASK_RR_SLICE_TICKS && hal_time_ns() < give_up)
		;
	task_get_info(task_current(), &info);
	return (int)info.preemptions;
}

static void test_a_lone_task_is_not_preempted(void **state)
{
	struct task *t;
	(void)state;

	give_up = harness_give_up();
	t = harness_spawn("lone", lone, NULL, 0);
	assert_int_equal(harness_join(t), 0);
	harness_check_deadline(give_up, "four slices of ticks");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cpu_bound_tasks_take_turns_of_one_slice),
	    cmocka_unit_test(test_a_lone_task_is_not_preempted),
	};
	harness_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
