/*
 * Preemption with real tasks under the round-robin policy: the tick runs from
 * task_init on; a task that never yields is preempted by the tick; preempt_disable() holds the CPU
 * across any number of ticks, nests, and the switch that fell due meanwhile happens in the
 * preempt_enable() that ends it. Sleeping with preemption disabled is caught, in a wait queue too.
 */
#include "harness.h"
#include "kit_test.h"
#include <hal/cpu.h>
#include <hal/time.h>
#include <klib/errno.h>
#include <task/preempt.h>
#include <task/wait.h>

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

/*
 * The tick runs from task_init on: main alone, spinning before any switch
 * (the first test of the binary), is ticked. (A switch arms the timer too,
 * so a timer left unarmed by task_init shows only before the first one.)
 */
static void test_the_tick_runs_from_task_init(void **state)
{
	uint64_t t0 = task_ticks(), until = harness_give_up();
	(void)state;

	KIT_TEST_WAIT("a tick while main spins alone, before any switch",
	              while (task_ticks() == t0 && hal_time_ns() < until) hal_cpu_relax());
	assert_true(task_ticks() > t0);
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

/*
 * A wait-queue sleep is checked too (the sleep itself, not only the
 * callers that check first): the sync locks are built on it, and a wait
 * with preemption disabled would leave the count raised for whatever runs
 * next on the CPU. A deadline 1 ms ahead: unchecked, the wait just times out.
 */
static void test_a_wait_queue_sleep_with_preemption_disabled_is_caught(void **state)
{
	struct wait_queue wq;
	hal_spinlock_t lock;
	unsigned long flags;
	(void)state;

	wq_init(&wq);
	hal_spin_init(&lock);
	preempt_disable();
	flags = hal_spin_lock_irqsave(&lock);
	expect_panic(wq_wait(&wq, &lock, hal_time_ns() + 1000000));
	assert_true(kit_test_output_has(
	    "sleep: task 'main' would sleep with preemption disabled (count 1)"));
	hal_spin_unlock_irqrestore(&lock, flags);
	preempt_enable();
	assert_int_equal(preempt_count(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_the_tick_runs_from_task_init), /* first: before any switch */
	    cmocka_unit_test(test_tick_preempts_a_task_that_never_yields),
	    cmocka_unit_test(test_preempt_disable_holds_the_cpu_and_nests),
	    cmocka_unit_test(test_sleeping_with_preemption_disabled_is_caught),
	    cmocka_unit_test(test_a_wait_queue_sleep_with_preemption_disabled_is_caught),
	};
	harness_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
