/*
 * Preemption with real tasks under the round-robin policy: a task that never
 * yields is preempted by the tick; preempt_disable() holds the CPU across any
 * number of ticks, nests, and the switch that fell due meanwhile happens in
 * the preempt_enable() that ends it. Sleeping with preemption disabled is
 * caught.
 */
#include "harness.h"
#include "kit_test.h"
#include <hal/time.h>
#include <klib/errno.h>

static volatile int other_ran;
static uint64_t give_up;

static int other(void *arg)
{
	(void)arg;
	other_ran = 1;
	return 0;
}

static int spin_until_other_runs(void *arg)
{
	struct task_info info;
	(void)arg;

	while (!other_ran && hal_time_ns() < give_up)
		;
	task_get_info(task_current(), &info);
	return other_ran && info.preemptions >= 1 ? 0 : 1;
}

static void test_tick_preempts_a_task_that_never_yields(void **state)
{
	struct task *a, *b;
	(void)state;

	other_ran = 0;
	give_up = harness_give_up();
	a = harness_spawn("spinner", spin_until_other_runs, NULL, 0);
	b = harness_spawn("other", other, NULL, 0);
	assert_int_equal(harness_join(a), 0);
	harness_join(b);
}

static void spin_ticks(unsigned n)
{
	uint64_t end = task_ticks() + n;

	while (task_ticks() < end && hal_time_ns() < give_up)
		;
}

/* Returns a bit per broken promise, 0 when all held. */
static int hold_the_cpu(void *arg)
{
	int broken = 0;
	(void)arg;

	preempt_disable();
	spin_ticks(3 * CONFIG_TASK_RR_SLICE_TICKS);
	preempt_disable(); /* nested */
	spin_ticks(2 * CONFIG_TASK_RR_SLICE_TICKS);
	preempt_enable(); /* still disabled once */
	if (preempt_count() != 1)
		broken |= 1;
	spin_ticks(2 * CONFIG_TASK_RR_SLICE_TICKS);
	if (other_ran)
		broken |= 2; /* preempted while disabled */
	preempt_enable();    /* the overdue switch happens right here */
	if (!other_ran)
		broken |= 4;
	return broken;
}

static void test_preempt_disable_holds_the_cpu_and_nests(void **state)
{
	struct task *a, *b;
	(void)state;

	other_ran = 0;
	give_up = harness_give_up();
	a = harness_spawn("holder", hold_the_cpu, NULL, 0);
	b = harness_spawn("other", other, NULL, 0);
	assert_int_equal(harness_join(a), 0);
	harness_join(b);
	harness_check_deadline(give_up, "ticks");
}

static void test_sleeping_with_preemption_disabled_is_caught(void **state)
{
	(void)state;
	preempt_disable(); /* caught in every build */
	expect_panic(task_yield());
	assert_true(kit_test_output_has("would sleep with preemption disabled"));
	expect_panic(task_sleep_ns(1000));
	assert_true(kit_test_output_has(
	    "sleep: task 'main' would sleep with preemption disabled (count 1)"));
	/* A deadline already past too: whether it is caught does not hang on the clock. */
	expect_panic(task_sleep_until(0));
	assert_true(kit_test_output_has(
	    "sleep: task 'main' would sleep with preemption disabled (count 1)"));
	preempt_enable();
#ifdef CONFIG_ASSERT
	expect_panic(preempt_enable());
	assert_true(kit_test_output_has("preempt_enable without preempt_disable"));
#endif
	assert_int_equal(preempt_count(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tick_preempts_a_task_that_never_yields),
	    cmocka_unit_test(test_preempt_disable_holds_the_cpu_and_nests),
	    cmocka_unit_test(test_sleeping_with_preemption_disabled_is_caught),
	};
	harness_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
